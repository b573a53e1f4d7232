package journal_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/journal"
	"github.com/certbroker/certbroker/provider"
)

var testRun = broker.JournalRun{Op: provider.OpRenew, Inputs: "in", Refs: "digest", Count: 3, Fingerprint: "fp"}

func ref(id string) provider.Ref { return provider.Ref{Origin: "alibaba", ID: id} }

func open(t *testing.T, path string) *journal.File {
	t.Helper()
	j, err := journal.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return j
}

// write makes a journal with one settled item (1), one in doubt (2), and
// one withdrawn (3).
func write(t *testing.T, path string) {
	t.Helper()
	j := open(t, path)
	prev, entries, err := j.Begin(testRun)
	if err != nil || prev != nil || len(entries) != 0 {
		t.Fatalf("Begin of a new journal: %v %v %v", prev, entries, err)
	}
	must(t, j.Intent(0, ref("1")))
	must(t, j.Outcome(0, ref("1"), broker.JournalOutcome{OK: true, NewID: "new-1", Attempts: 1}))
	must(t, j.Intent(1, ref("2")))
	must(t, j.Intent(2, ref("3")))
	must(t, j.Unsent(2, ref("3")))
	must(t, j.Close())
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "sub", "run.journal")
	write(t, path)
	j := open(t, path)
	prev, entries, err := j.Begin(testRun)
	if err != nil || prev == nil || *prev != testRun {
		t.Fatalf("Begin: %+v, %v; want the recorded run", prev, err)
	}
	if e := entries[ref("1")]; e.Outcome == nil || e.Outcome.NewID != "new-1" {
		t.Errorf("entry 1 = %+v, want its outcome", e)
	}
	if e := entries[ref("2")]; !e.Intent || e.Outcome != nil {
		t.Errorf("entry 2 = %+v, want an intent without outcome", e)
	}
	if e := entries[ref("3")]; e.Intent || e.Outcome != nil {
		t.Errorf("entry 3 = %+v, want withdrawn", e)
	}
	s, err := journal.Summarize(path)
	if err != nil || s.Done != 1 || s.OK != 1 || s.InDoubt != 1 || s.Run.Count != 3 || s.Torn {
		t.Errorf("Summarize = %+v, %v", s, err)
	}
	// Readable with ordinary tools: every line is "CRC JSON".
	data, _ := os.ReadFile(path)
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		crc, body, ok := strings.Cut(line, " ")
		if !ok || len(crc) != 8 || !strings.HasPrefix(body, `{"t":"`) {
			t.Errorf("line %q is not CRC + JSON", line)
		}
	}
}

func TestTornLastRecordIsIgnoredAndCut(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		tear func(data []byte) []byte
	}{
		// Intent of 4, cut mid-line.
		{"no newline", func(d []byte) []byte { return append(d, []byte(`1234abcd {"t":"intent","i":3,"ref":"alib`)...) }},
		// A whole line whose checksum does not match.
		{"bad checksum", func(d []byte) []byte {
			return append(d, []byte("00000000 {\"t\":\"intent\",\"i\":3,\"ref\":\"alibaba:4\"}\n")...)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "run.journal")
			write(t, path)
			good, _ := os.ReadFile(path)
			must(t, os.WriteFile(path, tc.tear(good), 0o600))
			if s, err := journal.Summarize(path); err != nil || !s.Torn || s.InDoubt != 1 {
				t.Fatalf("Summarize of a torn journal = %+v, %v; want torn, 1 in doubt", s, err)
			}
			j := open(t, path)
			_, entries, err := j.Begin(testRun)
			must(t, err)
			if _, ok := entries[ref("4")]; ok {
				t.Fatal("the torn record was read")
			}
			// The next record starts on its own line, after the cut.
			must(t, j.Intent(3, ref("4")))
			must(t, j.Close())
			j2 := open(t, path)
			_, entries, err = j2.Begin(testRun)
			must(t, err)
			if !entries[ref("4")].Intent || entries[ref("1")].Outcome == nil {
				t.Fatalf("after appending past a torn record: %+v", entries)
			}
		})
	}
}

func TestDamageBeforeTheLastRecordIsRefused(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "run.journal")
	write(t, path)
	data, _ := os.ReadFile(path)
	lines := strings.SplitAfter(string(data), "\n")
	lines[1] = strings.Replace(lines[1], `"i":0`, `"i":7`, 1) // checksum no longer matches
	must(t, os.WriteFile(path, []byte(strings.Join(lines, "")), 0o600))
	j := open(t, path)
	if _, _, err := j.Begin(testRun); err == nil || !strings.Contains(err.Error(), "line 2 is damaged") {
		t.Fatalf("Begin of a damaged journal: %v; want a refusal naming line 2", err)
	}
}

func TestReadOnlyDirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	must(t, os.Chmod(dir, 0o500))
	t.Cleanup(func() { os.Chmod(dir, 0o700) })
	if os.Geteuid() == 0 {
		// Root writes through permissions; sysfs refuses new files even
		// to root.
		if _, err := os.Stat("/sys/kernel"); err != nil {
			t.Skip("running as root without /sys: no read-only directory to try")
		}
		dir = "/sys/kernel/certbroker-test"
	}
	_, err := journal.Open(filepath.Join(dir, "run.journal"))
	if !errors.Is(err, fs.ErrPermission) || !strings.Contains(err.Error(), "journal") {
		t.Fatalf("Open in a read-only directory: %v; want a journal error, permission denied", err)
	}
}

func TestOneProcessAtATime(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("no flock here")
	}
	path := filepath.Join(t.TempDir(), "run.journal")
	j := open(t, path)
	// A second open file description is refused while the first holds it.
	if _, err := journal.Open(path); err == nil || !strings.Contains(err.Error(), "in use by another process") {
		t.Fatalf("second Open: %v; want in use", err)
	}
	must(t, j.Close())
	j2, err := journal.Open(path)
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	j2.Close()
}

func TestNotARegularFile(t *testing.T) {
	t.Parallel()
	if _, err := journal.Open(os.DevNull); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("Open(%s): %v; want a refusal", os.DevNull, err)
	}
}

func TestConcurrentIntentsAllDurable(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "run.journal")
	j := open(t, path)
	run := testRun
	run.Count = 400
	_, _, err := j.Begin(run)
	must(t, err)
	var wg sync.WaitGroup
	for i := range 400 {
		wg.Go(func() {
			r := ref(string(rune('a'+i%26)) + strings.Repeat("x", i/26))
			if err := j.Intent(i, r); err != nil {
				t.Error(err)
			}
			if err := j.Outcome(i, r, broker.JournalOutcome{OK: true}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	must(t, j.Close())
	s, err := journal.Summarize(path)
	if err != nil || s.Done != 400 || s.InDoubt != 0 {
		t.Fatalf("Summarize = %+v, %v; want 400 done", s, err)
	}
}
