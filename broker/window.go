package broker

import (
	"sync"
)

// window is the reorder buffer of a bulk run. Items finish in any order;
// the window emits them in input order and lets the dispatcher run at most
// len(buf) items ahead of the oldest one not yet emitted, which bounds
// the items in flight however long the input is.
//
// The caller's functions (emit, and Progress through the tracker) run
// under the window's lock, one at a time. If one panics, the window stops
// calling them, records the panic for run to raise again, and cancels the
// run; it keeps advancing, so that nothing waits on it.
type window struct {
	mu    sync.Mutex
	moved sync.Cond // next advanced
	buf   []Item
	full  []bool
	next  int // index of the next item to emit
	emit  func(Item)
	track *tracker

	cancel  func()
	halted  bool
	panicV  any
	hasPanc bool
	goexit  bool // one of the caller's functions called runtime.Goexit
}

func newWindow(size int, emit func(Item), track *tracker, cancel func()) *window {
	w := &window{buf: make([]Item, size), full: make([]bool, size), emit: emit, track: track, cancel: cancel}
	w.moved.L = &w.mu
	return w
}

// reserve blocks until item index fits in the window.
func (w *window) reserve(index int) {
	w.mu.Lock()
	for index >= w.next+len(w.buf) {
		w.moved.Wait()
	}
	w.mu.Unlock()
}

// complete records a finished item (the first occurrence first, when
// first is not nil: its waiting duplicates are completed with it), and
// emits every item that is now at the head of the window.
func (w *window) complete(it Item, first *firstSeen) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.put(it)
	if first != nil {
		first.done, first.outcome = true, it
		for _, idx := range first.followers {
			w.put(duplicateOf(it, idx))
		}
		first.followers = nil
	}
	w.flush()
}

// duplicate records that item index repeats the reference of first: it
// completes now if first's outcome is known, and with first otherwise.
func (w *window) duplicate(index int, first *firstSeen) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !first.done {
		first.followers = append(first.followers, index)
		return
	}
	w.put(duplicateOf(first.outcome, index))
	w.flush()
}

// duplicateOf is the item at index that repeats the reference of it.
func duplicateOf(it Item, index int) Item {
	d := Item{Index: index, Ref: it.Ref, Err: it.Err, Duplicate: true, DuplicateOf: it.Index,
		FromJournal: it.FromJournal, InDoubt: it.InDoubt, Listed: it.Listed}
	if it.Result != nil {
		r := *it.Result
		d.Result = &r
	}
	return d
}

// put stores a finished item and reports progress. w.mu is held.
func (w *window) put(it Item) {
	if !w.halted {
		w.guard(func() { w.track.finished(it) })
	}
	slot := it.Index % len(w.buf)
	w.buf[slot], w.full[slot] = it, true
}

// flush emits the items at the head of the window. w.mu is held.
func (w *window) flush() {
	moved := false
	for {
		slot := w.next % len(w.buf)
		if !w.full[slot] {
			break
		}
		head := w.buf[slot]
		w.buf[slot], w.full[slot] = Item{}, false
		w.next++
		moved = true
		if !w.halted {
			w.guard(func() { w.emit(head) })
		}
	}
	if moved {
		w.moved.Broadcast()
	}
}

// guard runs one of the caller's functions, turning a panic into a stop.
// w.mu is held.
func (w *window) guard(f func()) {
	returned := false
	defer func() {
		if r := recover(); r != nil {
			w.haltLocked(r, true)
			return
		}
		if !returned { // runtime.Goexit: raised again on the caller's goroutine
			w.haltLocked(nil, false)
			w.goexit = true
		}
	}()
	f()
	returned = true
}

// stop halts the window from outside (the dispatcher's own panic): no
// more calls of the caller's functions, and the run is cancelled.
func (w *window) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.haltLocked(nil, false)
}

func (w *window) haltLocked(v any, record bool) {
	if !w.halted {
		w.halted = true
		w.cancel()
	}
	if record && !w.hasPanc {
		w.panicV, w.hasPanc = v, true
	}
}

// stopped reports whether the window was halted.
func (w *window) stopped() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.halted
}

// goexited reports whether emit or Progress called runtime.Goexit.
func (w *window) goexited() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.goexit
}

// panicked returns the value of a panic in emit or Progress, or nil.
func (w *window) panicked() any {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.panicV
}
