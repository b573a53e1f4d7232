package main

import (
	"encoding/json"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/journal"
	"github.com/certbroker/certbroker/provider"
)

// renewCounts is how many renew requests reached each emulator, and how
// many renewals and purchases they made.
type renewCounts struct {
	aliRenews, aliRenewals, hwPurchaseReqs, hwPurchases, mutating int
}

func countRenewals(w *world) renewCounts {
	n := 0
	for _, c := range aliRenewIDs(w.ali) {
		n += c
	}
	return renewCounts{aliRenews: n, aliRenewals: len(w.ali.Renewals()), hwPurchaseReqs: hwPurchaseCount(w.hw),
		hwPurchases: len(w.hw.Purchases()), mutating: len(mutatingAli(w.ali)) + len(mutatingHw(w.hw))}
}

// planReasons maps each plan line's ref to its plan and reason.
func planReasons(plans []planLine) map[string]planLine {
	out := map[string]planLine{}
	for _, p := range plans {
		out[p.Ref] = p
	}
	return out
}

// TestRenewExpiringTwice runs renew --expiring-within twice over both
// emulators (Huawei renewing by purchase). When the first run is
// journaled in the state directory, the second renews nothing: every ref
// the first renewed is skipped, naming that run and the new order, no
// renew or purchase request is sent, and it exits 0 saying there is
// nothing to renew. A first run the check cannot see (documented: no
// journal, or a journal outside the state directory) is renewed again.
func TestRenewExpiringTwice(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// first are the first run's extra flags; state is the state
		// directory ($XDG_STATE_HOME/certbroker).
		first func(state, elsewhere string) []string
		// seen: the second run sees the first one's renewals.
		seen bool
		// runID is the first run's ID as the second names it; "" to
		// take the one the first run printed.
		runID string
	}{
		{name: "journaled", first: func(string, string) []string { return nil }, seen: true},
		{name: "--journal in the state directory", first: func(state, _ string) []string {
			return []string{"--journal", filepath.Join(state, "nightly.journal")}
		}, seen: true, runID: "nightly"},
		{name: "--no-journal", first: func(string, string) []string { return []string{"--no-journal"} }},
		{name: "--journal elsewhere", first: func(_, elsewhere string) []string {
			return []string{"--journal", filepath.Join(elsewhere, "nightly.journal")}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newExpiringWorld(t, true)
			xdg := t.TempDir()
			w.vars["XDG_STATE_HOME"] = xdg
			state := filepath.Join(xdg, "certbroker")
			args := []string{"renew", "--config", w.cfgPath, "--expiring-within", "30d", "--yes", "--output", "json"}
			r := w.run(t, "", terminals{}, append(args, tt.first(state, t.TempDir())...)...)
			if r.code != exitOK {
				t.Fatalf("first run: exit %d\n%s", r.code, r.stderr)
			}
			renewed := sorted(w.aliSoon, w.aliSooner, w.hwSoon, w.hwSoonMulti)
			newIDs := map[string]string{}
			for _, o := range parseJSONLines(t, planOutcomes(r.stdout)) {
				newIDs[o.Ref] = o.NewID
			}
			if len(newIDs) != len(renewed) {
				t.Fatalf("first run renewed %v, want %v", newIDs, renewed)
			}
			id := tt.runID
			if id == "" && tt.seen {
				id, _ = runID(t, r.stderr)
			}
			stateFiles, _ := os.ReadDir(state)
			before := countRenewals(w.world)

			r = w.run(t, "", terminals{}, args...)
			if r.code != exitOK {
				t.Fatalf("second run: exit %d\n%s", r.code, r.stderr)
			}
			plans, outs := parsePlanOutput(t, r.stdout)
			after := countRenewals(w.world)
			expired := sorted(w.aliExpired, w.hwExpired, w.hwPastIssued)
			if !tt.seen {
				// Blind: everything renewed, and where billed bought, again.
				if got := planRefs(plans, "renew"); !slices.Equal(got, renewed) || len(outs) != len(renewed) {
					t.Errorf("second run planned %v with %d outcomes; want %v renewed again (the check cannot see this first run)",
						got, len(outs), renewed)
				}
				if after.aliRenewals != 2*before.aliRenewals || after.hwPurchases != 2*before.hwPurchases {
					t.Errorf("renewals %+v after %+v; want twice as many", after, before)
				}
				return
			}
			if got := planRefs(plans, "renew"); len(got) != 0 || len(outs) != 0 {
				t.Errorf("second run planned %v, reported %d outcomes; want nothing", got, len(outs))
			}
			if got, want := planRefs(plans, "skip"), sorted(append(slices.Clone(renewed), expired...)...); !slices.Equal(got, want) {
				t.Errorf("second run skipped %v, want %v", got, want)
			}
			reasons := planReasons(plans)
			for _, ref := range renewed {
				want := fmt.Sprintf("renewed by run %s (new order %s)", id, newIDs[ref])
				if p := reasons[ref]; p.Reason != want || p.Billed {
					t.Errorf("%s: %+v; want skipped, not billed, reason %q", ref, p, want)
				}
			}
			for _, ref := range expired {
				if p := reasons[ref]; !strings.Contains(p.Reason, "expired") {
					t.Errorf("%s: %+v; want its own reason (expired) kept", ref, p)
				}
			}
			if after != before {
				t.Errorf("second run sent renewals: %+v, before %+v", after, before)
			}
			mustContain(t, r.stderr, "plan (expiring within 30d): renew 0 (billed: 0), skip 7 (earlier runs: 4)\n",
				"  alibaba: renew 0 (billed: 0), skip 3 (earlier runs: 2)\n", "  huawei: renew 0 (billed: 0), skip 4 (earlier runs: 2)\n",
				"skipped 4 certificates that earlier runs renewed or left in doubt", "--again",
				"nothing to renew", "renewed or is in doubt in an earlier run", "nothing was sent")
			if strings.Contains(r.stderr, "warning") {
				t.Errorf("unexpected warning:\n%s", r.stderr)
			}
			// Nothing to renew: no journal and no plan for the second run.
			if files, _ := os.ReadDir(state); len(files) != len(stateFiles) {
				t.Errorf("state directory now holds %d files, %d before: %v", len(files), len(stateFiles), files)
			}
		})
	}
}

// planOutcomes keeps the outcome lines of renew --expiring-within's JSON
// output (the plan lines have a "plan" key).
func planOutcomes(stdout string) string {
	var b strings.Builder
	for l := range strings.Lines(stdout) {
		if !strings.Contains(l, `"plan":`) {
			b.WriteString(l)
		}
	}
	return b.String()
}

// TestRenewExpiringAgain: --again renews what an earlier run renewed, and
// a billed plan still needs the confirmation; the next run without it
// names the latest run.
func TestRenewExpiringAgain(t *testing.T) {
	t.Parallel()
	w := newExpiringWorld(t, true)
	w.vars["XDG_STATE_HOME"] = t.TempDir()
	base := []string{"renew", "--config", w.cfgPath, "--expiring-within", "30d"}
	renewed := sorted(w.aliSoon, w.aliSooner, w.hwSoon, w.hwSoonMulti)
	r := w.run(t, "", terminals{}, append(base, "--yes")...)
	if r.code != exitOK {
		t.Fatalf("first run: exit %d\n%s", r.code, r.stderr)
	}
	first, _ := runID(t, r.stderr)
	before := countRenewals(w.world)

	// Billed, from a pipe, without --yes: refused, nothing sent.
	r = w.run(t, "", terminals{}, append(base, "--again", "--output", "json")...)
	if r.code != exitUsage {
		t.Fatalf("--again without --yes: exit %d, want 2\n%s", r.code, r.stderr)
	}
	plans, _ := parsePlanOutput(t, r.stdout)
	if got := planRefs(plans, "renew"); !slices.Equal(got, renewed) {
		t.Errorf("--again planned %v, want %v", got, renewed)
	}
	mustContain(t, r.stderr, "plan (expiring within 30d): renew 4 (billed: 2), skip 3\n",
		"--again: 4 certificates that earlier runs renewed or left in doubt are renewed again",
		"refusing to renew 4 orders (billed: 2) without confirmation")
	if after := countRenewals(w.world); after != before {
		t.Errorf("refused, yet sent: %+v, before %+v", after, before)
	}

	// Confirmed: renewed again, each one; the table notes why.
	r = w.run(t, "", terminals{}, append(base, "--again", "--yes")...)
	if r.code != exitOK {
		t.Fatalf("--again --yes: exit %d\n%s", r.code, r.stderr)
	}
	second, _ := runID(t, r.stderr)
	table, _, _ := strings.Cut(r.stdout, "\n\n")
	for _, ref := range renewed {
		row := ""
		for l := range strings.Lines(table) {
			if f := strings.Fields(l); len(f) > 1 && f[1] == ref {
				row = l
			}
		}
		if !strings.HasPrefix(row, "renew ") || !strings.Contains(row, "again: renewed by run "+first+" (new order ") {
			t.Errorf("plan row of %s: %q; want renew, noted as renewed by run %s", ref, row, first)
		}
	}
	for id, n := range aliRenewIDs(w.ali) {
		if n != 2 {
			t.Errorf("%s: %d renew requests, want 2", id, n)
		}
	}
	if n := len(w.hw.Purchases()); n != 4 {
		t.Errorf("%d huawei purchases, want 4 (each billed certificate bought again)", n)
	}

	// Without --again: skipped, naming the latest run.
	before = countRenewals(w.world)
	r = w.run(t, "", terminals{}, append(base, "--output", "json")...)
	if r.code != exitOK {
		t.Fatalf("third run: exit %d\n%s", r.code, r.stderr)
	}
	plans, _ = parsePlanOutput(t, r.stdout)
	for _, ref := range renewed {
		if p := planReasons(plans)[ref]; p.Plan != "skip" || !strings.HasPrefix(p.Reason, "renewed by run "+second+" ") {
			t.Errorf("%s: %+v; want skipped as renewed by the latest run %s", ref, p, second)
		}
	}
	if after := countRenewals(w.world); after != before {
		t.Errorf("third run sent: %+v, before %+v", after, before)
	}
}

// TestRenewAgainNeedsExpiring: --again without --expiring-within is a
// usage error, before anything is sent; help documents it.
func TestRenewAgainNeedsExpiring(t *testing.T) {
	t.Parallel()
	w := newWorld(t, false)
	w.vars["XDG_STATE_HOME"] = t.TempDir()
	ref := "alibaba:" + w.ali.Seed(provider.StateExpiring)
	r := w.run(t, "", terminals{}, "renew", "--config", w.cfgPath, "--yes", "--again", ref)
	if r.code != exitUsage {
		t.Fatalf("--again with refs: exit %d\n%s", r.code, r.stderr)
	}
	mustContain(t, r.stderr, "--again goes with --expiring-within")
	if n := w.ali.RequestCount(); n != 0 {
		t.Errorf("%d requests sent", n)
	}
	r = w.run(t, "", terminals{}, "help", "renew")
	mustContain(t, r.stdout, "--again", "Earlier runs are checked", "60 days", "--no-journal (they leave no journal)",
		"cannot be read", "renewed by run RUN (new order ID)", "in doubt in run RUN: resume it with")
}

// TestRenewExpiringInDoubt: a first run whose renewal of one certificate
// was applied but answered with a server error (Alibaba's search can only
// name candidates, so it stays in doubt); the second run skips it as in
// doubt and says how to resume the first, and skips the others as
// renewed. Following the advice settles nothing by sending: it is still
// in doubt, and renewed once.
func TestRenewExpiringInDoubt(t *testing.T) {
	t.Parallel()
	w := newWorld(t, false)
	w.vars["XDG_STATE_HOME"] = t.TempDir()
	var refs []string
	for range 3 {
		refs = append(refs, "alibaba:"+w.ali.Seed(provider.StateExpiring))
	}
	w.ali.InjectFault(alibabatest.Fault{Action: alibabatest.ActionRenew, Kind: alibabatest.FaultServerError, AfterApply: true, Times: 1})
	base := []string{"renew", "--config", w.cfgPath, "--expiring-within", "30d", "alibaba"}
	r := w.run(t, "", terminals{}, append(base, "--output", "json")...)
	if r.code != exitFailed {
		t.Fatalf("first run: exit %d, want 1\n%s", r.code, r.stderr)
	}
	m := resumeHint.FindStringSubmatch(r.stderr)
	if m == nil {
		t.Fatalf("no resume hint:\n%s", r.stderr)
	}
	id, plan := m[1], m[2]
	var doubt string
	newIDs := map[string]string{}
	for _, o := range parseJSONLines(t, planOutcomes(r.stdout)) {
		if o.InDoubt {
			doubt = o.Ref
		}
		newIDs[o.Ref] = o.NewID
	}
	if doubt == "" || len(newIDs) != 3 {
		t.Fatalf("first run: no renewal in doubt among %v\n%s", newIDs, r.stdout)
	}
	renewals := len(w.ali.Renewals())
	if renewals != 3 {
		t.Fatalf("%d renewals, want 3 (the one in doubt was applied)", renewals)
	}

	r = w.run(t, "", terminals{}, base...)
	if r.code != exitOK {
		t.Fatalf("second run: exit %d\n%s", r.code, r.stderr)
	}
	rows := map[string]string{}
	for l := range strings.Lines(r.stdout) {
		if f := strings.Fields(l); len(f) > 1 {
			rows[f[1]] = l
		}
	}
	for _, ref := range refs {
		want := fmt.Sprintf("renewed by run %s (new order %s)", id, newIDs[ref])
		if ref == doubt {
			want = fmt.Sprintf("in doubt in run %s: resume it with certbroker renew --resume %s -f %s", id, id, plan)
		}
		if row := rows[ref]; !strings.HasPrefix(row, "skip ") || !strings.Contains(row, want) {
			t.Errorf("plan row of %s: %q; want skip, %q", ref, row, want)
		}
	}
	mustContain(t, r.stderr, "renew 0 (billed: 0), skip 3 (earlier runs: 3)", "nothing to renew")
	if n := len(w.ali.Renewals()); n != renewals {
		t.Errorf("second run renewed: %d renewals, want %d", n, renewals)
	}

	// The advice works: the run resumes from its plan, and the renewal
	// in doubt is not sent again.
	r = w.run(t, "", terminals{}, "renew", "--config", w.cfgPath, "--output", "json", "--resume", id, "-f", plan)
	if r.code != exitFailed {
		t.Fatalf("resume: exit %d, want 1 (still in doubt)\n%s", r.code, r.stderr)
	}
	for _, o := range parseJSONLines(t, r.stdout) {
		if (o.Ref == doubt) != o.InDoubt {
			t.Errorf("resumed %+v; want only %s in doubt", o, doubt)
		}
	}
	if n := len(w.ali.Renewals()); n != renewals {
		t.Errorf("resume renewed: %d renewals, want %d", n, renewals)
	}
}

// jline is one journal line: the CRC-32C of the JSON text, then the text
// (the format of journal/journal.go).
func jline(t *testing.T, rec map[string]any) string {
	t.Helper()
	body, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%08x %s\n", crc32.Checksum(body, crc32.MakeTable(crc32.Castagnoli)), body)
}

// craftedRenew writes a renew journal by hand, with its times: the run
// began at started, and ref's renewal was sent at sent (a zero time is
// left out) and succeeded.
func craftedRenew(t *testing.T, path, ref string, started, sent time.Time) {
	t.Helper()
	run := map[string]any{"t": "run", "v": 1, "run": map[string]any{"op": "renew", "inputs": "x", "refs": "y", "count": 1, "fingerprint": "fp"}, "i": 0}
	intent := map[string]any{"t": "intent", "i": 0, "ref": ref}
	if !started.IsZero() {
		run["at"] = started.UTC().Format(time.RFC3339)
	}
	if !sent.IsZero() {
		intent["at"] = sent.UTC().Format(time.RFC3339)
	}
	out := map[string]any{"t": "outcome", "i": 0, "ref": ref, "out": map[string]any{"ok": true, "new_id": "10000177777"}}
	writeFile(t, path, jline(t, run)+jline(t, intent)+jline(t, out))
	// The crafted journal reads as one (or the test proves nothing).
	if _, _, err := journal.Read(path); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// journaledRenew writes a renew journal through the journal package: the
// run begins, then do records what happened to ref.
func journaledRenew(t *testing.T, path string, op provider.Op, do func(j *journal.File, ref provider.Ref) error, ref string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	j, err := journal.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	r, err := provider.ParseRef(ref)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := j.Begin(broker.JournalRun{Op: op, Inputs: "x", Refs: "y", Count: 1, Fingerprint: "fp"}); err != nil {
		t.Fatal(err)
	}
	if err := do(j, r); err != nil {
		t.Fatal(err)
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
}

func renewedOK(newID string) func(*journal.File, provider.Ref) error {
	return func(j *journal.File, r provider.Ref) error {
		if err := j.Intent(0, r); err != nil {
			return err
		}
		return j.Outcome(0, r, broker.JournalOutcome{OK: true, NewID: newID, Attempts: 1})
	}
}

func intentOnly(j *journal.File, r provider.Ref) error { return j.Intent(0, r) }

// TestRenewExpiringEarlierJournals: what in the state directory's
// journals makes renew --expiring-within skip a planned certificate, what
// does not, and what stops it. Two expiring Alibaba certificates, a and b;
// the journals are written before the run, about a.
func TestRenewExpiringEarlierJournals(t *testing.T) {
	t.Parallel()
	now := time.Now()
	day := 24 * time.Hour
	renewID := func() string { return newRunID(provider.OpRenew, now.Add(-day)) }
	tests := []struct {
		name string
		// craft writes into the state directory; it returns the run ID
		// the reason is to name ("" when none).
		craft func(t *testing.T, state, a string) string
		extra []string
		// skipA: a's skip reason (with RUN for the run's ID, STATE for
		// the state directory); "" when a is renewed.
		skipA    string
		wantCode int
		// env changes the environment of the run.
		env func(vars map[string]string)
		// renewed: the refs renewed (of a, b).
		renewed  func(a, b string) []string
		wantErr  []string
		noWarned bool
	}{
		{name: "renewed",
			craft: func(t *testing.T, state, a string) string {
				id := renewID()
				journaledRenew(t, filepath.Join(state, id+".journal"), provider.OpRenew, renewedOK("10000155555"), a)
				return id
			},
			skipA: "renewed by run RUN (new order 10000155555)", noWarned: true},
		{name: "renewed, new order not recorded",
			craft: func(t *testing.T, state, a string) string {
				id := renewID()
				journaledRenew(t, filepath.Join(state, id+".journal"), provider.OpRenew, renewedOK(""), a)
				return id
			},
			skipA: "renewed by run RUN (new order not recorded)"},
		{name: "intent without outcome, no saved plan",
			craft: func(t *testing.T, state, a string) string {
				id := renewID()
				journaledRenew(t, filepath.Join(state, id+".journal"), provider.OpRenew, intentOnly, a)
				return id
			},
			skipA: "in doubt in run RUN: resume it with certbroker renew --resume RUN and that run's refs"},
		{name: "intent without outcome, with its plan",
			craft: func(t *testing.T, state, a string) string {
				id := renewID()
				journaledRenew(t, filepath.Join(state, id+".journal"), provider.OpRenew, intentOnly, a)
				writeFile(t, filepath.Join(state, id+".plan"), planHeader+"\n"+a+"\n")
				return id
			},
			skipA: "in doubt in run RUN: resume it with certbroker renew --resume RUN -f STATE/RUN.plan"},
		{name: "outcome in doubt",
			craft: func(t *testing.T, state, a string) string {
				id := renewID()
				journaledRenew(t, filepath.Join(state, id+".journal"), provider.OpRenew, func(j *journal.File, r provider.Ref) error {
					if err := j.Intent(0, r); err != nil {
						return err
					}
					return j.Outcome(0, r, broker.JournalOutcome{Kind: "outcome_unknown", InDoubt: true, Attempts: 1})
				}, a)
				return id
			},
			skipA: "in doubt in run RUN: resume it"},
		{name: "failed (proved not applied)",
			craft: func(t *testing.T, state, a string) string {
				journaledRenew(t, filepath.Join(state, renewID()+".journal"), provider.OpRenew, func(j *journal.File, r provider.Ref) error {
					if err := j.Intent(0, r); err != nil {
						return err
					}
					return j.Outcome(0, r, broker.JournalOutcome{Kind: "invalid_state", Attempts: 1})
				}, a)
				return ""
			}},
		{name: "withdrawn (never sent)",
			craft: func(t *testing.T, state, a string) string {
				journaledRenew(t, filepath.Join(state, renewID()+".journal"), provider.OpRenew, func(j *journal.File, r provider.Ref) error {
					if err := j.Intent(0, r); err != nil {
						return err
					}
					return j.Unsent(0, r)
				}, a)
				return ""
			}},
		{name: "another operation's run",
			craft: func(t *testing.T, state, a string) string {
				journaledRenew(t, filepath.Join(state, newRunID(provider.OpRevoke, now)+".journal"), provider.OpRevoke, renewedOK(""), a)
				return ""
			}},
		{name: "began 61 days ago",
			craft: func(t *testing.T, state, a string) string {
				craftedRenew(t, filepath.Join(state, "old.journal"), a, now.Add(-61*day), now.Add(-61*day))
				return ""
			}},
		{name: "began 59 days ago",
			craft: func(t *testing.T, state, a string) string {
				craftedRenew(t, filepath.Join(state, "old.journal"), a, now.Add(-59*day), now.Add(-59*day))
				return "old"
			},
			skipA: "renewed by run RUN (new order 10000177777)"},
		{name: "began 61 days ago, resumed and sent 2 days ago",
			craft: func(t *testing.T, state, a string) string {
				craftedRenew(t, filepath.Join(state, "old.journal"), a, now.Add(-61*day), now.Add(-2*day))
				return "old"
			},
			skipA: "renewed by run RUN (new order 10000177777)"},
		{name: "no time recorded",
			craft: func(t *testing.T, state, a string) string {
				craftedRenew(t, filepath.Join(state, "undated.journal"), a, time.Time{}, time.Time{})
				return "undated"
			},
			skipA: "renewed by run RUN (new order 10000177777)"},
		{name: "in doubt in one run, renewed by a later one",
			craft: func(t *testing.T, state, a string) string {
				journaledRenew(t, filepath.Join(state, newRunID(provider.OpRenew, now.Add(-3*day))+".journal"), provider.OpRenew, intentOnly, a)
				craftedRenew(t, filepath.Join(state, "later.journal"), a, now.Add(-2*day), now.Add(-2*day))
				return "later"
			},
			skipA: "renewed by run RUN (new order 10000177777)"},
		{name: "held open by a run in progress",
			craft: func(t *testing.T, state, a string) string {
				id := renewID()
				if err := os.MkdirAll(state, 0o700); err != nil {
					t.Fatal(err)
				}
				j, err := journal.Open(filepath.Join(state, id+".journal"))
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { j.Close() })
				r, _ := provider.ParseRef(a)
				if _, _, err := j.Begin(broker.JournalRun{Op: provider.OpRenew, Count: 1}); err != nil {
					t.Fatal(err)
				}
				if err := j.Intent(0, r); err != nil {
					t.Fatal(err)
				}
				return id // not closed: the lock is held while the run reads
			},
			skipA: "in doubt in run RUN"},
		{name: "the new run's own journal, in the state directory",
			craft: func(t *testing.T, state, a string) string {
				writeFile(t, filepath.Join(state, "mine.journal"), "")
				return ""
			},
			extra: []string{"--journal", "STATE/mine.journal"}, noWarned: true},
		{name: "empty journal",
			craft: func(t *testing.T, state, a string) string {
				writeFile(t, filepath.Join(state, renewID()+".journal"), "")
				return ""
			}, noWarned: true},
		{name: "torn run record (nothing was sent)",
			craft: func(t *testing.T, state, a string) string {
				writeFile(t, filepath.Join(state, renewID()+".journal"), `fde38192 {"t":"run","v":1,"run":{"op":"ren`)
				return ""
			}, noWarned: true},
		{name: "a directory named like a journal",
			craft: func(t *testing.T, state, a string) string {
				if err := os.MkdirAll(filepath.Join(state, "dir.journal"), 0o700); err != nil {
					t.Fatal(err)
				}
				return ""
			}, noWarned: true},
		{name: "garbage", wantCode: exitFailed,
			craft: func(t *testing.T, state, a string) string {
				writeFile(t, filepath.Join(state, "garbage.journal"), "not a journal\nat all\n")
				return ""
			},
			renewed: func(a, b string) []string { return nil },
			wantErr: []string{"warning: cannot read journal STATE/garbage.journal", "it may record renewals",
				"refusing to renew: STATE/garbage.journal cannot be read", "nothing was sent", "--again"}},
		{name: "damaged renew journal", wantCode: exitFailed,
			craft: func(t *testing.T, state, a string) string {
				path := filepath.Join(state, renewID()+".journal")
				journaledRenew(t, path, provider.OpRenew, renewedOK("10000155555"), a)
				data, _ := os.ReadFile(path)
				lines := strings.SplitAfter(string(data), "\n")
				lines[1] = strings.Replace(lines[1], `"i":0`, `"i":1`, 1) // its checksum no longer matches
				writeFile(t, path, strings.Join(lines, ""))
				return ""
			},
			renewed: func(a, b string) []string { return nil },
			wantErr: []string{"warning: cannot read journal STATE/", "line 2 is damaged", "refusing to renew"}},
		{name: "garbage, --again", extra: []string{"--again"},
			craft: func(t *testing.T, state, a string) string {
				writeFile(t, filepath.Join(state, "garbage.journal"), "not a journal\n")
				return ""
			},
			wantErr: []string{"warning: cannot read journal STATE/garbage.journal"}},
		{name: "garbage named as another operation's run",
			craft: func(t *testing.T, state, a string) string {
				writeFile(t, filepath.Join(state, newRunID(provider.OpRevoke, now)+".journal"), "not a journal\n")
				return ""
			},
			wantErr: []string{"warning: cannot read journal STATE/", "(by its name, a revoke run: not counted)"}},
		{name: "state directory not a directory", wantCode: exitFailed, extra: []string{"--no-journal"},
			craft: func(t *testing.T, state, a string) string {
				writeFile(t, state, "not a directory\n")
				return ""
			},
			renewed: func(a, b string) []string { return nil },
			wantErr: []string{"warning: cannot read the state directory STATE", "refusing to renew: STATE cannot be read", "nothing was sent"}},
		{name: "no state directory", extra: []string{"--no-journal"},
			craft: func(t *testing.T, state, a string) string { return "" },
			env: func(vars map[string]string) {
				delete(vars, "XDG_STATE_HOME")
				delete(vars, "HOME")
			},
			wantErr: []string{"warning: earlier runs not checked: there is no state directory"}},
		{name: "garbage last written 61 days ago",
			craft: func(t *testing.T, state, a string) string {
				path := filepath.Join(state, "garbage.journal")
				writeFile(t, path, "not a journal\n")
				old := now.Add(-61 * day)
				if err := os.Chtimes(path, old, old); err != nil {
					t.Fatal(err)
				}
				return ""
			}, noWarned: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, false)
			xdg := t.TempDir()
			w.vars["XDG_STATE_HOME"] = xdg
			state := filepath.Join(xdg, "certbroker")
			a, b := "alibaba:"+w.ali.Seed(provider.StateExpiring), "alibaba:"+w.ali.Seed(provider.StateExpiring)
			id := tt.craft(t, state, a)
			if tt.env != nil {
				tt.env(w.vars)
			}
			expand := func(s string) string {
				return strings.ReplaceAll(strings.ReplaceAll(s, "RUN", id), "STATE", state)
			}
			args := []string{"renew", "--config", w.cfgPath, "--expiring-within", "30d", "--yes", "--output", "json", "alibaba"}
			for _, x := range tt.extra {
				args = append(args, expand(x))
			}
			r := w.run(t, "", terminals{}, args...)
			if r.code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.wantCode, r.stdout, r.stderr)
			}
			plans, outs := parsePlanOutput(t, r.stdout)
			pa, pb := planReasons(plans)[a], planReasons(plans)[b]
			if pb.Plan != "renew" {
				t.Errorf("b: %+v; want planned", pb)
			}
			if want := expand(tt.skipA); want == "" {
				if pa.Plan != "renew" {
					t.Errorf("a: %+v; want planned", pa)
				}
			} else if pa.Plan != "skip" || !strings.HasPrefix(pa.Reason, want) {
				t.Errorf("a: %+v; want skipped, reason %q", pa, want)
			}
			wantRenewed := []string{b}
			if tt.skipA == "" {
				wantRenewed = sorted(a, b)
			}
			if tt.renewed != nil {
				wantRenewed = tt.renewed(a, b)
			}
			var got []string
			for ref, n := range aliRenewIDs(w.ali) {
				got = append(got, ref)
				if n != 1 {
					t.Errorf("%s: %d renew requests", ref, n)
				}
			}
			if slices.Sort(got); !slices.Equal(got, wantRenewed) {
				t.Errorf("renewed %v, want %v\n%s", got, wantRenewed, r.stderr)
			}
			if len(outs) != len(wantRenewed) {
				t.Errorf("%d outcomes, want %d", len(outs), len(wantRenewed))
			}
			for _, e := range tt.wantErr {
				mustContain(t, r.stderr, expand(e))
			}
			if tt.noWarned && strings.Contains(r.stderr, "warning") {
				t.Errorf("unexpected warning:\n%s", r.stderr)
			}
		})
	}
}
