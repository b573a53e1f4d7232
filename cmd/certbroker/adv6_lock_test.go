package main

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/provider"
)

// TestAdv6TwoRunsConcurrently runs two real renew --expiring-within
// commands on one machine (one state directory) at once. The first holds
// the lock while it waits at its billed plan's prompt; the second, with
// --yes, fails at once (exit 1) naming renew-expiring-within.lock, having
// listed and sent nothing. The first then goes on (confirmed) and renews
// each certificate once; and after it, a third run renews nothing (the
// first's journal shows them renewed).
func TestAdv6TwoRunsConcurrently(t *testing.T) {
	t.Parallel()
	w, _ := adv6BilledWorld(t)
	pr, pw := io.Pipe()
	var stderr1 syncBuffer
	done := make(chan int, 1)
	go func() {
		c, _ := adv6Run(context.Background(), w, pr, &stderr1, "renew", "--config", w.cfgPath, "--expiring-within", "30d")
		done <- c
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(stderr1.String(), "[y/N]") {
		if time.Now().After(deadline) {
			t.Fatalf("no prompt:\n%s", stderr1.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	before := w.ali.RequestCount() + w.hw.RequestCount()
	r := w.run(t, "", terminals{}, "renew", "--config", w.cfgPath, "--expiring-within", "30d", "--yes", "--output", "json")
	if r.code != exitFailed {
		t.Errorf("second run: exit %d, want 1\n%s", r.code, r.stderr)
	}
	mustContain(t, r.stderr, "another renew --expiring-within is running", renewExpiringLock, "nothing was listed or sent")
	if n := w.ali.RequestCount() + w.hw.RequestCount() - before; n != 0 {
		t.Errorf("second run sent %d requests while the first held the lock", n)
	}
	if r.stdout != "" {
		t.Errorf("second run printed a plan:\n%s", r.stdout)
	}
	// A dry run is refused alike (it would list, and its plan could not
	// see what the first run is renewing); it sends nothing.
	r = w.run(t, "", terminals{}, "renew", "--config", w.cfgPath, "--expiring-within", "30d", "--dry-run")
	if r.code != exitFailed || w.ali.RequestCount()+w.hw.RequestCount() != before {
		t.Errorf("dry run while locked: exit %d, %d requests\n%s", r.code, w.ali.RequestCount()+w.hw.RequestCount()-before, r.stderr)
	}

	if _, err := io.WriteString(pw, "y\n"); err != nil {
		t.Fatal(err)
	}
	if code := <-done; code != exitOK {
		t.Fatalf("first run: exit %d\n%s", code, stderr1.String())
	}
	if len(w.ali.Renewals()) != 1 || len(w.hw.Purchases()) != 1 {
		t.Fatalf("first run: %d renewals, %d purchases; want 1, 1", len(w.ali.Renewals()), len(w.hw.Purchases()))
	}
	r = w.run(t, "", terminals{}, "renew", "--config", w.cfgPath, "--expiring-within", "30d", "--yes")
	if r.code != exitOK || len(w.ali.Renewals()) != 1 || len(w.hw.Purchases()) != 1 {
		t.Errorf("third run: exit %d, %d renewals, %d purchases; want 0, 1, 1\n%s", r.code, len(w.ali.Renewals()), len(w.hw.Purchases()), r.stderr)
	}
	mustContain(t, r.stderr, "nothing to renew", "earlier run")
}

// TestAdv6TwoRunsWhileSending: the second run starts while the first is
// sending its (slow) renewals, not at a prompt: it still fails at once
// and sends nothing; every certificate is renewed once.
func TestAdv6TwoRunsWhileSending(t *testing.T) {
	t.Parallel()
	w := newWorld(t, false)
	w.vars["XDG_STATE_HOME"] = t.TempDir()
	for range 3 {
		w.ali.Seed(provider.StateExpiring)
	}
	w.ali.InjectFault(alibabatest.Fault{Action: alibabatest.ActionRenew, Kind: alibabatest.FaultLatency, Latency: 200 * time.Millisecond})
	done := make(chan result, 1)
	go func() {
		done <- w.run(t, "", terminals{}, "renew", "--config", w.cfgPath, "--expiring-within", "30d", "--concurrency", "1")
	}()
	deadline := time.Now().Add(10 * time.Second)
	for len(aliRenewIDs(w.ali)) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("first run sent no renewal")
		}
		time.Sleep(time.Millisecond)
	}
	lists := func() int {
		n := 0
		for _, q := range w.ali.Requests() {
			if q.Action == alibabatest.ActionList || q.Action == alibabatest.ActionListInstances {
				n++
			}
		}
		return n
	}
	before := lists()
	r := w.run(t, "", terminals{}, "renew", "--config", w.cfgPath, "--expiring-within", "30d", "--output", "json")
	if r.code != exitFailed {
		t.Errorf("second run: exit %d, want 1\n%s", r.code, r.stderr)
	}
	mustContain(t, r.stderr, "another renew --expiring-within is running")
	first := <-done
	if first.code != exitOK {
		t.Fatalf("first run: exit %d\n%s", first.code, first.stderr)
	}
	// The first run had listed before it sent: any listing since is the
	// second run's.
	if n := lists() - before; n != 0 {
		t.Errorf("the refused run listed (%d requests)", n)
	}
	for ref, n := range aliRenewIDs(w.ali) {
		if n != 1 {
			t.Errorf("%s renewed %d times", ref, n)
		}
	}
	if len(w.ali.Renewals()) != 3 {
		t.Errorf("%d renewals, want 3", len(w.ali.Renewals()))
	}
}
