package reqlog

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"sync"
	"testing"
)

type entry struct {
	name string
	done bool
	tags []string
}

func TestAppendUpdateSnapshot(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		appends []string
		update  []int // indexes marked done
		want    []entry
	}{
		{name: "empty", want: nil},
		{name: "one", appends: []string{"a"}, want: []entry{{name: "a"}}},
		{name: "update first of three", appends: []string{"a", "b", "c"}, update: []int{0},
			want: []entry{{name: "a", done: true}, {name: "b"}, {name: "c"}}},
		{name: "update all", appends: []string{"a", "b"}, update: []int{1, 0},
			want: []entry{{name: "a", done: true}, {name: "b", done: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var l Log[entry]
			for i, n := range tt.appends {
				if got := l.Append(entry{name: n}); got != i {
					t.Fatalf("Append #%d returned index %d", i, got)
				}
			}
			for _, i := range tt.update {
				l.Update(i, func(e *entry) { e.done = true })
			}
			if got := l.Snapshot(); !slices.EqualFunc(got, tt.want, sameEntry) {
				t.Errorf("Snapshot() = %+v, want %+v", got, tt.want)
			}
			if got := l.Len(); got != len(tt.want) {
				t.Errorf("Len() = %d, want %d", got, len(tt.want))
			}
			for i, w := range tt.want {
				if got := l.At(i); !sameEntry(got, w) {
					t.Errorf("At(%d) = %+v, want %+v", i, got, w)
				}
			}
		})
	}
}

func sameEntry(a, b entry) bool { return a.name == b.name && a.done == b.done }

func TestSnapshotIsACopy(t *testing.T) {
	t.Parallel()
	var l Log[entry]
	l.Append(entry{name: "a"})
	snap := l.Snapshot()
	snap[0].name = "changed"
	if got := l.At(0).name; got != "a" {
		t.Errorf("changing the snapshot changed the log: entry 0 is %q", got)
	}
	l.Append(entry{name: "b"})
	if len(snap) != 1 {
		t.Errorf("an earlier snapshot grew to %d entries", len(snap))
	}
}

func TestOutOfRangePanics(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		call func(*Log[entry])
	}{
		{"Update", func(l *Log[entry]) { l.Update(1, func(*entry) {}) }},
		{"At", func(l *Log[entry]) { l.At(1) }},
		{"Update negative", func(l *Log[entry]) { l.Update(-1, func(*entry) {}) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var l Log[entry]
			l.Append(entry{})
			defer func() {
				if recover() == nil {
					t.Errorf("%s out of range did not panic", tt.name)
				}
			}()
			tt.call(&l)
		})
	}
}

func TestWaitReturnsAtOnce(t *testing.T) {
	t.Parallel()
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name    string
		have    int
		n       int
		ctx     context.Context
		wantErr error
	}{
		{name: "zero on empty", n: 0, ctx: context.Background()},
		{name: "negative", n: -1, ctx: context.Background()},
		{name: "exactly enough", have: 3, n: 3, ctx: context.Background()},
		{name: "more than enough", have: 3, n: 2, ctx: context.Background()},
		{name: "enough beats a done context", have: 1, n: 1, ctx: canceled},
		{name: "done context, too few", have: 1, n: 2, ctx: canceled, wantErr: context.Canceled},
		{name: "done context, empty", n: 1, ctx: canceled, wantErr: context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var l Log[entry]
			for range tt.have {
				l.Append(entry{})
			}
			if err := l.Wait(tt.ctx, tt.n); !errors.Is(err, tt.wantErr) {
				t.Errorf("Wait(%d) with %d entries = %v, want %v", tt.n, tt.have, err, tt.wantErr)
			}
		})
	}
}

// waiting blocks until some Wait has registered on l, so that the test
// knows the next Append is what wakes it.
func waiting(l *Log[entry]) {
	for {
		l.mu.Lock()
		ok := l.changed != nil
		l.mu.Unlock()
		if ok {
			return
		}
		runtime.Gosched()
	}
}

func TestWaitWakesOnAppend(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		n       int
		appends int
	}{
		{name: "one", n: 1, appends: 1},
		{name: "three, one at a time", n: 3, appends: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var l Log[entry]
			done := make(chan error, 1)
			go func() { done <- l.Wait(t.Context(), tt.n) }()
			for i := range tt.appends {
				waiting(&l)
				select {
				case err := <-done:
					t.Fatalf("Wait(%d) returned %v with %d entries", tt.n, err, i)
				default:
				}
				l.Append(entry{})
			}
			if err := <-done; err != nil {
				t.Errorf("Wait(%d) = %v after %d appends", tt.n, err, tt.appends)
			}
		})
	}
}

func TestWaitEndsWithContext(t *testing.T) {
	t.Parallel()
	var l Log[entry]
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- l.Wait(ctx, 1) }()
	waiting(&l)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Wait after cancel = %v, want context.Canceled", err)
	}
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	const writers, each = 8, 200
	var l Log[entry]
	var wg sync.WaitGroup
	waited := make(chan error, 1)
	go func() { waited <- l.Wait(t.Context(), writers*each) }()
	for range writers {
		wg.Go(func() {
			for range each {
				i := l.Append(entry{name: "x"})
				l.Update(i, func(e *entry) { e.done = true; e.tags = append(e.tags, "t") })
				_ = l.Snapshot()
				_ = l.Len()
			}
		})
	}
	wg.Wait()
	if err := <-waited; err != nil {
		t.Fatalf("Wait = %v", err)
	}
	snap := l.Snapshot()
	if len(snap) != writers*each {
		t.Fatalf("%d entries, want %d", len(snap), writers*each)
	}
	for i, e := range snap {
		if !e.done || len(e.tags) != 1 {
			t.Fatalf("entry %d = %+v: an update was lost or applied twice", i, e)
		}
	}
}
