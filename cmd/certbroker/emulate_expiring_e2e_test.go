package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// startEmulate runs 'certbroker emulate' in process, as a user runs it in
// another terminal, and returns the configuration it printed and the
// refs it seeded with their states. The emulators stop when the test
// ends.
func startEmulate(t *testing.T) (cfg string, states map[string]string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var errb syncBuffer
	done := make(chan int, 1)
	env := func(string) (string, bool) { return "", false }
	go func() {
		done <- run(ctx, []string{"emulate", "--settle-delay", "1ns"}, strings.NewReader(""), pw, &errb, env, func(any) bool { return false })
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("emulate exit %d: %s", code, errb.String())
		}
	})
	var b strings.Builder
	states = map[string]string{}
	seeded := regexp.MustCompile(`^#\s+((?:alibaba|huawei):\S+)\s+(\w+)$`)
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		line := sc.Text()
		b.WriteString(line + "\n")
		if m := seeded.FindStringSubmatch(line); m != nil {
			states[m[1]] = m[2]
		}
		if line == emulateReadyLine {
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	return b.String(), states
}

// jsonLines decodes every JSON line of s into a map.
func jsonLines(t *testing.T, s string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("bad JSON line %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

// TestEmulateExpiringEndToEnd is issue 13's walk on 'certbroker emulate':
// list what expires within 30 days on both clouds, then renew exactly
// that, with the plan first, through the printed configuration.
func TestEmulateExpiringEndToEnd(t *testing.T) {
	t.Parallel()
	cfg, states := startEmulate(t)
	var expiring []string
	for ref, st := range states {
		if st == "expiring" {
			expiring = append(expiring, ref)
		}
	}
	slices.Sort(expiring)
	if len(expiring) != 2 || !strings.HasPrefix(expiring[0], "alibaba:") || !strings.HasPrefix(expiring[1], "huawei:") {
		t.Fatalf("emulate seeded %v as expiring: want one per cloud", expiring)
	}
	w := &world{dir: t.TempDir(), vars: map[string]string{}}
	w.vars["XDG_STATE_HOME"] = w.dir
	path := w.writeConfig(t, "emulated.yaml", cfg)
	ctx := context.Background()

	// list --expiring-within 30d: exactly the expiring ones, with
	// not_after within 30 days.
	r := runCLI(t, ctx, w.env, "", terminals{}, "list", "--config", path, "--expiring-within", "30d", "--output", "json")
	if r.code != 0 {
		t.Fatalf("list: exit %d\n%s", r.code, r.stderr)
	}
	var listed []string
	limit := time.Now().Add(30 * 24 * time.Hour)
	for _, m := range jsonLines(t, r.stdout) {
		ref, _ := m["ref"].(string)
		listed = append(listed, ref)
		na, err := time.Parse(time.RFC3339, m["not_after"].(string))
		if err != nil || !na.Before(limit) {
			t.Errorf("%s: not_after %v (%v), want within 30 days", ref, m["not_after"], err)
		}
	}
	slices.Sort(listed)
	if !slices.Equal(listed, expiring) {
		t.Errorf("list --expiring-within 30d listed %v, want %v", listed, expiring)
	}

	// renew --expiring-within 30d --yes: the plan, then one renewal each.
	r = runCLI(t, ctx, w.env, "", terminals{}, "renew", "--config", path, "--expiring-within", "30d", "--yes", "--output", "json")
	if r.code != 0 {
		t.Fatalf("renew: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	var planned, renewed, newIDs []string
	for _, m := range jsonLines(t, r.stdout) {
		ref, _ := m["ref"].(string)
		switch {
		case m["plan"] == "renew":
			planned = append(planned, ref)
		case m["plan"] != nil:
		case m["ok"] == true:
			renewed = append(renewed, ref)
			id, _ := m["new_id"].(string)
			newIDs = append(newIDs, strings.SplitN(ref, ":", 2)[0]+":"+id)
		default:
			t.Errorf("renew outcome %v", m)
		}
	}
	slices.Sort(planned)
	slices.Sort(renewed)
	if !slices.Equal(planned, expiring) || !slices.Equal(renewed, expiring) {
		t.Errorf("planned %v, renewed %v; want %v", planned, renewed, expiring)
	}
	if !strings.Contains(r.stderr, "billed") {
		t.Errorf("the plan on stderr does not say which renewals are billed:\n%s", r.stderr)
	}

	// The new orders exist, pending their application.
	r = runCLI(t, ctx, w.env, "", terminals{}, append([]string{"status", "--config", path, "--output", "json"}, newIDs...)...)
	if r.code != 0 {
		t.Fatalf("status of the new orders %v: exit %d\n%s", newIDs, r.code, r.stderr)
	}
	for _, o := range parseJSONLines(t, r.stdout) {
		if o.State != "pending_application" {
			t.Errorf("new order %s is %s, want pending_application", o.Ref, o.State)
		}
	}
}
