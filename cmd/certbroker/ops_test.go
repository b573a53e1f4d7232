package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/huawei/huaweitest"
	"github.com/certbroker/certbroker/provider"
)

// parseJSONLines decodes --output json.
func parseJSONLines(t *testing.T, s string) []outcome {
	t.Helper()
	var outs []outcome
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		if line == "" {
			continue
		}
		var o outcome
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&o); err != nil {
			t.Fatalf("bad JSON line %q: %v", line, err)
		}
		outs = append(outs, o)
	}
	return outs
}

func TestOperations(t *testing.T) {
	t.Parallel()
	type seeded struct{ ali, hw string }
	tests := []struct {
		name     string
		args     []string
		renew    bool
		seed     provider.State
		wantCode int
		// want per cloud: ok, state (JSON), kind
		wantAli, wantHw outcome
		// state observed out of band afterwards; ok=false means gone
		afterAli, afterHw provider.State
		goneAli, goneHw   bool
		settleHw          bool
		aliNewID, hwNewID bool
	}{
		{name: "status", args: []string{"status"}, seed: provider.StateIssued, wantCode: 0,
			wantAli: outcome{OK: true, State: "issued"}, wantHw: outcome{OK: true, State: "issued"},
			afterAli: provider.StateIssued, afterHw: provider.StateIssued},
		{name: "cancel", args: []string{"cancel"}, seed: provider.StateUnderReview, wantCode: 0,
			wantAli: outcome{OK: true, State: "cancelled"}, wantHw: outcome{OK: true, State: "cancelling"},
			afterAli: provider.StateCancelled, afterHw: provider.StateCancelled, settleHw: true},
		{name: "revoke", args: []string{"revoke", "--yes", "--reason", "key compromise"}, seed: provider.StateIssued, wantCode: 0,
			wantAli: outcome{OK: true, State: "revoked"}, wantHw: outcome{OK: true, State: "revoking"},
			afterAli: provider.StateRevoked, afterHw: provider.StateRevoked, settleHw: true},
		{name: "delete from expired", args: []string{"delete", "--yes"}, seed: provider.StateExpired, wantCode: 1,
			wantAli: outcome{Kind: "invalid_state"}, wantHw: outcome{OK: true},
			afterAli: provider.StateExpired, goneHw: true},
		{name: "delete from review failed", args: []string{"delete", "--yes"}, seed: provider.StateReviewFailed, wantCode: 1,
			wantAli: outcome{OK: true}, wantHw: outcome{Kind: "invalid_state", Code: "SCM.0010"},
			goneAli: true, afterHw: provider.StateReviewFailed},
		{name: "renew by purchase", args: []string{"renew", "--yes"}, renew: true, seed: provider.StateExpiring, wantCode: 0,
			wantAli: outcome{OK: true}, wantHw: outcome{OK: true},
			afterAli: provider.StateExpiring, afterHw: provider.StateExpiring, aliNewID: true, hwNewID: true},
		{name: "renew off", args: []string{"renew"}, seed: provider.StateExpiring, wantCode: 1,
			wantAli: outcome{OK: true}, wantHw: outcome{Kind: "unsupported"},
			afterAli: provider.StateExpiring, afterHw: provider.StateExpiring, aliNewID: true},
		{name: "revoke pending", args: []string{"revoke", "--yes"}, seed: provider.StatePendingApplication, wantCode: 1,
			// Alibaba refuses before sending: on a pending order the revoke action would cancel it (A1).
			wantAli: outcome{Kind: "invalid_state"}, wantHw: outcome{Kind: "invalid_state"},
			afterAli: provider.StatePendingApplication, afterHw: provider.StatePendingApplication},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, tt.renew)
			ids := seeded{ali: w.ali.Seed(tt.seed), hw: w.hw.Seed(tt.seed)}
			aliRef, hwRef := "alibaba:"+ids.ali, "huawei:"+ids.hw
			args := append(slices.Clone(tt.args), "--config", w.cfgPath, "--output", "json", aliRef, hwRef)
			r := w.run(t, "", terminals{}, args...)
			if r.code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.wantCode, r.stdout, r.stderr)
			}
			outs := parseJSONLines(t, r.stdout)
			if len(outs) != 2 || outs[0].Ref != aliRef || outs[1].Ref != hwRef {
				t.Fatalf("outcomes not one per ref in order: %+v", outs)
			}
			op := tt.args[0]
			for i, want := range []outcome{tt.wantAli, tt.wantHw} {
				got := outs[i]
				if got.Op != op || got.OK != want.OK || (want.State != "" && got.State != want.State) ||
					got.Kind != want.Kind || (want.Code != "" && got.Code != want.Code) {
					t.Errorf("%s: got %+v, want %+v", got.Ref, got, want)
				}
				if !got.OK && (got.Message == "" || got.RequestID == "" && got.Kind != "unsupported") {
					t.Errorf("%s: failure without message or request ID: %+v", got.Ref, got)
				}
				if got.OK && got.RequestID == "" {
					t.Errorf("%s: success without request ID: %+v", got.Ref, got)
				}
			}
			if (outs[0].NewID != "") != tt.aliNewID || (outs[1].NewID != "") != tt.hwNewID {
				t.Errorf("new IDs: %q, %q", outs[0].NewID, outs[1].NewID)
			}
			if tt.aliNewID {
				if st, ok := w.ali.State(outs[0].NewID); !ok || st != provider.StatePendingApplication {
					t.Errorf("alibaba new order %s: %v %v", outs[0].NewID, st, ok)
				}
			}
			if tt.hwNewID {
				if st, ok := w.hw.State(outs[1].NewID); !ok || st != provider.StatePendingApplication {
					t.Errorf("huawei new cert %s: %v %v", outs[1].NewID, st, ok)
				}
			}
			if tt.settleHw {
				w.hw.Settle(ids.hw)
			}
			checkState(t, "alibaba", ids.ali, w.ali.State, tt.afterAli, tt.goneAli)
			checkState(t, "huawei", ids.hw, w.hw.State, tt.afterHw, tt.goneHw)
		})
	}
}

func checkState(t *testing.T, cloud, id string, state func(string) (provider.State, bool), want provider.State, gone bool) {
	t.Helper()
	st, ok := state(id)
	if gone {
		if ok {
			t.Errorf("%s %s still exists in %v", cloud, id, st)
		}
		return
	}
	if !ok || st != want {
		t.Errorf("%s %s: state %v (exists %v), want %v", cloud, id, st, ok, want)
	}
}

func TestTableOutput(t *testing.T) {
	t.Parallel()
	w := newWorld(t, false)
	ali, hw := w.ali.Seed(provider.StateIssued), w.hw.Seed(provider.StateExpiring)
	r := w.run(t, "", terminals{}, "status", "--config="+w.cfgPath, "-v", "alibaba:"+ali, hw)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"REF", "STATE", "alibaba:" + ali, "huawei:" + hw, "issued", "expiring", "not after"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, r.stdout)
		}
	}
	if !strings.Contains(r.stderr, "op=status") || !strings.Contains(r.stderr, "level=DEBUG") {
		t.Errorf("-v logged no requests: %q", r.stderr)
	}
	if !strings.Contains(r.stderr, "2 of 2 succeeded") {
		t.Errorf("summary: %q", r.stderr)
	}
}

func TestRefsFromFileAndStdin(t *testing.T) {
	t.Parallel()
	w := newWorld(t, false)
	a1, a2, h1 := w.ali.Seed(provider.StateIssued), w.ali.Seed(provider.StateUnderReview), w.hw.Seed(provider.StateHosted)
	file := w.writeConfig(t, "refs.txt", "# refs\nalibaba:"+a1+"\n\n"+h1+"  # bare huawei ID\n")
	r := w.run(t, "alibaba:"+a2+"\nalibaba:"+a1+"\n", terminals{}, "status", "-f", file, "--config", w.cfgPath, "-f", "-", "--output", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	outs := parseJSONLines(t, r.stdout)
	got := make([]string, len(outs))
	for i, o := range outs {
		got[i] = o.Ref + "=" + o.State
	}
	want := []string{"alibaba:" + a1 + "=issued", "huawei:" + h1 + "=hosted", "alibaba:" + a2 + "=under_review"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if !strings.Contains(r.stderr, "alibaba:"+a1+" was already given at "+file+":2") {
		t.Errorf("duplicate not reported: %s", r.stderr)
	}
}

// mutatingAli and mutatingHw report the mutating requests an emulator saw.
func mutatingAli(s *alibabatest.Server) []string {
	var out []string
	for _, r := range s.Requests() {
		switch r.Action {
		case alibabatest.ActionDescribe, alibabatest.ActionList, alibabatest.ActionListInstances, alibabatest.ActionInstanceDetail:
		default:
			out = append(out, r.Action)
		}
	}
	return out
}

func mutatingHw(s *huaweitest.Server) []string {
	var out []string
	for _, r := range s.Requests() {
		if r.Action != huaweitest.ActionDetails && r.Action != huaweitest.ActionList {
			out = append(out, r.Action)
		}
	}
	return out
}

func TestDryRunChangesNothing(t *testing.T) {
	t.Parallel()
	for _, op := range []string{"cancel", "revoke", "delete", "renew"} {
		t.Run(op, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, true)
			states := []provider.State{provider.StateUnderReview, provider.StateIssued, provider.StateExpiring, provider.StateReviewFailed}
			var refs []string
			type seed struct {
				id    string
				st    provider.State
				state func(string) (provider.State, bool)
			}
			var seeds []seed
			for _, st := range states {
				a, h := w.ali.Seed(st), w.hw.Seed(st)
				refs = append(refs, "alibaba:"+a, "huawei:"+h)
				seeds = append(seeds, seed{a, st, w.ali.State}, seed{h, st, w.hw.State})
			}
			// No --yes: a dry run needs no confirmation.
			r := w.run(t, "", terminals{}, append([]string{op, "--dry-run", "--output", "json", "--config", w.cfgPath}, refs...)...)
			if r.code != 0 && r.code != 1 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			outs := parseJSONLines(t, r.stdout)
			if len(outs) != len(refs) {
				t.Fatalf("%d outcomes for %d refs", len(outs), len(refs))
			}
			oks := 0
			for _, o := range outs {
				if o.OK {
					oks++
					if !strings.Contains(o.Message, "dry run") {
						t.Errorf("dry-run success without note: %+v", o)
					}
				} else if o.Kind != "invalid_state" && o.Kind != "unsupported" {
					t.Errorf("dry-run failure of unexpected kind: %+v", o)
				}
			}
			if oks == 0 {
				t.Errorf("no item would succeed: %+v", outs)
			}
			if (oks < len(outs)) != (r.code == 1) {
				t.Errorf("exit %d with %d of %d ok", r.code, oks, len(outs))
			}
			for _, s := range seeds {
				if st, ok := s.state(s.id); !ok || st != s.st {
					t.Errorf("%s changed: %v %v, want %v", s.id, st, ok, s.st)
				}
			}
			if m := mutatingAli(w.ali); len(m) > 0 {
				t.Errorf("alibaba got mutating requests %v", m)
			}
			if m := mutatingHw(w.hw); len(m) > 0 {
				t.Errorf("huawei got mutating requests %v", m)
			}
			if len(w.ali.Renewals()) != 0 || len(w.hw.Purchases()) != 0 {
				t.Error("a dry run renewed")
			}
		})
	}
}
