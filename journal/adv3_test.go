package journal_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/certbroker/certbroker/journal"
)

// A file that is not a journal (one line, with or without its newline:
// a refs list with one ref, a key, a note) must be refused, not
// truncated and overwritten with a run record. Only an empty file is a
// new journal.
func TestAdv3ForeignOneLineFileIsNotOverwritten(t *testing.T) {
	t.Parallel()
	for name, content := range map[string]string{
		"no newline":   "alibaba:10000100001",
		"with newline": "alibaba:10000100001\n",
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "refs.txt")
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			j, err := journal.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			prev, _, err := j.Begin(testRun)
			j.Close()
			got, _ := os.ReadFile(path)
			if err == nil || string(got) != content {
				t.Errorf("Begin on a one-line foreign file: prev %v, err %v; file now %q, want it refused and left as %q",
					prev, err, got, content)
			}
		})
	}
}

// A crash while the run record itself was being written leaves a torn
// first line (nothing was sent yet). Resuming must start the journal
// cleanly: the records written by the resumed session must be readable
// by the next one. Begin truncates the file to 0 but keeps writing at the
// old offset (after scan read to EOF), so the run record lands after a
// hole of NUL bytes, line 1 no longer parses, and the next resume is
// refused ("line 1 is damaged ... refusing to guess").
func TestAdv3TornRunRecordThenResumeIsReadable(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "run.journal")
	// The first bytes of a run record, cut by a crash.
	if err := os.WriteFile(path, []byte(`fde38192 {"t":"run","v":1,"run":{"op":"ren`), 0o600); err != nil {
		t.Fatal(err)
	}
	j, err := journal.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := j.Begin(testRun); err != nil {
		t.Fatalf("Begin after a torn run record: %v", err)
	}
	must(t, j.Intent(0, ref("1")))
	must(t, j.Close())

	j2 := open(t, path)
	prev, entries, err := j2.Begin(testRun)
	if err != nil || prev == nil {
		data, _ := os.ReadFile(path)
		t.Fatalf("second resume: prev %v, err %v; file %q", prev, err, data)
	}
	if e := entries[ref("1")]; !e.Intent {
		t.Errorf("entry 1 = %+v, want its intent (in doubt)", e)
	}
	if _, err := journal.Summarize(path); err != nil {
		t.Errorf("Summarize: %v", err)
	}
}

// broker.Journal.Begin "must not modify a journal that holds another run:
// the broker compares the two and refuses a mismatch". File.Begin cuts a
// torn last record before the broker can compare, so a resume with the
// wrong refs or op (refused) still rewrites the other run's file.
func TestAdv3BeginLeavesAnotherRunUntouched(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "run.journal")
	write(t, path)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`8dde70db {"t":"intent","i":0,"ref":"ali`) // torn by a crash
	f.Close()
	before, _ := os.ReadFile(path)
	other := testRun
	other.Op = "revoke"
	j := open(t, path)
	prev, _, err := j.Begin(other)
	if err != nil || prev == nil || prev.Op == other.Op {
		t.Fatalf("Begin: %v %v", prev, err)
	}
	must(t, j.Close())
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Errorf("Begin of another run modified the journal:\nbefore %q\nafter  %q", before, after)
	}
}
