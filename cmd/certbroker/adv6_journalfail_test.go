package main

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/journal"
	"github.com/certbroker/certbroker/provider"
)

// fullDisk is a journal whose writes of one kind fail as on a full disk.
type fullDisk struct {
	broker.Journal
	intents, outcomes bool
}

var errDiskFull = errors.New("write: no space left on device")

func (d fullDisk) Intent(index int, ref provider.Ref) error {
	if d.intents {
		return errDiskFull
	}
	return d.Journal.Intent(index, ref)
}

func (d fullDisk) Outcome(index int, ref provider.Ref, out broker.JournalOutcome) error {
	if d.outcomes {
		return errDiskFull
	}
	return d.Journal.Outcome(index, ref, out)
}

// runWithJournal runs the command with every journaled run's journal
// wrapped by wrap.
func runWithJournal(w *world, wrap func(broker.Journal) broker.Journal, args ...string) result {
	var out, errb strings.Builder
	c := &cli{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, env: w.env,
		isTerminal: func(any) bool { return false }, journalWrap: wrap}
	code := c.run(context.Background(), args)
	return result{code: code, stdout: out.String(), stderr: errb.String()}
}

func adv6Journals(t *testing.T, dir string) []string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, "*.journal"))
	return m
}

// TestAdv6JournalOutcomeWriteFails: the disk fills up after a renewal's
// intent is on disk; the renewal succeeds at the cloud, but its outcome
// cannot be journaled.
//
// Was (medium): the run said nothing of it (exit 0, "0 in doubt") while
// its journal held the item in doubt: broker/journal.go only logged the
// failed write, to a logger the CLI discards without -v. Fixed:
// Item.JournalErr, reported by the CLI with exit 1.
//
// What holds too: the next renew --expiring-within does not renew the
// certificate again; it skips it as in doubt in that run.
func TestAdv6JournalOutcomeWriteFails(t *testing.T) {
	t.Parallel()
	w := newWorld(t, false)
	state := t.TempDir()
	w.vars["XDG_STATE_HOME"] = state
	dir := filepath.Join(state, "certbroker")
	ref := "alibaba:" + w.ali.Seed(provider.StateExpiring)
	first := runWithJournal(w, func(j broker.Journal) broker.Journal { return fullDisk{Journal: j, outcomes: true} },
		"renew", "--config", w.cfgPath, "--expiring-within", "30d", "--output", "json", "--yes", "alibaba")
	if len(w.ali.Renewals()) != 1 {
		t.Fatalf("%d renewals, want 1\n%s", len(w.ali.Renewals()), first.stderr)
	}
	if first.code != exitFailed {
		t.Errorf("first run: exit %d, want %d (an outcome could not be journaled)", first.code, exitFailed)
	}
	mustContain(t, first.stderr, "journal: the outcome of 1 item could not be written", ref, "no space left on device",
		"holds it in doubt")
	js := adv6Journals(t, dir)
	if len(js) != 1 {
		t.Fatalf("journals %v", js)
	}
	if s, err := journal.Summarize(js[0]); err != nil || s.InDoubt != 1 || s.Done != 0 {
		t.Fatalf("journal: %+v, %v; want the outcome missing", s, err)
	}

	r := w.run(t, "", terminals{}, "renew", "--config", w.cfgPath, "--expiring-within", "30d", "--output", "json", "alibaba")
	plans, outs := parsePlanOutput(t, r.stdout)
	if len(w.ali.Renewals()) != 1 || len(outs) != 0 || len(plans) != 1 || plans[0].Plan != "skip" || !strings.Contains(plans[0].Reason, "in doubt") {
		t.Errorf("second run: exit %d, %d renewals (want 1), plan %+v, outcomes %+v\n%s", r.code, len(w.ali.Renewals()), plans, outs, r.stderr)
	}
}

// TestAdv6JournalIntentWriteFails: the disk is full before the intent: a
// renewal goes out only once its intent is on disk, so nothing is sent,
// the run says so and does not exit 0, and the next run (disk free)
// renews exactly once. Both for renew --expiring-within and renew REF.
func TestAdv6JournalIntentWriteFails(t *testing.T) {
	t.Parallel()
	for _, form := range []string{"expiring", "ref"} {
		t.Run(form, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, false)
			w.vars["XDG_STATE_HOME"] = t.TempDir()
			ref := "alibaba:" + w.ali.Seed(provider.StateExpiring)
			args := []string{"renew", "--config", w.cfgPath, "--output", "json", "--yes"}
			if form == "expiring" {
				args = append(args, "--expiring-within", "30d", "alibaba")
			} else {
				args = append(args, ref)
			}
			first := runWithJournal(w, func(j broker.Journal) broker.Journal { return fullDisk{Journal: j, intents: true} }, args...)
			if n := len(w.ali.Renewals()); n != 0 || first.code == exitOK {
				t.Fatalf("intent not recorded: %d renewals, exit %d; want none sent and a failure\n%s", n, first.code, first.stderr)
			}
			if !strings.Contains(first.stdout+first.stderr, "intent could not be recorded") {
				t.Errorf("the failure is not explained:\nstdout:\n%s\nstderr:\n%s", first.stdout, first.stderr)
			}
			r := w.run(t, "", terminals{}, args...)
			if r.code != exitOK || len(w.ali.Renewals()) != 1 {
				t.Errorf("next run: exit %d, %d renewals; want 0, 1\n%s", r.code, len(w.ali.Renewals()), r.stderr)
			}
		})
	}
}
