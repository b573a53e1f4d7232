package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certbroker/certbroker/provider"
)

// adv6Run runs the command in process with stdin and stderr as given,
// stdin reported as a terminal, and returns its exit code and outputs.
func adv6Run(ctx context.Context, w *world, stdin io.Reader, stderr *syncBuffer, args ...string) (int, string) {
	var out bytes.Buffer
	isTTY := func(s any) bool { return s == stdin }
	code := run(ctx, args, stdin, &out, stderr, w.env, isTTY)
	return code, out.String()
}

// adv6BilledWorld is a world with one Alibaba and one (billed) Huawei
// certificate in their renewal window, journaling into its own state
// directory.
func adv6BilledWorld(t *testing.T) (w *world, state string) {
	t.Helper()
	w = newWorld(t, true)
	state = t.TempDir()
	w.vars["XDG_STATE_HOME"] = state
	w.ali.Seed(provider.StateExpiring)
	w.hw.Seed(provider.StateExpiring)
	return w, state
}

func adv6NothingSent(t *testing.T, w *world, state string) {
	t.Helper()
	if m := append(mutatingAli(w.ali), mutatingHw(w.hw)...); len(m) != 0 {
		t.Errorf("sent %v", m)
	}
	if n := len(w.ali.Renewals()) + len(w.hw.Purchases()); n != 0 {
		t.Errorf("%d renewals/purchases", n)
	}
	if files := runFiles(t, filepath.Join(state, "certbroker")); len(files) != 0 {
		t.Errorf("nothing confirmed, yet the state directory holds %v", files)
	}
}

// TestAdv6CtrlCAtPromptStdinSilent: Ctrl-C (the context canceled with
// SIGINT as cause, as main does) while the billed plan's confirmation
// waits on a terminal that never answers.
//
// DEFECT (fails, low-medium; the run waits until the test closes stdin): README, "Command
// line": "Exit status: ... **130** interrupted by Ctrl-C (SIGINT ...)";
// main.go's comment: only "A second signal gets the default action". The
// first Ctrl-C at the "[y/N]" prompt does nothing: the command stays
// blocked in the read until a line or EOF arrives. Cause:
// cmd/certbroker/confirm.go:93 `bufio.NewReader(in).ReadString('\n')`
// reads stdin without watching ctx, and confirmDestructive (its call at ops.go:294)
// is not given ctx; main.go:52-58 cancels the context on the first
// SIGINT and stops listening, so the process only ends on a second
// Ctrl-C (killed by the signal, without the "interrupted" summary).
func TestAdv6CtrlCAtPromptStdinSilent(t *testing.T) {
	t.Parallel()
	w, state := adv6BilledWorld(t)
	pr, pw := io.Pipe()
	defer pw.Close()
	var stderr syncBuffer
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	type res struct {
		code int
		out  string
	}
	done := make(chan res, 1)
	go func() {
		c, o := adv6Run(ctx, w, pr, &stderr, "renew", "--config", w.cfgPath, "--expiring-within", "30d")
		done <- res{c, o}
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(stderr.String(), "[y/N]") {
		if time.Now().After(deadline) {
			t.Fatalf("no prompt:\n%s", stderr.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel(interruption{os.Interrupt})
	var r res
	select {
	case r = <-done:
	case <-time.After(3 * time.Second):
		t.Errorf("Ctrl-C at the prompt: still waiting for an answer 3s later (want exit 130 at once)")
		pw.Close() // EOF: let the run end
		r = <-done
	}
	if r.code != 130 {
		t.Errorf("exit %d, want 130\n%s", r.code, stderr.String())
	}
	adv6NothingSent(t, w, state)
}

// adv6InterruptingStdin is a terminal on which the user presses Ctrl-C
// (the context is canceled) and then types an answer.
type adv6InterruptingStdin struct {
	once   sync.Once
	cancel func()
	r      io.Reader
}

func (s *adv6InterruptingStdin) Read(p []byte) (int, error) {
	s.once.Do(s.cancel)
	return s.r.Read(p)
}

// TestAdv6CtrlCThenYesAtPrompt: the user presses Ctrl-C at the prompt,
// then (the prompt still waiting) types "y". The run was interrupted
// before anything was sent: nothing may be sent, it exits 130, and no
// journal is left claiming an intent (a later renew --expiring-within
// would otherwise skip the certificates as "in doubt").
func TestAdv6CtrlCThenYesAtPrompt(t *testing.T) {
	t.Parallel()
	w, state := adv6BilledWorld(t)
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	in := &adv6InterruptingStdin{cancel: func() { cancel(interruption{os.Interrupt}) }, r: strings.NewReader("y\n")}
	var stderr syncBuffer
	code, _ := adv6Run(ctx, w, in, &stderr, "renew", "--config", w.cfgPath, "--expiring-within", "30d", "--output", "json")
	t.Logf("stderr:\n%s\nstate: %v", stderr.String(), runFiles(t, filepath.Join(state, "certbroker")))
	if code != 130 {
		t.Errorf("exit %d, want 130\n%s", code, stderr.String())
	}
	if m := append(mutatingAli(w.ali), mutatingHw(w.hw)...); len(m) != 0 {
		t.Errorf("interrupted at the prompt, yet sent %v", m)
	}
	// A journal may have been opened, but it must hold no intent: the
	// next run must plan both certificates again.
	r := w.run(t, "", terminals{}, "renew", "--config", w.cfgPath, "--expiring-within", "30d", "--output", "json", "--dry-run")
	plans, _ := parsePlanOutput(t, r.stdout)
	if got := planRefs(plans, "renew"); len(got) != 2 {
		t.Errorf("after the interrupted prompt, the next plan renews %v (want both); plan %+v\n%s", got, plans, r.stderr)
	}
	if strings.Contains(r.stderr, "in doubt") {
		t.Errorf("the interrupted prompt left a run in doubt:\n%s", r.stderr)
	}
}

// TestAdv6BilledPromptAnswers: a billed plan on a terminal proceeds only
// on an explicit yes ("y" or "yes", any case); "n", an empty line,
// "yes please", "yy" and EOF decline (exit 1), sending nothing and
// journaling nothing (README: "wait for `y`"; "1 ... (or the confirmation
// was declined)").
func TestAdv6BilledPromptAnswers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, stdin string
		proceed     bool
	}{
		{"n", "n\n", false}, {"empty line", "\n", false}, {"yes please", "yes please\n", false},
		{"yy", "yy\n", false}, {"EOF", "", false}, {"y then EOF", "no\ny\n", false},
		{"nul", "y\x00\n", false}, {"escape", "\x1b[Ay\n", false},
		{"y", "y\n", true}, {"YES", " YES \n", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w, state := adv6BilledWorld(t)
			r := w.run(t, tc.stdin, terminals{stdin: true}, "renew", "--config", w.cfgPath, "--expiring-within", "30d", "--output", "json")
			mustContain(t, r.stderr, "1 of them billed (huawei: 1)", "[y/N]")
			if !tc.proceed {
				if r.code != exitFailed {
					t.Errorf("exit %d, want 1\n%s", r.code, r.stderr)
				}
				mustContain(t, r.stderr, "aborted; nothing was done")
				adv6NothingSent(t, w, state)
				return
			}
			if r.code != exitOK || len(w.ali.Renewals()) != 1 || len(w.hw.Purchases()) != 1 {
				t.Errorf("confirmed: exit %d, %d renewals, %d purchases; want 0, 1, 1\n%s",
					r.code, len(w.ali.Renewals()), len(w.hw.Purchases()), r.stderr)
			}
		})
	}
}
