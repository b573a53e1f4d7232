//go:build linux

package journal_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/certbroker/certbroker/journal"
)

// A write cut short (disk full, EFBIG: here RLIMIT_FSIZE) leaves a
// partial record; File.appendLocked adds the partial length to written
// and the next record is appended right after it, on the same line. The
// next Intent returns nil (durable, so its request is sent), but its
// record is glued to the fragment: the line fails its CRC and, as the
// last line, is dropped as torn. A crash now, and a resume sees no
// intent for item 2 and sends it again (a second renewal); with any
// record after it, the resume is refused outright ("line N is damaged
// ... not the last"). Run in a child process: the limit is process-wide.
func TestAdv3PartialWriteDoesNotPoisonJournal(t *testing.T) {
	if os.Getenv("ADV3_CHILD") == "" {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "run.journal")
		cmd := exec.Command(os.Args[0], "-test.v", "-test.run=^TestAdv3PartialWriteDoesNotPoisonJournal$")
		cmd.Env = append(os.Environ(), "ADV3_CHILD="+path)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("child: %v\n%s", err, out)
		}
		data, _ := os.ReadFile(path)
		j := open(t, path)
		_, entries, err := j.Begin(testRun)
		if err != nil || !entries[ref("2")].Intent {
			t.Errorf("resume after a short write: err %v, entry 2 %+v; want its intent (Intent returned nil, so it was sent)\nfile %q",
				err, entries[ref("2")], data)
		}
		return
	}
	path := os.Getenv("ADV3_CHILD")
	j, err := journal.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := j.Begin(testRun); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(path)
	var old syscall.Rlimit
	must(t, syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old))
	lim := syscall.Rlimit{Cur: uint64(fi.Size()) + 10, Max: old.Max}
	must(t, syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim))
	err = j.Intent(0, ref("1")) // cut after 10 bytes
	must(t, syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old))
	if err == nil {
		t.Skip("the write was not cut short")
	}
	must(t, j.Intent(1, ref("2"))) // space again: the next intent is fine
	must(t, j.Close())
}
