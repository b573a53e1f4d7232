package main

import (
	"strings"
	"testing"

	"github.com/certbroker/certbroker/provider"
)

// TestBilledRenewConfirmation runs renew against both emulators: with
// renew_by_purchase on, the Huawei renewal is a purchase, so renew asks
// first like revoke and delete; with it off nothing is billed and renew
// needs no confirmation.
func TestBilledRenewConfirmation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		byPurch   bool
		stdin     string
		tty       terminals
		extra     []string
		refsStdin bool
		wantCode  int
		wantErr   []string
		// sent is false when no request at all may reach either emulator.
		sent                 bool
		aliRenews, purchases int
	}{
		{name: "billed refused from a pipe", byPurch: true, wantCode: 2,
			wantErr: []string{"refusing to renew 2 orders (billed: 1) without confirmation", "stdin is not a terminal", "--yes"}},
		{name: "billed refs on stdin need --yes", byPurch: true, tty: terminals{stdin: true}, refsStdin: true, wantCode: 2,
			wantErr: []string{"refs were read from stdin", "--yes to renew 2 orders (billed: 1)"}},
		{name: "billed with --yes from a pipe", byPurch: true, extra: []string{"--yes"}, wantCode: 0,
			sent: true, aliRenews: 1, purchases: 1},
		{name: "billed confirmed on a terminal", byPurch: true, stdin: "y\n", tty: terminals{stdin: true}, wantCode: 0,
			wantErr: []string{"About to renew 2 certificate orders", "1 of them billed (huawei: 1)", "[y/N]"},
			sent:    true, aliRenews: 1, purchases: 1},
		{name: "billed declined on a terminal", byPurch: true, stdin: "n\n", tty: terminals{stdin: true}, wantCode: 1,
			wantErr: []string{"billed", "aborted; nothing was done"}},
		{name: "nothing billed needs no confirmation", byPurch: false, wantCode: 1,
			sent: true, aliRenews: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, tt.byPurch)
			refs := []string{"alibaba:" + w.ali.Seed(provider.StateExpiring), "huawei:" + w.hw.Seed(provider.StateExpiring)}
			args := append([]string{"renew", "--config", w.cfgPath}, tt.extra...)
			stdin := tt.stdin
			if tt.refsStdin {
				stdin = strings.Join(refs, "\n") + "\n"
				args = append(args, "-f", "-")
			} else {
				args = append(args, refs...)
			}
			r := w.run(t, stdin, tt.tty, args...)
			if r.code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.wantCode, r.stdout, r.stderr)
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}
			if !tt.sent {
				if n := w.ali.RequestCount() + w.hw.RequestCount(); n != 0 {
					t.Errorf("refused renew sent %d requests: %v %v", n, w.ali.Requests(), w.hw.Requests())
				}
			}
			if got := len(w.ali.Renewals()); got != tt.aliRenews {
				t.Errorf("alibaba renewals: %d, want %d", got, tt.aliRenews)
			}
			if got := len(w.hw.Purchases()); got != tt.purchases {
				t.Errorf("huawei purchases: %d, want %d", got, tt.purchases)
			}
		})
	}
}

// TestBilledRenewDryRun checks that a dry run counts billed renewals per
// origin, needs no --yes, and buys nothing.
func TestBilledRenewDryRun(t *testing.T) {
	t.Parallel()
	w := newWorld(t, true)
	ali := "alibaba:" + w.ali.Seed(provider.StateExpiring)
	hw1, hw2 := "huawei:"+w.hw.Seed(provider.StateExpiring), "huawei:"+w.hw.Seed(provider.StateExpiring)
	hwBad := "huawei:" + w.hw.Seed(provider.StateIssued) // not in its renewal window
	r := w.run(t, "", terminals{}, "renew", "--dry-run", "--output", "json", "--config", w.cfgPath, ali, hw1, hw2, hwBad)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (one ref not renewable)\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"would renew 3 (billed: 2)", "  alibaba: would renew 1 (billed: 0)", "  huawei: would renew 2 (billed: 2)"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	outs := parseJSONLines(t, r.stdout)
	if len(outs) != 4 {
		t.Fatalf("%d outcomes", len(outs))
	}
	for i, wantBilled := range []bool{false, true, true} {
		if !outs[i].OK || strings.Contains(outs[i].Message, "billed") != wantBilled {
			t.Errorf("%s: billed %v, got %+v", outs[i].Ref, wantBilled, outs[i])
		}
	}
	if len(w.hw.Purchases()) != 0 || len(w.ali.Renewals()) != 0 || len(mutatingHw(w.hw))+len(mutatingAli(w.ali)) != 0 {
		t.Errorf("dry run changed something: %v %v", mutatingAli(w.ali), mutatingHw(w.hw))
	}
}
