package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/huawei/huaweitest"
	"github.com/certbroker/certbroker/journal"
	"github.com/certbroker/certbroker/provider"
)

// parsePlanOutput splits renew --expiring-within --output json's stdout
// into its plan lines and its outcome lines, each decoded strictly, and
// fails unless every plan line comes before every outcome line.
func parsePlanOutput(t *testing.T, stdout string) (plans []planLine, outs []outcome) {
	t.Helper()
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		if line == "" {
			continue
		}
		var keys map[string]json.RawMessage
		if err := json.Unmarshal([]byte(line), &keys); err != nil {
			t.Fatalf("bad JSON line %q: %v", line, err)
		}
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		if _, ok := keys["plan"]; ok {
			if len(outs) > 0 {
				t.Fatalf("plan line after an outcome line: %s", line)
			}
			var p planLine
			if err := dec.Decode(&p); err != nil {
				t.Fatalf("bad plan line %q: %v", line, err)
			}
			if p.Schema != 1 {
				t.Errorf("plan line %q: schema %d", line, p.Schema)
			}
			plans = append(plans, p)
			continue
		}
		var o outcome
		if err := dec.Decode(&o); err != nil {
			t.Fatalf("bad outcome line %q: %v", line, err)
		}
		outs = append(outs, o)
	}
	return plans, outs
}

// planRefs returns the refs of the plan lines with plan == which, sorted.
func planRefs(plans []planLine, which string) []string {
	var out []string
	for _, p := range plans {
		if p.Plan == which {
			out = append(out, p.Ref)
		}
	}
	slices.Sort(out)
	return out
}

func sorted(s ...string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// aliRenewIDs counts the renew requests each Alibaba order received.
func aliRenewIDs(s *alibabatest.Server) map[string]int {
	out := map[string]int{}
	for _, q := range s.Requests() {
		if q.Action == alibabatest.ActionRenew {
			out["alibaba:"+q.ID]++
		}
	}
	return out
}

// hwReads counts the details requests each Huawei certificate received
// (a renewal reads the certificate before buying).
func hwReads(s *huaweitest.Server) map[string]int {
	out := map[string]int{}
	for _, q := range s.Requests() {
		if q.Action == huaweitest.ActionDetails {
			out["huawei:"+q.ID]++
		}
	}
	return out
}

func hwPurchaseCount(s *huaweitest.Server) int {
	n := 0
	for _, q := range s.Requests() {
		if q.Action == huaweitest.ActionPurchase {
			n++
		}
	}
	return n
}

// expiringWorld is a world whose emulators hold certificates expiring
// within 30 days and others, in every way a renew listing must tell apart.
type expiringWorld struct {
	*world
	// renew: in their renewal window, expiring within 30 days.
	aliSoon, aliSooner, hwSoon, hwSoonMulti string
	// skip: listed (expiring within 30 days), but past their expiry.
	aliExpired, hwExpired, hwPastIssued string
	// never listed: a year left, or not issued.
	aliIssued, aliPending, hwIssued, hwPending string
}

func newExpiringWorld(t *testing.T, renew bool) *expiringWorld {
	t.Helper()
	w := &expiringWorld{world: newWorld(t, renew)}
	now := time.Now()
	w.aliSoon = "alibaba:" + w.ali.SeedOrder(alibabatest.Order{Type: alibabatest.TypeCertificate,
		NotAfter: now.Add(20 * 24 * time.Hour), Domain: "www.shop.example.com"})
	w.aliSooner = "alibaba:" + w.ali.SeedOrder(alibabatest.Order{Type: alibabatest.TypeCertificate,
		NotAfter: now.Add(5 * 24 * time.Hour), Domain: "api.example.org"})
	w.aliExpired = "alibaba:" + w.ali.Seed(provider.StateExpired)
	w.aliIssued = "alibaba:" + w.ali.Seed(provider.StateIssued)
	w.aliPending = "alibaba:" + w.ali.Seed(provider.StatePendingApplication)
	// Distinct specs (domain counts), so that the emulator can tell which
	// certificate each purchase renews.
	w.hwSoon = "huawei:" + w.hw.SeedListed(provider.StateExpiring, now.Add(15*24*time.Hour), "shop.example.com")
	w.hwSoonMulti = "huawei:" + w.hw.SeedListed(provider.StateExpiring, now.Add(25*24*time.Hour), "mail.example.org", "smtp.example.org")
	// Issued past its expiry, not yet swept to EXPIRED: read as expiring.
	w.hwPastIssued = "huawei:" + w.hw.SeedListed(provider.StateExpiring, now.Add(-2*24*time.Hour),
		"old.example.com", "old2.example.com", "old3.example.com")
	w.hwExpired = "huawei:" + w.hw.Seed(provider.StateExpired)
	w.hwIssued = "huawei:" + w.hw.Seed(provider.StateIssued)
	w.hwPending = "huawei:" + w.hw.Seed(provider.StatePendingApplication)
	return w
}

// TestRenewExpiringEndToEnd runs renew --expiring-within over both
// emulators, through the real adapters over loopback HTTP: the plan lists
// exactly the certificates in their renewal window that expire within the
// window, skips the expired ones, and exactly those get one renew request
// each; nothing else is sent a renewal.
func TestRenewExpiringEndToEnd(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		extra []string
		// which refs of the world are planned and skipped
		renew, skip func(w *expiringWorld) []string
		// huaweiSilent: no request at all may reach Huawei.
		huaweiSilent bool
		summary      []string
	}{
		{name: "every origin",
			renew: func(w *expiringWorld) []string { return sorted(w.aliSoon, w.aliSooner, w.hwSoon, w.hwSoonMulti) },
			skip:  func(w *expiringWorld) []string { return sorted(w.aliExpired, w.hwExpired, w.hwPastIssued) },
			summary: []string{"plan (expiring within 30d): renew 4 (billed: 2), skip 3",
				"  alibaba: renew 2 (billed: 0), skip 1", "  huawei: renew 2 (billed: 2), skip 2"}},
		{name: "a shorter window", extra: []string{"--expiring-within", "240h"},
			renew: func(w *expiringWorld) []string { return sorted(w.aliSooner) },
			skip:  func(w *expiringWorld) []string { return sorted(w.aliExpired, w.hwExpired, w.hwPastIssued) },
			summary: []string{"plan (expiring within 240h): renew 1 (billed: 0), skip 3",
				"  alibaba: renew 1 (billed: 0), skip 1", "  huawei: renew 0 (billed: 0), skip 2"}},
		{name: "one domain", extra: []string{"--domain", "example.org"},
			renew: func(w *expiringWorld) []string { return sorted(w.aliSooner, w.hwSoonMulti) },
			skip:  func(w *expiringWorld) []string { return nil },
			summary: []string{"plan (expiring within 30d for example.org): renew 2 (billed: 1)\n",
				"  alibaba: renew 1 (billed: 0)\n", "  huawei: renew 1 (billed: 1)\n"}},
		{name: "one origin named", extra: []string{"alibaba"}, huaweiSilent: true,
			renew:   func(w *expiringWorld) []string { return sorted(w.aliSoon, w.aliSooner) },
			skip:    func(w *expiringWorld) []string { return sorted(w.aliExpired) },
			summary: []string{"plan (expiring within 30d): renew 2 (billed: 0), skip 1", "  alibaba: renew 2 (billed: 0), skip 1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newExpiringWorld(t, true)
			w.vars["XDG_STATE_HOME"] = t.TempDir()
			args := []string{"renew", "--config", w.cfgPath, "--yes", "--output", "json"}
			if !slices.Contains(tt.extra, "--expiring-within") {
				args = append(args, "--expiring-within", "30d")
			}
			r := w.run(t, "", terminals{}, append(args, tt.extra...)...)
			if r.code != exitOK {
				t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
			wantRenew, wantSkip := tt.renew(w), tt.skip(w)
			plans, outs := parsePlanOutput(t, r.stdout)
			if got := planRefs(plans, "renew"); !slices.Equal(got, wantRenew) {
				t.Errorf("planned %v, want %v", got, wantRenew)
			}
			if got := planRefs(plans, "skip"); !slices.Equal(got, wantSkip) {
				t.Errorf("skipped %v, want %v", got, wantSkip)
			}
			for _, p := range plans {
				na, err := time.Parse(time.RFC3339, p.NotAfter)
				if err != nil {
					t.Errorf("%s: not_after %q: %v", p.Ref, p.NotAfter, err)
				}
				switch p.Plan {
				case "renew":
					huawei := strings.HasPrefix(p.Ref, "huawei:")
					if p.Billed != huawei || p.Reason != "" || p.State != "expiring" || !na.After(time.Now()) || len(p.Domains) == 0 {
						t.Errorf("planned %+v: want expiring, in the future, billed only at huawei, with domains", p)
					}
				case "skip":
					if p.Billed || !strings.Contains(p.Reason, "expired") || na.After(time.Now()) {
						t.Errorf("skipped %+v: want not billed, past its not_after, reason expired", p)
					}
				default:
					t.Errorf("plan %q in %+v", p.Plan, p)
				}
			}
			// One outcome per planned ref, in plan order, each a new order.
			var gotOut []string
			for _, o := range outs {
				gotOut = append(gotOut, o.Ref)
				if !o.OK || o.Op != "renew" || o.NewID == "" {
					t.Errorf("outcome %+v: want a renewal with a new ID", o)
				}
			}
			if !slices.Equal(sorted(gotOut...), wantRenew) {
				t.Errorf("outcomes for %v, want %v", gotOut, wantRenew)
			}
			// At the wire: one renew per planned ref, none for the others.
			wantAli, wantHw := map[string]int{}, 0
			for _, ref := range wantRenew {
				if strings.HasPrefix(ref, "alibaba:") {
					wantAli[ref] = 1
				} else {
					wantHw++
				}
			}
			if got := aliRenewIDs(w.ali); !mapsEqual(got, wantAli) {
				t.Errorf("alibaba renew requests %v, want %v", got, wantAli)
			}
			if got := hwPurchaseCount(w.hw); got != wantHw {
				t.Errorf("huawei purchases %d, want %d", got, wantHw)
			}
			var from []string
			for _, p := range w.hw.Purchases() {
				from = append(from, "huawei:"+p.From)
			}
			if want := filterPrefix(wantRenew, "huawei:"); !slices.Equal(sorted(from...), want) {
				t.Errorf("huawei purchases renew %v, want %v", from, want)
			}
			reads := hwReads(w.hw)
			for _, ref := range []string{w.hwPastIssued, w.hwExpired, w.hwIssued, w.hwPending} {
				if reads[ref] != 0 {
					t.Errorf("%s (not planned) was read for a renewal %d times", ref, reads[ref])
				}
			}
			if tt.huaweiSilent && w.hw.RequestCount() != 0 {
				t.Errorf("huawei was not named, yet got %d requests: %v", w.hw.RequestCount(), w.hw.Requests())
			}
			mustContain(t, r.stderr, tt.summary...)
			mustContain(t, r.stderr, "saved to", "0 from earlier sessions, 0 in doubt")
			// Renewing leaves the renewed certificates expiring (why a
			// second listing would find them again).
			id := strings.TrimPrefix(w.aliSooner, "alibaba:")
			if st, _ := w.ali.State(id); st != provider.StateExpiring {
				t.Errorf("renewed %s now %v, want still expiring", w.aliSooner, st)
			}
		})
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func filterPrefix(s []string, prefix string) []string {
	var out []string
	for _, x := range s {
		if strings.HasPrefix(x, prefix) {
			out = append(out, x)
		}
	}
	return out
}

// TestRenewExpiringTable checks the human plan: a table on stdout before
// the results, the refs to renew with their not_after and a billed note,
// the skipped ones with their reason.
func TestRenewExpiringTable(t *testing.T) {
	t.Parallel()
	w := newExpiringWorld(t, true)
	r := w.run(t, "", terminals{}, "renew", "--config", w.cfgPath, "--expiring-within", "30d", "--yes", "--no-journal")
	if r.code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	plan, results, ok := strings.Cut(r.stdout, "\n\n")
	if !ok || !strings.HasPrefix(plan, "PLAN") || !strings.HasPrefix(results, "REF") {
		t.Fatalf("want the plan table, a blank line, then the results table:\n%s", r.stdout)
	}
	rows := map[string]string{}
	for _, l := range strings.Split(plan, "\n")[1:] {
		if f := strings.Fields(l); len(f) > 1 {
			rows[f[1]] = l
		}
	}
	for _, ref := range []string{w.aliSoon, w.aliSooner, w.hwSoon, w.hwSoonMulti} {
		row := rows[ref]
		if !strings.HasPrefix(row, "renew ") || !regexp.MustCompile(`\d{4}-\d\d-\d\dT`).MatchString(row) ||
			strings.Contains(row, "billed") != strings.HasPrefix(ref, "huawei:") {
			t.Errorf("plan row of %s: %q; want renew, its not_after, billed at huawei only", ref, row)
		}
	}
	for _, ref := range []string{w.aliExpired, w.hwExpired, w.hwPastIssued} {
		if row := rows[ref]; !strings.HasPrefix(row, "skip ") || !strings.Contains(row, "expired") {
			t.Errorf("plan row of %s: %q; want skip, expired", ref, row)
		}
	}
	if len(rows) != 7 {
		t.Errorf("%d plan rows, want 7:\n%s", len(rows), plan)
	}
	mustContain(t, results, w.aliSoon, w.hwSoonMulti, "ok")
}

// TestRenewExpiringConfirmation: the plan goes through renew's own
// confirmation. A billed plan (Huawei renewing by purchase) is refused
// from a pipe without --yes and asks on a terminal; nothing is renewed
// unless confirmed. An unbilled plan needs no confirmation, as with refs.
func TestRenewExpiringConfirmation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		renew    bool
		stdin    string
		tty      terminals
		extra    []string
		wantCode int
		wantErr  []string
		// renewed: the planned refs were renewed; otherwise no mutating
		// request may reach either emulator.
		renewed bool
	}{
		{name: "billed refused from a pipe", renew: true, wantCode: exitUsage,
			wantErr: []string{"plan (expiring within 30d): renew 2 (billed: 1)", "refusing to renew 2 orders (billed: 1) without confirmation", "--yes"}},
		{name: "billed declined on a terminal", renew: true, stdin: "n\n", tty: terminals{stdin: true}, wantCode: exitFailed,
			wantErr: []string{"About to renew 2 certificate orders (alibaba: 1, huawei: 1); 1 of them billed (huawei: 1)", "aborted; nothing was done"}},
		{name: "billed confirmed on a terminal", renew: true, stdin: "y\n", tty: terminals{stdin: true}, wantCode: exitOK,
			wantErr: []string{"1 of them billed (huawei: 1)", "[y/N]", "2 of 2 succeeded"}, renewed: true},
		{name: "billed with --yes", renew: true, extra: []string{"--yes"}, wantCode: exitOK, renewed: true},
		{name: "billed dry run needs no --yes", renew: true, extra: []string{"--dry-run"}, wantCode: exitOK,
			wantErr: []string{"would renew 2 (billed: 1)"}},
		{name: "unbilled needs no confirmation", renew: false, wantCode: exitOK,
			wantErr: []string{"huawei not listed: it cannot renew", "plan (expiring within 30d): renew 1 (billed: 0)", "1 of 1 succeeded"}, renewed: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, tt.renew)
			w.vars["XDG_STATE_HOME"] = t.TempDir()
			ali, hw := "alibaba:"+w.ali.Seed(provider.StateExpiring), "huawei:"+w.hw.Seed(provider.StateExpiring)
			w.ali.Seed(provider.StateIssued)
			w.hw.Seed(provider.StateIssued)
			args := append([]string{"renew", "--config", w.cfgPath, "--expiring-within", "30d", "--output", "json"}, tt.extra...)
			r := w.run(t, tt.stdin, tt.tty, args...)
			if r.code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.wantCode, r.stdout, r.stderr)
			}
			mustContain(t, r.stderr, tt.wantErr...)
			plans, outs := parsePlanOutput(t, r.stdout)
			wantPlan := sorted(ali, hw)
			if !tt.renew {
				wantPlan = []string{ali}
			}
			if got := planRefs(plans, "renew"); !slices.Equal(got, wantPlan) {
				t.Errorf("plan %v, want %v (shown before any confirmation)", got, wantPlan)
			}
			aliRenews, purchases := len(w.ali.Renewals()), len(w.hw.Purchases())
			if tt.renewed {
				if aliRenews != 1 || purchases != btoi(tt.renew) || len(outs) != len(wantPlan) {
					t.Errorf("renewals: alibaba %d, huawei %d, outcomes %d; want 1, %d, %d", aliRenews, purchases, len(outs), btoi(tt.renew), len(wantPlan))
				}
			} else if m := append(mutatingAli(w.ali), mutatingHw(w.hw)...); len(m) != 0 || aliRenews+purchases != 0 {
				t.Errorf("not confirmed, yet sent %v (renewals %d, purchases %d)", m, aliRenews, purchases)
			}
			if !tt.renew && w.hw.RequestCount() != 0 {
				t.Errorf("huawei cannot renew, yet was sent %v", w.hw.Requests())
			}
		})
	}
}

// TestRenewExpiringListFailure: when an origin's listing fails, renew
// prints the failure and sends no renewal at all (exit 1); with --partial
// the other origin's certificates are renewed, and the exit status is
// still 1.
func TestRenewExpiringListFailure(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		failAli   bool // else Huawei's listing fails
		partial   bool
		aliRenews int
		purchases int
		wantErr   []string
	}{
		{name: "huawei fails", wantErr: []string{"listing failed: list huawei", "refusing to renew: the listing of huawei failed", "--partial", "nothing was sent"}},
		{name: "alibaba fails", failAli: true, wantErr: []string{"listing failed: list alibaba", "refusing to renew: the listing of alibaba failed"}},
		{name: "huawei fails, partial", partial: true, aliRenews: 2,
			wantErr: []string{"listing failed: list huawei", "huawei: renew 0 (billed: 0); listing failed", "2 of 2 succeeded", "--partial: the listing of huawei failed"}},
		{name: "alibaba fails, partial", failAli: true, partial: true, purchases: 1,
			wantErr: []string{"listing failed: list alibaba", "alibaba: renew 0 (billed: 0); listing failed", "1 of 1 succeeded"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, true)
			w.vars["XDG_STATE_HOME"] = t.TempDir()
			w.ali.Seed(provider.StateExpiring)
			w.ali.Seed(provider.StateExpiring)
			w.hw.Seed(provider.StateExpiring)
			if tt.failAli {
				w.ali.InjectFault(alibabatest.Fault{Action: alibabatest.ActionList, Kind: alibabatest.FaultHTMLNotFound})
			} else {
				w.hw.InjectFault(huaweitest.Fault{Action: huaweitest.ActionList, Kind: huaweitest.FaultHTMLNotFound})
			}
			args := []string{"renew", "--config", w.cfgPath, "--expiring-within", "30d", "--yes", "--output", "json"}
			if tt.partial {
				args = append(args, "--partial")
			}
			r := w.run(t, "", terminals{}, args...)
			if r.code != exitFailed {
				t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
			mustContain(t, r.stderr, tt.wantErr...)
			if got := len(w.ali.Renewals()); got != tt.aliRenews {
				t.Errorf("alibaba renewals %d, want %d", got, tt.aliRenews)
			}
			if got := len(w.hw.Purchases()); got != tt.purchases {
				t.Errorf("huawei purchases %d, want %d", got, tt.purchases)
			}
			if !tt.partial {
				if m := append(mutatingAli(w.ali), mutatingHw(w.hw)...); len(m) != 0 {
					t.Errorf("refused, yet sent %v", m)
				}
				if _, outs := parsePlanOutput(t, r.stdout); len(outs) != 0 {
					t.Errorf("refused, yet reported outcomes %+v", outs)
				}
				if entries := runFiles(t, filepath.Join(w.vars["XDG_STATE_HOME"], "certbroker")); len(entries) != 0 {
					t.Errorf("refused, yet journaled: %v", entries)
				}
			}
		})
	}
}

// TestRenewExpiringNothingToRenew: a listing that finds nothing to renew
// says so, journals nothing, sends no renewal and exits 0.
func TestRenewExpiringNothingToRenew(t *testing.T) {
	t.Parallel()
	w := newWorld(t, true)
	state := t.TempDir()
	w.vars["XDG_STATE_HOME"] = state
	w.ali.Seed(provider.StateIssued)
	w.ali.Seed(provider.StateExpired)
	w.hw.Seed(provider.StateIssued)
	r := w.run(t, "", terminals{}, "renew", "--config", w.cfgPath, "--expiring-within", "30d")
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	mustContain(t, r.stderr, "nothing to renew", "nothing was sent", "renew 0 (billed: 0), skip 1")
	if m := append(mutatingAli(w.ali), mutatingHw(w.hw)...); len(m) != 0 {
		t.Errorf("nothing to renew, yet sent %v", m)
	}
	if strings.Contains(r.stdout, "RESULT") || !strings.HasPrefix(r.stdout, "PLAN") {
		t.Errorf("want the plan alone, no results table:\n%s", r.stdout)
	}
	if entries := runFiles(t, filepath.Join(state, "certbroker")); len(entries) != 0 {
		t.Errorf("nothing to renew, yet journaled: %v", entries)
	}
}

// TestRenewExpiringUsageErrors: what --expiring-within cannot go with is a
// usage error (exit 2) found before any request, listing included.
func TestRenewExpiringUsageErrors(t *testing.T) {
	t.Parallel()
	w := newWorld(t, false)
	w.vars["XDG_STATE_HOME"] = t.TempDir()
	ref := "alibaba:" + w.ali.Seed(provider.StateExpiring)
	refsFile := w.writeConfig(t, "refs.txt", ref+"\n")
	usedJournal := w.writeConfig(t, "used.journal", "not empty\n")
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"refs", []string{"--expiring-within", "30d", ref}, []string{"takes no refs", ref}},
		{"bare ID", []string{"--expiring-within", "30d", "123451222"}, []string{"unknown origin 123451222", "configured: alibaba, huawei"}},
		{"refs file", []string{"--expiring-within", "30d", "-f", refsFile}, []string{"-f and --expiring-within exclude each other"}},
		{"zero days", []string{"--expiring-within", "0d"}, []string{`--expiring-within "0d"`}},
		{"not a duration", []string{"--expiring-within", "soon"}, []string{"want a duration like 30d"}},
		{"empty duration", []string{"--expiring-within="}, []string{"--expiring-within"}},
		{"negative", []string{"--expiring-within", "-5h"}, []string{"must be positive"}},
		{"bad domain", []string{"--expiring-within", "30d", "--domain", "a b"}, []string{"--domain"}},
		{"unknown origin", []string{"--expiring-within", "30d", "aws"}, []string{"unknown origin aws"}},
		{"origin that cannot renew", []string{"--expiring-within", "30d", "huawei"}, []string{"origin huawei cannot renew", "renew_by_purchase"}},
		{"domain without expiring", []string{"--domain", "example.com", ref}, []string{"--domain and --partial go with --expiring-within"}},
		{"partial without expiring", []string{"--partial", ref}, []string{"--domain and --partial go with --expiring-within"}},
		{"resume", []string{"--expiring-within", "30d", "--resume", "20261130T180102Z-renew-k3v9"},
			[]string{"cannot resume", "certbroker renew --resume 20261130T180102Z-renew-k3v9 -f ", "20261130T180102Z-renew-k3v9.plan"}},
		{"journal holding a run", []string{"--expiring-within", "30d", "--journal", usedJournal},
			[]string{"already holds a run", "-f " + strings.TrimSuffix(usedJournal, ".journal") + ".plan"}},
		{"resend in doubt", []string{"--expiring-within", "30d", "--journal", filepath.Join(w.dir, "new.journal"), "--resend-in-doubt"},
			[]string{"--resend-in-doubt applies to a resumed run"}},
	} {
		r := w.run(t, "", terminals{}, append([]string{"renew", "--config", w.cfgPath, "--yes"}, tc.args...)...)
		if r.code != exitUsage {
			t.Errorf("%s: exit %d, want 2\n%s", tc.name, r.code, r.stderr)
		}
		mustContain(t, r.stderr, tc.want...)
	}
	if n := w.ali.RequestCount() + w.hw.RequestCount(); n != 0 {
		t.Errorf("%d requests sent for refused commands: %v %v", n, w.ali.Requests(), w.hw.Requests())
	}
	if _, err := os.Stat(filepath.Join(w.dir, "new.journal")); err == nil {
		t.Errorf("a refused command created its journal")
	}
}

// resumeHint is the continuation a renew --expiring-within run prints.
var resumeHint = regexp.MustCompile(`continue it with: certbroker renew --resume (\S+) -f (\S+) \(its saved plan`)

// TestRenewExpiringJournalResume: a completed renew --expiring-within run
// saved its plan next to its journal; resuming with it, as printed,
// reports every ref from the journal and sends nothing, while resuming
// with --expiring-within again is refused.
func TestRenewExpiringJournalResume(t *testing.T) {
	t.Parallel()
	w := newExpiringWorld(t, true)
	state := t.TempDir()
	w.vars["XDG_STATE_HOME"] = state
	r := w.run(t, "", terminals{}, "renew", "--config", w.cfgPath, "--expiring-within", "30d", "--yes", "--output", "json")
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	m := resumeHint.FindStringSubmatch(r.stderr)
	if m == nil {
		t.Fatalf("no resume hint:\n%s", r.stderr)
	}
	id, plan := m[1], m[2]
	if want := filepath.Join(state, "certbroker", id+".plan"); plan != want {
		t.Errorf("plan saved at %s, want %s", plan, want)
	}
	data, err := os.ReadFile(plan)
	if err != nil {
		t.Fatal(err)
	}
	srcs, err := readRefs(bytes.NewReader(data), "plan")
	if err != nil {
		t.Fatal(err)
	}
	var saved []string
	for _, s := range srcs {
		saved = append(saved, s.text)
	}
	plans, outs := parsePlanOutput(t, r.stdout)
	if want := planRefs(plans, "renew"); !slices.Equal(sorted(saved...), want) || len(outs) != len(want) {
		t.Fatalf("saved plan %v, want %v", saved, want)
	}

	before := w.ali.RequestCount() + w.hw.RequestCount()
	r = w.run(t, "", terminals{}, "renew", "--config", w.cfgPath, "--yes", "--output", "json", "--resume", id, "-f", plan)
	if r.code != exitOK {
		t.Fatalf("resume: exit %d\n%s", r.code, r.stderr)
	}
	resumed := parseJSONLines(t, r.stdout)
	if len(resumed) != len(saved) {
		t.Errorf("%d outcomes on resume, want %d", len(resumed), len(saved))
	}
	for i, o := range resumed {
		if !o.OK || !o.FromJournal || o.Ref != saved[i] || o.NewID != outs[i].NewID {
			t.Errorf("resumed %+v: want ok from the journal, as first reported (%+v)", o, outs[i])
		}
	}
	if n := w.ali.RequestCount() + w.hw.RequestCount() - before; n != 0 {
		t.Errorf("the resume sent %d requests, want 0", n)
	}

	// --expiring-within cannot resume: refused, with the way that works.
	r = w.run(t, "", terminals{}, "renew", "--config", w.cfgPath, "--yes", "--expiring-within", "30d", "--resume", id)
	if r.code != exitUsage {
		t.Fatalf("--expiring-within --resume: exit %d\n%s", r.code, r.stderr)
	}
	mustContain(t, r.stderr, "cannot resume", "certbroker renew --resume "+id+" -f "+plan)
	if n := w.ali.RequestCount() + w.hw.RequestCount() - before; n != 0 {
		t.Errorf("the refused resume sent %d requests, want 0", n)
	}
}

// TestRenewExpiringInterruptedResumes interrupts a renew --expiring-within
// run as Ctrl-C does, then continues it as it says (the saved plan, with
// --resume): no certificate is ever renewed twice, each planned ref ends
// with one outcome, and those not in doubt are renewed exactly once.
func TestRenewExpiringInterruptedResumes(t *testing.T) {
	t.Parallel()
	w := newWorld(t, false)
	w.vars["XDG_STATE_HOME"] = t.TempDir()
	w.ali.InjectFault(alibabatest.Fault{Action: alibabatest.ActionRenew, Kind: alibabatest.FaultLatency, Latency: 20 * time.Millisecond})
	var want []string
	for range 12 {
		want = append(want, "alibaba:"+w.ali.Seed(provider.StateExpiring))
	}
	args := []string{"renew", "--concurrency", "2", "--config", w.cfgPath, "--output", "json", "alibaba", "--expiring-within", "30d"}
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	go func() {
		for ctx.Err() == nil {
			if len(aliRenewIDs(w.ali)) >= 4 {
				cancel(interruption{os.Interrupt})
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	r := runCLI(t, ctx, w.env, "", terminals{}, args...)
	if r.code != 130 {
		t.Fatalf("interrupted run: exit %d, want 130\n%s", r.code, r.stderr)
	}
	m := resumeHint.FindStringSubmatch(r.stderr)
	if m == nil {
		t.Fatalf("no resume hint:\n%s", r.stderr)
	}
	r = w.run(t, "", terminals{}, "renew", "--config", w.cfgPath, "--output", "json", "--resume", m[1], "-f", m[2])
	outs := parseJSONLines(t, r.stdout)
	var got []string
	renewed := aliRenewIDs(w.ali)
	for _, o := range outs {
		got = append(got, o.Ref)
		switch {
		case o.OK && renewed[o.Ref] != 1:
			t.Errorf("%s: ok, renewed %d times; want once", o.Ref, renewed[o.Ref])
		case !o.OK && !o.InDoubt:
			t.Errorf("%s failed without being in doubt: %+v", o.Ref, o)
		}
	}
	for ref, n := range renewed {
		if n > 1 {
			t.Errorf("%s renewed %d times", ref, n)
		}
	}
	if !slices.Equal(sorted(got...), sorted(want...)) {
		t.Errorf("outcomes for %v, want one for each of %v", got, want)
	}
	if len(w.ali.Renewals()) > len(want) {
		t.Errorf("%d renewals for %d certificates", len(w.ali.Renewals()), len(want))
	}
}

// TestRenewExpiringJournalFile: with --journal FILE the plan is saved as
// FILE's .plan and the printed continuation works; a second
// --expiring-within run with the same journal is refused, and a file in
// the plan's place that is not a plan is never overwritten.
func TestRenewExpiringJournalFile(t *testing.T) {
	t.Parallel()
	w := newWorld(t, false)
	a, b := "alibaba:"+w.ali.Seed(provider.StateExpiring), "alibaba:"+w.ali.Seed(provider.StateExpiring)
	dir := t.TempDir()
	jpath := filepath.Join(dir, "nightly.journal")
	r := w.run(t, "", terminals{}, "renew", "--config", w.cfgPath, "--expiring-within", "30d", "--journal", jpath)
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	plan := filepath.Join(dir, "nightly.plan")
	mustContain(t, r.stderr, "continue it with: certbroker renew --journal "+jpath+" -f "+plan+" (its saved plan")
	data, err := os.ReadFile(plan)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), planHeader) || !strings.Contains(string(data), a+" #") || !strings.Contains(string(data), b+" #") {
		t.Errorf("saved plan lacks its header or refs:\n%s", data)
	}
	renewals := len(w.ali.Renewals())
	if renewals != 2 {
		t.Fatalf("%d renewals, want 2", renewals)
	}

	// Listing again into the same journal is refused, before any request.
	before := w.ali.RequestCount()
	r = w.run(t, "", terminals{}, "renew", "--config", w.cfgPath, "--expiring-within", "30d", "--journal", jpath)
	if r.code != exitUsage || w.ali.RequestCount() != before {
		t.Fatalf("second listing into the journal: exit %d, %d requests\n%s", r.code, w.ali.RequestCount()-before, r.stderr)
	}
	mustContain(t, r.stderr, "already holds a run", "certbroker renew --journal "+jpath+" -f "+plan)
	// The continuation it names reports from the journal, sending nothing.
	r = w.run(t, "", terminals{}, "renew", "--config", w.cfgPath, "--output", "json", "--journal", jpath, "-f", plan)
	if r.code != exitOK || w.ali.RequestCount() != before || len(w.ali.Renewals()) != renewals {
		t.Fatalf("continuation: exit %d, %d requests\n%s", r.code, w.ali.RequestCount()-before, r.stderr)
	}
	for _, o := range parseJSONLines(t, r.stdout) {
		if !o.FromJournal {
			t.Errorf("continued %+v: want from the journal", o)
		}
	}

	// A file that is not a plan, where the plan would go, stays as it is.
	other := filepath.Join(dir, "other.plan")
	if err := os.WriteFile(other, []byte("my notes\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = w.run(t, "", terminals{}, "renew", "--config", w.cfgPath, "--expiring-within", "30d", "--journal", filepath.Join(dir, "other.journal"))
	if r.code != exitUsage {
		t.Fatalf("plan over a foreign file: exit %d\n%s", r.code, r.stderr)
	}
	mustContain(t, r.stderr, "not a certbroker plan", "nothing was sent")
	if got, _ := os.ReadFile(other); string(got) != "my notes\n" {
		t.Errorf("foreign file overwritten: %q", got)
	}
	if n := len(w.ali.Renewals()); n != renewals {
		t.Errorf("%d renewals after the refusal, want %d", n, renewals)
	}
}

// TestRenewExpiringSkipsInstances checks that an expiring Alibaba
// instance-model certificate, which the list now shows but Renew does not
// support, is in the plan as a skip with the reason, and nothing is sent.
func TestRenewExpiringSkipsInstances(t *testing.T) {
	t.Parallel()
	w := newWorld(t, true)
	w.vars["XDG_STATE_HOME"] = t.TempDir()
	inst := w.ali.SeedInstanceState(provider.StateExpiring)
	r := w.run(t, "", terminals{}, "renew", "--config", w.cfgPath, "--expiring-within", "30d", "--output", "json")
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	plans, outs := parsePlanOutput(t, r.stdout)
	if len(outs) != 0 || len(plans) != 1 || plans[0].Ref != "alibaba:"+inst || plans[0].Plan != "skip" ||
		!strings.Contains(plans[0].Reason, "cannot renew this certificate") {
		t.Fatalf("plan %+v, outcomes %+v: want the instance skipped", plans, outs)
	}
	if m := append(mutatingAli(w.ali), mutatingHw(w.hw)...); len(m) != 0 {
		t.Errorf("sent %v", m)
	}
}

// runFiles lists the state directory's files other than the lock of
// renew --expiring-within: the journals and plans runs leave.
func runFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	var out []string
	for _, e := range entries {
		if e.Name() != renewExpiringLock {
			out = append(out, e.Name())
		}
	}
	return out
}

// TestRenewExpiringOneRunAtATime checks that a second renew
// --expiring-within on the machine, while the first holds its lock, lists
// and sends nothing, and that the lock is free again after a run.
func TestRenewExpiringOneRunAtATime(t *testing.T) {
	t.Parallel()
	w := newWorld(t, true)
	state := t.TempDir()
	w.vars["XDG_STATE_HOME"] = state
	w.ali.Seed(provider.StateExpiring)
	release, err := journal.Lock(filepath.Join(state, "certbroker", renewExpiringLock)) // the first run
	if err != nil {
		t.Fatal(err)
	}
	r := w.run(t, "", terminals{}, "renew", "--config", w.cfgPath, "--expiring-within", "30d", "--yes")
	if r.code != exitFailed {
		t.Fatalf("exit %d, want %d\n%s", r.code, exitFailed, r.stderr)
	}
	mustContain(t, r.stderr, "another renew --expiring-within is running", "nothing was listed or sent")
	if n := w.ali.RequestCount() + w.hw.RequestCount(); n != 0 {
		t.Errorf("%d requests sent while another run held the lock", n)
	}
	_ = release()
	r = w.run(t, "", terminals{}, "renew", "--config", w.cfgPath, "--expiring-within", "30d", "--yes")
	if r.code != exitOK || len(w.ali.Renewals()) != 1 {
		t.Fatalf("after the lock was released: exit %d, %d renewals\n%s", r.code, len(w.ali.Renewals()), r.stderr)
	}
	// The run released its lock: a third run takes it (and renews
	// nothing, the first having renewed it).
	r = w.run(t, "", terminals{}, "renew", "--config", w.cfgPath, "--expiring-within", "30d", "--yes")
	if r.code != exitOK || strings.Contains(r.stderr, "another renew") || len(w.ali.Renewals()) != 1 {
		t.Errorf("third run: exit %d, %d renewals\n%s", r.code, len(w.ali.Renewals()), r.stderr)
	}
}
