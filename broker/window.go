package broker

import "sync"

// window is the reorder buffer of a bulk run. Items finish in any order;
// the window emits them in input order and lets the dispatcher run at most
// len(buf) items ahead of the oldest one not yet emitted, which bounds
// memory however long the input is.
type window struct {
	mu    sync.Mutex
	moved sync.Cond // next advanced
	buf   []Item
	full  []bool
	next  int // index of the next item to emit
	emit  func(Item)
	track *tracker
}

func newWindow(size int, emit func(Item), track *tracker) *window {
	w := &window{buf: make([]Item, size), full: make([]bool, size), emit: emit, track: track}
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

// complete records a finished item, reports progress, and emits every
// item that is now at the head of the window.
func (w *window) complete(it Item) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.track.finished(it)
	slot := it.Index % len(w.buf)
	w.buf[slot], w.full[slot] = it, true
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
		w.emit(head)
	}
	if moved {
		w.moved.Signal()
	}
}
