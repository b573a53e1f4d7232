// Package reqlog is the request log shared by the cloud emulators
// (alibaba/alibabatest and huawei/huaweitest): an append-only list of
// entries, one per request received, that the handler fills in as the
// request proceeds and that tests read, count and wait on.
//
// A [Log] is safe for concurrent use and guarded by its own mutex, so
// reading it never waits for an emulator's state lock. An emulator that
// must keep its log order in step with something it draws under its own
// lock (a request ID from a seeded generator, say) calls [Log.Append]
// while holding that lock; the Log never calls out while holding its own,
// so that order of locking cannot deadlock.
package reqlog

import (
	"context"
	"slices"
	"sync"
)

// Log is an append-only, concurrency-safe log of entries of type T. The
// zero value is an empty log ready for use. A Log must not be copied after
// first use.
type Log[T any] struct {
	mu      sync.Mutex
	entries []T
	// changed is closed and cleared by Append; Wait creates it when it
	// needs one, so a log nobody waits on allocates no channels.
	changed chan struct{}
}

// Append adds v at the end of the log, wakes every [Log.Wait] and returns
// v's index, for [Log.Update] and [Log.At].
func (l *Log[T]) Append(v T) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, v)
	if l.changed != nil {
		close(l.changed)
		l.changed = nil
	}
	return len(l.entries) - 1
}

// Update calls f with a pointer to entry i, under the log's lock, so that
// readers see either none or all of f's changes. f must not use the log.
// Update panics if i is out of range, like an index expression.
func (l *Log[T]) Update(i int, f func(*T)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f(&l.entries[i])
}

// At returns a copy of entry i. It panics if i is out of range.
func (l *Log[T]) At(i int) T {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.entries[i]
}

// Snapshot returns a copy of the log, oldest first. The copy is shallow:
// slices or maps inside entries are shared with the log.
func (l *Log[T]) Snapshot() []T {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.entries)
}

// Len returns the number of entries appended so far.
func (l *Log[T]) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.entries)
}

// Wait blocks until the log holds at least n entries, or ctx is done, in
// which case it returns ctx's error. It returns nil at once when the log
// already holds n entries, even if ctx is done.
func (l *Log[T]) Wait(ctx context.Context, n int) error {
	for {
		l.mu.Lock()
		if len(l.entries) >= n {
			l.mu.Unlock()
			return nil
		}
		if l.changed == nil {
			l.changed = make(chan struct{})
		}
		ch := l.changed
		l.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
