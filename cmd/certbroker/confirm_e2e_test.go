package main

import (
	"strings"
	"testing"

	"github.com/certbroker/certbroker/provider"
)

func TestDestructiveConfirmation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		op        string
		stdin     string
		tty       terminals
		extra     []string
		refsStdin bool
		wantCode  int
		wantErr   []string
		applied   bool
	}{
		{name: "revoke refused without terminal", op: "revoke", wantCode: 2,
			wantErr: []string{"refusing to revoke 2 orders without confirmation", "stdin is not a terminal", "--yes"}},
		{name: "delete refused without terminal", op: "delete", wantCode: 2, wantErr: []string{"refusing to delete 2 orders", "--yes"}},
		{name: "revoke confirmed on terminal", op: "revoke", stdin: "y\n", tty: terminals{stdin: true}, wantCode: 0,
			wantErr: []string{"About to revoke 2 certificate orders (alibaba: 1, huawei: 1)", "[y/N]"}, applied: true},
		{name: "revoke declined on terminal", op: "revoke", stdin: "n\n", tty: terminals{stdin: true}, wantCode: 1,
			wantErr: []string{"About to revoke 2", "aborted; nothing was done"}},
		{name: "end of input declines", op: "delete", stdin: "", tty: terminals{stdin: true}, wantCode: 1,
			wantErr: []string{"About to delete 2", "aborted"}},
		{name: "refs on stdin need --yes", op: "revoke", tty: terminals{stdin: true}, refsStdin: true, wantCode: 2,
			wantErr: []string{"refs were read from stdin", "--yes"}},
		{name: "yes skips the prompt on a terminal", op: "revoke", tty: terminals{stdin: true}, extra: []string{"--yes"}, wantCode: 0, applied: true},
		{name: "progress bar on terminal stderr", op: "revoke", tty: terminals{stderr: true}, extra: []string{"--yes"}, wantCode: 0,
			wantErr: []string{"revoke"}, applied: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, false)
			ali, hw := w.ali.Seed(provider.StateIssued), w.hw.Seed(provider.StateIssued)
			refs := []string{"alibaba:" + ali, "huawei:" + hw}
			args := append([]string{tt.op, "--config", w.cfgPath}, tt.extra...)
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
			aliReqs, hwReqs := len(mutatingAli(w.ali)), len(mutatingHw(w.hw))
			if tt.applied != (aliReqs == 1 && hwReqs == 1) || (!tt.applied && aliReqs+hwReqs != 0) {
				t.Errorf("mutating requests: alibaba %d, huawei %d; applied want %v", aliReqs, hwReqs, tt.applied)
			}
			if !tt.applied && (w.ali.RequestCount() != 0 || w.hw.RequestCount() != 0) {
				t.Errorf("refused command sent requests: %d, %d", w.ali.RequestCount(), w.hw.RequestCount())
			}
			if tt.tty.stderr != strings.Contains(r.stderr, "\r") {
				t.Errorf("progress bar drawn = %v, want %v: %q", strings.Contains(r.stderr, "\r"), tt.tty.stderr, r.stderr)
			}
		})
	}
}
