//go:build linux || darwin || freebsd

package journal_test

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/certbroker/certbroker/journal"
)

// TestReadFIFO: a FIFO where a journal is looked for is refused at once;
// opening it to read would wait for a writer.
func TestReadFIFO(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "fifo.journal")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("no FIFO here: %v", err)
	}
	done := make(chan error, 1)
	go func() {
		_, _, err := journal.Read(path)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("Read of a FIFO: %v; want not a regular file", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Read of a FIFO is still waiting after 10s") // the goroutine stays blocked; the test binary ends
	}
}
