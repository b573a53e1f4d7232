package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/certbroker/certbroker/provider"
)

func TestDemoCommand(t *testing.T) {
	t.Parallel()
	env := func(string) (string, bool) { return "", false }
	r := runCLI(t, context.Background(), env, "", terminals{}, "demo")
	if r.code != 0 {
		t.Fatalf("demo exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	n := len(demoSteps()) + 1
	for _, want := range []string{
		"Alibaba Cloud CAS", "Huawei Cloud SCM", "renew_by_purchase: false",
		"got unsupported", "got invalid_state (OrderStateError)", "got invalid_state (SCM.0010)",
		"got not_found (NotFoundOrder)", "got not_found (SCM.0008)", "already done, 2 attempts", "settled: revoked",
		"alibaba:cas_dv-cn-", "(RevokeCertificate)", "One bulk status", strconv.Itoa(n) + " of " + strconv.Itoa(n) + " expectations held",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	if regexp.MustCompile(`(?m)^  FAILED`).MatchString(r.stdout) {
		t.Errorf("demo reports a failure:\n%s", r.stdout)
	}
	// Every operation ran on both clouds.
	for _, op := range provider.Ops() {
		for _, origin := range []string{"alibaba:", "huawei:"} {
			if !regexp.MustCompile(`\d+\. ` + string(op) + ` +` + origin).MatchString(r.stdout) {
				t.Errorf("no %s step on %s", op, origin)
			}
		}
	}
}

func TestDemoKeepsSecretsAndChecksItself(t *testing.T) {
	t.Parallel()
	var out, logs bytes.Buffer
	opts := demoOptions{aliKeyID: testAliKeyID, aliSecret: testAliSecret, hwAK: testHwAK, hwSK: testHwSK}
	opts.logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ok, err := runDemo(context.Background(), &out, opts)
	if err != nil || !ok {
		t.Fatalf("demo: ok=%v err=%v\n%s", ok, err, out.String())
	}
	assertNoSecrets(t, out.String()+logs.String())
	if !strings.Contains(logs.String(), "op=revoke") {
		t.Errorf("debug log has no requests: %q", logs.String())
	}

	// A step whose expectation cannot hold makes the demo fail.
	out.Reset()
	opts.steps = []demoStep{{what: "wrongly expects success", origin: demoAlibaba, seed: provider.StatePendingApplication,
		op: provider.OpRevoke, wantOK: true, wantState: provider.StateRevoked, after: provider.StateRevoked}}
	ok, err = runDemo(context.Background(), &out, opts)
	if err != nil || ok {
		t.Fatalf("demo with a false expectation: ok=%v err=%v", ok, err)
	}
	for _, want := range []string{"FAILED  1. revoke", "expected success, got", "1 of 2 expectations held", "FAILED step 1"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestEmulate(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	var errb syncBuffer
	done := make(chan int, 1)
	env := func(string) (string, bool) { return "", false }
	go func() {
		done <- run(ctx, []string{"emulate", "--settle-delay", "1ns"}, strings.NewReader(""), pw, &errb, env, func(any) bool { return false })
		pw.Close()
	}()
	var cfg strings.Builder
	var refs []string
	sc := bufio.NewScanner(pr)
	seeded := regexp.MustCompile(`^#\s+((?:alibaba|huawei):\S+)\s+(\w+)$`)
	states := map[string]string{}
	for sc.Scan() {
		line := sc.Text()
		cfg.WriteString(line + "\n")
		if m := seeded.FindStringSubmatch(line); m != nil {
			refs = append(refs, m[1])
			states[m[1]] = m[2]
		}
		if line == emulateReadyLine {
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if len(refs) != len(emulateAliSeeds)+len(emulateHwSeeds) {
		t.Fatalf("seeded refs %v in:\n%s", refs, cfg.String())
	}

	// The printed configuration works as is.
	w := &world{dir: t.TempDir(), vars: map[string]string{}}
	w.vars["XDG_STATE_HOME"] = w.dir
	path := w.writeConfig(t, "emulated.yaml", cfg.String())
	r := runCLI(t, ctx, w.env, "", terminals{}, append([]string{"status", "--config", path, "--output", "json"}, refs...)...)
	if r.code != 0 {
		t.Fatalf("status against emulate's config: exit %d\n%s", r.code, r.stderr)
	}
	for _, o := range parseJSONLines(t, r.stdout) {
		if o.State != states[o.Ref] {
			t.Errorf("%s: state %s, listed as %s", o.Ref, o.State, states[o.Ref])
		}
	}
	// A revoke through it settles at once with --settle-delay 1ns.
	var issued string
	for _, ref := range refs {
		if strings.HasPrefix(ref, "huawei:") && states[ref] == "issued" {
			issued = ref
		}
	}
	if r := runCLI(t, ctx, w.env, "", terminals{}, "revoke", "--yes", "--config", path, issued); r.code != 0 {
		t.Fatalf("revoke: exit %d\n%s", r.code, r.stderr)
	}
	r = runCLI(t, ctx, w.env, "", terminals{}, "status", "--config", path, "--output", "json", issued)
	if outs := parseJSONLines(t, r.stdout); len(outs) != 1 || outs[0].State != "revoked" {
		t.Errorf("after revoke: %s", r.stdout)
	}

	cancel()
	if code := <-done; code != 0 {
		t.Errorf("emulate exit %d: %s", code, errb.String())
	}
	if !strings.Contains(errb.String(), "emulators stopped") {
		t.Errorf("stderr: %q", errb.String())
	}
	if regexp.MustCompile(`(?m)^[^#]*\$\{`).MatchString(cfg.String()) {
		t.Errorf("printed config has unexpanded references:\n%s", cfg.String())
	}
}
