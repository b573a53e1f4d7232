//go:build unix

package journal_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/certbroker/certbroker/journal"
)

func TestLock(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state", "x.lock")
	release, err := journal.Lock(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("lock file: %v %v", fi, err)
	}
	// flock locks are per open file description: a second Lock in the
	// same process conflicts, as another process would.
	if _, err := journal.Lock(path); !errors.Is(err, journal.ErrInUse) {
		t.Fatalf("second Lock: %v, want ErrInUse", err)
	}
	if err := release(); err != nil {
		t.Fatal(err)
	}
	release, err = journal.Lock(path)
	if err != nil {
		t.Fatalf("Lock after release: %v", err)
	}
	_ = release()
	if _, err := journal.Lock(filepath.Dir(path)); err == nil {
		t.Error("Lock of a directory succeeded")
	}
}
