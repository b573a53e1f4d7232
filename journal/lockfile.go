package journal

import (
	"fmt"
	"os"
	"path/filepath"
)

// Lock takes the exclusive lock of the file at path, creating it (mode
// 0600, and its directory, mode 0700) when it does not exist, and holds it
// until release is called or the process ends. It does not wait: when
// another process holds the lock, it fails at once with an error that
// wraps [ErrInUse]. The CLI uses it so that two runs that must not
// overlap (renew --expiring-within) cannot. On systems without flock it
// locks nothing, as [Open] does not.
func Lock(path string) (release func() error, err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("lock directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock: %w", err)
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("lock: %s is not a regular file", path)
	}
	if err := lock(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return f.Close, nil
}
