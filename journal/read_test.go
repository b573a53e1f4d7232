package journal_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/journal"
)

// unchanged fails unless the file at path still holds want.
func unchanged(t *testing.T, path string, want []byte) {
	t.Helper()
	if got, err := os.ReadFile(path); err != nil || string(got) != string(want) {
		t.Errorf("Read changed the file: %v\nbefore %q\nafter  %q", err, want, got)
	}
}

// TestReadReturnsRunAndEntries: Read returns the run, its start and the
// entries Begin would return, with the counts of Summarize, and leaves the
// file as it was.
func TestReadReturnsRunAndEntries(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "run.journal")
	before := time.Now().UTC().Truncate(time.Second)
	write(t, path)
	data, _ := os.ReadFile(path)
	s, entries, err := journal.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if s.Path != path || s.Run != testRun || s.Done != 1 || s.OK != 1 || s.InDoubt != 1 || s.Torn {
		t.Errorf("summary %+v; want the run, 1 done, 1 ok, 1 in doubt", s)
	}
	if s.Started.Before(before) || s.Started.After(time.Now()) {
		t.Errorf("Started %v, want the run record's time (from %v)", s.Started, before)
	}
	if e := entries[ref("1")]; !e.Intent || e.Outcome == nil || !e.Outcome.OK || e.Outcome.NewID != "new-1" || e.IntentAt.IsZero() {
		t.Errorf("entry 1 = %+v, want its intent (with its time) and outcome", e)
	}
	if e := entries[ref("2")]; !e.Intent || e.Outcome != nil || e.IntentAt.IsZero() {
		t.Errorf("entry 2 = %+v, want an intent without outcome", e)
	}
	if e := entries[ref("3")]; e.Intent || e.Outcome != nil {
		t.Errorf("entry 3 = %+v, want withdrawn", e)
	}
	if len(entries) != 3 {
		t.Errorf("%d entries, want 3: %+v", len(entries), entries)
	}
	unchanged(t, path, data)
	if sum, err := journal.Summarize(path); err != nil || sum != s {
		t.Errorf("Summarize = %+v, %v; want Read's summary %+v", sum, err, s)
	}
}

// TestReadTornLastLine: a torn last record is left out and left in place
// (Begin's first append cuts it; Read never writes).
func TestReadTornLastLine(t *testing.T) {
	t.Parallel()
	for name, tail := range map[string]string{
		"no newline":   `1234abcd {"t":"outcome","i":1,"ref":"alibaba:2","out":{"ok":tr`,
		"bad checksum": "00000000 {\"t\":\"outcome\",\"i\":1,\"ref\":\"alibaba:2\",\"out\":{\"ok\":true}}\n",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "run.journal")
			write(t, path)
			good, _ := os.ReadFile(path)
			data := append(good, tail...)
			must(t, os.WriteFile(path, data, 0o600))
			s, entries, err := journal.Read(path)
			if err != nil || !s.Torn || s.InDoubt != 1 || s.Done != 1 {
				t.Fatalf("Read of a torn journal = %+v, %v; want torn, 1 done, 1 in doubt", s, err)
			}
			if e := entries[ref("2")]; e.Outcome != nil || !e.Intent {
				t.Errorf("entry 2 = %+v: the torn outcome was read", e)
			}
			unchanged(t, path, data)
		})
	}
}

// TestReadNotAJournal: what is not a journal is an error naming the file
// and left as it is; a file without a run record (nothing was sent under
// it) is ErrNoRun, and only that.
func TestReadNotAJournal(t *testing.T) {
	t.Parallel()
	good := filepath.Join(t.TempDir(), "good.journal")
	write(t, good)
	goodData, _ := os.ReadFile(good)
	lines := strings.SplitAfter(string(goodData), "\n")
	for _, tc := range []struct {
		name, content string
		noRun         bool
		want          string
	}{
		{name: "empty", noRun: true},
		{name: "torn run record", content: `fde38192 {"t":"run","v":1,"run":{"op":"ren`, noRun: true},
		{name: "one foreign line", content: "alibaba:10000100001\n", want: "not a certbroker journal"},
		{name: "one foreign line, no newline", content: "alibaba:10000100001", want: "not a certbroker journal"},
		{name: "foreign lines", content: "hello\nworld\n", want: "line 1 is damaged"},
		{name: "records without a run record", content: strings.Join(lines[1:], ""), want: "no run record"},
		{name: "damaged before the last line", content: lines[0] + strings.Replace(lines[1], `"i":0`, `"i":9`, 1) + strings.Join(lines[2:], ""),
			want: "line 2 is damaged"},
		{name: "binary", content: "\x00\x01\x02\xff\n\x00", want: "damaged"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "x.journal")
			must(t, os.WriteFile(path, []byte(tc.content), 0o600))
			_, entries, err := journal.Read(path)
			switch {
			case err == nil:
				t.Fatalf("Read accepted %q: %v", tc.content, entries)
			case errors.Is(err, journal.ErrNoRun) != tc.noRun:
				t.Errorf("Read: %v; ErrNoRun %v, want %v", err, errors.Is(err, journal.ErrNoRun), tc.noRun)
			case !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.want):
				t.Errorf("Read: %v; want it to name %s and say %q", err, path, tc.want)
			}
			unchanged(t, path, []byte(tc.content))
		})
	}
	t.Run("missing", func(t *testing.T) {
		t.Parallel()
		if _, _, err := journal.Read(filepath.Join(t.TempDir(), "none.journal")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Read of a missing file: %v, want not exist", err)
		}
	})
	t.Run("directory", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		if _, _, err := journal.Read(dir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("Read of a directory: %v, want not a regular file", err)
		}
	})
}

// TestReadWhileHeldByAnotherRun: a run in progress holds its journal
// (Open locks it); Read needs no lock, sees the run as far as it is
// written, and leaves the lock with its holder.
func TestReadWhileHeldByAnotherRun(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "run.journal")
	j := open(t, path)
	_, _, err := j.Begin(testRun)
	must(t, err)
	must(t, j.Intent(0, ref("1")))
	s, entries, err := journal.Read(path)
	if err != nil || s.InDoubt != 1 || s.Done != 0 || !entries[ref("1")].Intent {
		t.Fatalf("Read of a held journal = %+v, %v, %v; want its intent, in doubt", s, entries, err)
	}
	// An outcome is written at once (fsynced later): a reader sees it.
	must(t, j.Outcome(0, ref("1"), broker.JournalOutcome{OK: true, NewID: "new-1"}))
	s, entries, err = journal.Read(path)
	if err != nil || s.OK != 1 || s.InDoubt != 0 || entries[ref("1")].Outcome == nil {
		t.Fatalf("Read after the outcome = %+v, %v, %v; want 1 ok", s, entries, err)
	}
	if runtime.GOOS != "windows" && runtime.GOOS != "plan9" {
		if _, err := journal.Open(path); err == nil || !strings.Contains(err.Error(), "in use by another process") {
			t.Errorf("Open after Read: %v; want the holder to keep its lock", err)
		}
	}
	// The holder goes on writing.
	must(t, j.Intent(1, ref("2")))
	must(t, j.Close())
	if s, _, err := journal.Read(path); err != nil || s.InDoubt != 1 || s.OK != 1 {
		t.Errorf("Read after Close = %+v, %v", s, err)
	}
}

// TestReadDuringWrites: reads while a run appends never fail, and never
// go back: a record being appended reads as a torn last line.
func TestReadDuringWrites(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "run.journal")
	j := open(t, path)
	run := testRun
	run.Count = 300
	_, _, err := j.Begin(run)
	must(t, err)
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for i := range 300 {
			r := ref(strings.Repeat("x", 1+i%50) + string(rune('a'+i%26)) + strings.Repeat("y", i/26))
			if err := j.Intent(i, r); err != nil {
				t.Error(err)
				return
			}
			if err := j.Outcome(i, r, broker.JournalOutcome{OK: true, NewID: "n"}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	last, reads := 0, 0
	for stop := false; !stop; reads++ {
		select {
		case <-finished:
			stop = true // one more read, of the whole file
		default:
		}
		s, _, err := journal.Read(path)
		if err != nil {
			t.Fatalf("Read during writes (read %d): %v", reads, err)
		}
		if n := s.OK + s.InDoubt; n < last {
			t.Fatalf("Read went back: %d items seen, %d before", n, last)
		} else {
			last = n
		}
		if stop && (s.OK != 300 || s.Torn) {
			t.Errorf("after the writes: %+v; want 300 ok, nothing torn", s)
		}
	}
	t.Logf("%d reads during the writes", reads)
}
