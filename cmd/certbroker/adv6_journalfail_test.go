//go:build linux

package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/journal"
	"github.com/certbroker/certbroker/provider"
)

// adv6LimitFileSize caps the size of every file this process writes
// (RLIMIT_FSIZE: a write past it fails with EFBIG, as on a full disk; Go
// ignores SIGXFSZ). It applies to root too, unlike a read-only directory.
// It returns the function that lifts the cap.
func adv6LimitFileSize(t *testing.T, n uint64) func() {
	t.Helper()
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Skipf("getrlimit: %v", err)
	}
	lim := old
	lim.Cur = n
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
		t.Skipf("setrlimit: %v", err)
	}
	return func() {
		if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
			t.Fatalf("restoring RLIMIT_FSIZE: %v", err)
		}
	}
}

func adv6Journals(t *testing.T, dir string) []string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, "*.journal"))
	return m
}

// TestAdv6JournalOutcomeWriteFails: the disk fills up (every further write
// fails) while a renew --expiring-within run waits for the cloud's answer
// to a renewal whose intent is on disk. The renewal succeeds at the cloud,
// but its outcome cannot be journaled.
//
// What holds (checked second): the next renew --expiring-within does not
// renew the certificate again; it skips it as in doubt in that run.
//
// DEFECT (fails, medium): README, "Command line": "Before each request
// goes out, the intent is on disk (fsynced); after it, the outcome." and
// "The stderr summary ends with `journal: N from earlier sessions, M in
// doubt`". Actual: the run says nothing about the failed journal write:
// it reports the renewal ok, exits 0, and its summary says "journal: 0
// from earlier sessions, 0 in doubt", while its journal holds the item in
// doubt (`certbroker runs` shows IN_DOUBT 1, and the next run skips the
// certificate "in doubt ... resume it"). Cause: broker/journal.go:348-359
// (journalFailed) only logs the failed write, at Error, to the broker's
// logger, which the CLI leaves as the default discard logger unless -v
// (cmd/certbroker/build.go:62-64, ops.go:83-87); nothing marks the item
// or the run, and journal.File.Close (journal/journal.go:239) reports no
// error since the failed record was never counted as written.
//
// Not parallel: the file size cap is process-wide.
func TestAdv6JournalOutcomeWriteFails(t *testing.T) {
	w := newWorld(t, false)
	state := t.TempDir()
	w.vars["XDG_STATE_HOME"] = state
	dir := filepath.Join(state, "certbroker")
	a := "alibaba:" + w.ali.Seed(provider.StateExpiring)
	w.ali.InjectFault(alibabatest.Fault{Action: alibabatest.ActionRenew, Kind: alibabatest.FaultLatency, Latency: 300 * time.Millisecond, Times: 1})

	var stderr syncBuffer
	done := make(chan int, 1)
	var stdout strings.Builder
	go func() {
		done <- run(context.Background(), []string{"renew", "--config", w.cfgPath, "--expiring-within", "30d", "--output", "json", "alibaba"},
			strings.NewReader(""), &stdout, &stderr, w.env, func(any) bool { return false })
	}()
	deadline := time.Now().Add(10 * time.Second)
	for len(aliRenewIDs(w.ali)) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no renewal sent:\n%s", stderr.String())
		}
		time.Sleep(time.Millisecond)
	}
	js := adv6Journals(t, dir)
	if len(js) != 1 {
		t.Fatalf("journals %v", js)
	}
	fi, err := os.Stat(js[0])
	if err != nil {
		t.Fatal(err)
	}
	lift := adv6LimitFileSize(t, uint64(fi.Size())) // the disk is full
	code := <-done
	lift()
	t.Logf("first run: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	if len(w.ali.Renewals()) != 1 {
		t.Fatalf("%d renewals, want 1", len(w.ali.Renewals()))
	}
	s, err := journal.Summarize(js[0])
	if err != nil {
		t.Fatal(err)
	}
	if s.InDoubt != 1 || s.Done != 0 {
		t.Fatalf("journal: done %d, in doubt %d; want the outcome missing (0, 1): the test did not fill the disk in time", s.Done, s.InDoubt)
	}

	// What must hold: no second renewal on the next run.
	r := w.run(t, "", terminals{}, "renew", "--config", w.cfgPath, "--expiring-within", "30d", "--output", "json", "alibaba")
	plans, outs := parsePlanOutput(t, r.stdout)
	if len(w.ali.Renewals()) != 1 || len(outs) != 0 || len(plans) != 1 || plans[0].Plan != "skip" || !strings.Contains(plans[0].Reason, "in doubt") {
		t.Errorf("second run: exit %d, %d renewals (want 1), plan %+v, outcomes %+v\n%s", r.code, len(w.ali.Renewals()), plans, outs, r.stderr)
	}
	_ = a

	// What the first run should have said.
	e := stderr.String()
	if !strings.Contains(e, "journal: 0 from earlier sessions, 1 in doubt") &&
		!(strings.Contains(strings.ToLower(e), "journal") && (strings.Contains(e, "failed") || strings.Contains(e, "file too large"))) {
		t.Errorf("the outcome of %s could not be journaled (the journal holds it in doubt), yet the run said nothing of it: exit %d, stderr:\n%s",
			a, code, e)
	}
}

// TestAdv6JournalFullBeforeIntent: the disk is full from the start, at
// every size from nothing to a whole run (no file may grow past the
// limit, so the plan, the journal's run record, the intent or the outcome
// cannot be written): a renewal is sent only once its intent is on disk,
// a run that sent nothing does not exit 0, and the next run (disk free)
// renews exactly what was not renewed. Both for renew --expiring-within
// and for renew REF (which has no plan file, so its intent write is the
// one that fails).
//
// Not parallel: the file size cap is process-wide.
func TestAdv6JournalFullBeforeIntent(t *testing.T) {
	for _, form := range []string{"expiring", "ref"} {
		for limit := uint64(0); limit <= 800; limit += 40 {
			w := newWorld(t, false)
			state := t.TempDir()
			w.vars["XDG_STATE_HOME"] = state
			ref := "alibaba:" + w.ali.Seed(provider.StateExpiring)
			args := []string{"renew", "--config", w.cfgPath, "--output", "json"}
			if form == "expiring" {
				args = append(args, "--expiring-within", "30d", "alibaba")
			} else {
				args = append(args, ref)
			}
			var stderr syncBuffer
			var stdout strings.Builder
			lift := adv6LimitFileSize(t, limit)
			code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr, w.env, func(any) bool { return false })
			lift()
			renewed := len(w.ali.Renewals())
			if renewed != 0 {
				// The intent was on disk before the request went out.
				for _, j := range adv6Journals(t, filepath.Join(state, "certbroker")) {
					if s, err := journal.Summarize(j); err != nil || s.Done+s.InDoubt == 0 {
						t.Errorf("%s, limit %d: renewed, but journal %s records neither intent nor outcome (%v)\n%s",
							form, limit, j, err, stderr.String())
					}
				}
				continue
			}
			if code == exitOK {
				t.Errorf("%s, limit %d: nothing renewed, yet exit 0\n%s", form, limit, stderr.String())
			}
			// Nothing was sent: the next run renews it, once.
			r := w.run(t, "", terminals{}, args...)
			if r.code != exitOK || len(w.ali.Renewals()) != 1 {
				t.Errorf("%s, limit %d: next run: exit %d, %d renewals; want 0, 1\nfirst:\n%s\nnext:\n%s",
					form, limit, r.code, len(w.ali.Renewals()), stderr.String(), r.stderr)
			}
		}
	}
}
