package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/provider"
)

var runIDLine = regexp.MustCompile(`certbroker: run (\S+) \(journal (\S+)\)`)

// runID is the run's ID printed on stderr.
func runID(t *testing.T, stderr string) (id, path string) {
	t.Helper()
	m := runIDLine.FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("no run ID on stderr:\n%s", stderr)
	}
	return m[1], m[2]
}

func TestJournalByDefaultAndResume(t *testing.T) {
	t.Parallel()
	w := newWorld(t, false)
	state := t.TempDir()
	w.vars["XDG_STATE_HOME"] = state
	a, b := "alibaba:"+w.ali.Seed(provider.StateIssued), "alibaba:"+w.ali.Seed(provider.StateIssued)
	r := w.run(t, "", terminals{}, "revoke", "--yes", "--config", w.cfgPath, "--output", "json", a, b)
	if r.code != 0 {
		t.Fatalf("revoke: exit %d\n%s", r.code, r.stderr)
	}
	id, path := runID(t, r.stderr)
	if want := filepath.Join(state, "certbroker", id+".journal"); path != want {
		t.Errorf("journal at %s, want %s", path, want)
	}
	mustContain(t, r.stderr, "0 from earlier sessions, 0 in doubt")

	// Resumed: both from the journal, nothing sent.
	before := w.ali.RequestCount()
	r = w.run(t, "", terminals{}, "revoke", "--yes", "--config", w.cfgPath, "--output", "json", "--resume", id, a, b)
	if r.code != 0 {
		t.Fatalf("resume: exit %d\n%s", r.code, r.stderr)
	}
	for _, o := range parseJSONLines(t, r.stdout) {
		if !o.OK || !o.FromJournal || o.InDoubt {
			t.Errorf("resumed item %+v: want ok, from the journal", o)
		}
	}
	if n := w.ali.RequestCount() - before; n != 0 {
		t.Errorf("the resume sent %d requests, want 0", n)
	}

	// Another set of refs is refused before anything is sent.
	r = w.run(t, "", terminals{}, "revoke", "--yes", "--config", w.cfgPath, "--resume", id, a)
	if r.code != exitUsage || w.ali.RequestCount() != before {
		t.Fatalf("resume with other refs: exit %d, %d requests\n%s", r.code, w.ali.RequestCount()-before, r.stderr)
	}
	mustContain(t, r.stderr, "journal refused", "another set of refs", "nothing was sent")
	// So is another operation.
	r = w.run(t, "", terminals{}, "delete", "--yes", "--config", w.cfgPath, "--resume", id, a, b)
	if r.code != exitUsage || w.ali.RequestCount() != before {
		t.Fatalf("resume as delete: exit %d\n%s", r.code, r.stderr)
	}
	mustContain(t, r.stderr, "it records a revoke run, not delete")

	// runs lists it with its counts.
	r = w.run(t, "", terminals{}, "runs")
	if r.code != 0 {
		t.Fatalf("runs: exit %d\n%s", r.code, r.stderr)
	}
	var row []string
	for _, l := range strings.Split(r.stdout, "\n") {
		if strings.HasPrefix(l, id) {
			row = strings.Fields(l)
		}
	}
	// RUN OP STARTED REFS DONE OK FAILED IN_DOUBT NOT_STARTED
	if len(row) != 9 || row[1] != "revoke" || strings.Join(row[3:], " ") != "2 2 2 0 0 0" {
		t.Errorf("runs row %q, want revoke with 2 refs, 2 done, 2 ok\n%s", row, r.stdout)
	}
}

func TestJournalErrors(t *testing.T) {
	t.Parallel()
	w := newWorld(t, false)
	ref := "alibaba:" + w.ali.Seed(provider.StateIssued)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown run", []string{"--resume", "nosuchrun"}, "no such run"},
		{"exclusive", []string{"--resume", "x", "--no-journal"}, "exclude each other"},
		{"dry run", []string{"--dry-run", "--journal", filepath.Join(w.dir, "j")}, "a dry run is not journaled"},
		{"not a file", []string{"--journal", os.DevNull}, "not a regular file"},
	} {
		r := w.run(t, "", terminals{}, append([]string{"revoke", "--yes", "--config", w.cfgPath, ref}, tc.args...)...)
		if r.code != exitUsage {
			t.Errorf("%s: exit %d, want %d\n%s", tc.name, r.code, exitUsage, r.stderr)
		}
		mustContain(t, r.stderr, tc.want)
	}
	if n := w.ali.RequestCount(); n != 0 {
		t.Errorf("%d requests sent, want 0", n)
	}
}

func TestJournalUnwritableStateDir(t *testing.T) {
	t.Parallel()
	w := newWorld(t, false)
	w.vars["XDG_STATE_HOME"] = unwritableDir(t)
	ref := "alibaba:" + w.ali.Seed(provider.StateIssued)
	r := w.run(t, "", terminals{}, "revoke", "--yes", "--config", w.cfgPath, ref)
	if r.code != exitUsage {
		t.Fatalf("exit %d, want %d\n%s", r.code, exitUsage, r.stderr)
	}
	mustContain(t, r.stderr, "journal", "nothing was sent")
	if n := w.ali.RequestCount(); n != 0 {
		t.Errorf("%d requests sent, want 0", n)
	}
}

// unwritableDir is a directory nobody may create files in: a read-only
// temporary directory, or, for root (who writes through permissions),
// one under sysfs.
func unwritableDir(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		dir := t.TempDir()
		if err := os.Chmod(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(dir, 0o700) })
		return dir
	}
	if _, err := os.Stat("/sys/kernel"); err != nil {
		t.Skip("running as root without /sys: no unwritable directory to try")
	}
	return "/sys/kernel/certbroker-test"
}

// mustContain fails the test unless s contains every part.
func mustContain(t *testing.T, s string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(s, p) {
			t.Errorf("%q does not contain %q", s, p)
		}
	}
}

// TestJournalCtrlCResumes interrupts a journaled revoke mid-run as Ctrl-C
// does, then resumes it: exit 130 first, then every ref revoked exactly
// once.
func TestJournalCtrlCResumes(t *testing.T) {
	t.Parallel()
	w := newWorld(t, false)
	w.vars["XDG_STATE_HOME"] = t.TempDir()
	w.ali.InjectFault(alibabatest.Fault{Kind: alibabatest.FaultLatency, Latency: 20 * time.Millisecond})
	var refs []string
	for range 20 {
		refs = append(refs, "alibaba:"+w.ali.Seed(provider.StateIssued))
	}
	args := append([]string{"revoke", "--yes", "--concurrency", "2", "--config", w.cfgPath, "--output", "json"}, refs...)
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	go func() {
		if w.ali.WaitForRequests(ctx, 4) == nil {
			cancel(interruption{os.Interrupt})
		}
	}()
	r := runCLI(t, ctx, w.env, "", terminals{}, args...)
	if r.code != 130 {
		t.Fatalf("interrupted run: exit %d, want 130\n%s", r.code, r.stderr)
	}
	id, _ := runID(t, r.stderr)
	r = w.run(t, "", terminals{}, append(args, "--resume", id)...)
	if r.code != 0 {
		t.Fatalf("resume: exit %d\n%s", r.code, r.stderr)
	}
	outs := parseJSONLines(t, r.stdout)
	if len(outs) != len(refs) {
		t.Fatalf("%d outcomes for %d refs", len(outs), len(refs))
	}
	applied := map[string]int{}
	for _, q := range w.ali.Requests() {
		if q.Action == alibabatest.ActionRevoke && q.Applied {
			applied["alibaba:"+q.ID]++
		}
	}
	for _, o := range outs {
		if !o.OK || applied[o.Ref] != 1 {
			t.Errorf("%s: ok %v, %d revokes applied; want ok, 1", o.Ref, o.OK, applied[o.Ref])
		}
	}
}
