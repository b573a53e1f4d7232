package broker_test

import (
	"context"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

// These attacks held; they are kept as regression tests.

// TestAdvHoldRefSpellingsAreDistinct: refs that differ in case or
// whitespace are different refs: none is marked a duplicate of another.
func TestAdvHoldRefSpellingsAreDistinct(t *testing.T) {
	b, _ := fastBroker(t)
	f := providertest.NewFake()
	register(t, b, "cloud", f)
	id := f.Seed(provider.StateIssued)
	refs := []provider.Ref{{Origin: "cloud", ID: id}, {Origin: "cloud", ID: " " + id}, {Origin: "cloud", ID: id + " "},
		{Origin: "Cloud", ID: id}, {Origin: "cloud", ID: "FAKE-" + id[5:]}, {Origin: "cloud", ID: id}}
	items, _ := advDo(b, context.Background(), provider.OpStatus, refs, broker.BulkOptions{})
	for i, it := range items[:5] {
		if it.Duplicate {
			t.Errorf("item %d (%q) marked duplicate of %d", i, it.Ref, it.DuplicateOf)
		}
	}
	if !items[5].Duplicate || items[5].DuplicateOf != 0 {
		t.Errorf("item 5: %+v", items[5])
	}
	if n := f.CallCount(); n != 1 {
		t.Errorf("%d calls, want 1", n)
	}
}

// TestAdvHoldStreamFarDuplicates: a Stream of 30,000 refs where every
// ref recurs 10,000 items later: each distinct ref is sent once, the far
// repeats carry the first outcome or, once it is forgotten, fail
// invalid_argument (not sent); the order is kept.
func TestAdvHoldStreamFarDuplicates(t *testing.T) {
	b, _ := fastBroker(t, broker.WithConcurrency(64))
	const n = 10000
	seq := func(yield func(provider.Ref) bool) {
		for i := range 3 * n {
			if !yield(provider.Ref{Origin: "null", ID: "id-" + itoa(i%n)}) {
				return
			}
		}
	}
	var calls atomic.Int64
	register(t, b, "null", countingNull{&calls})
	next := 0
	err := advStream(b, context.Background(), provider.OpRenew, seq, broker.BulkOptions{}, func(it broker.Item) {
		if it.Index != next {
			t.Fatalf("emitted %d, want %d", it.Index, next)
		}
		next++
		if it.Index >= n && (!it.Duplicate || it.DuplicateOf != it.Index%n ||
			(it.Err != nil && provider.KindOf(it.Err) != provider.KindInvalidArgument)) {
			t.Fatalf("item %d: %+v", it.Index, it)
		}
	})
	if next != 3*n || calls.Load() != n {
		t.Errorf("%d emitted, %d renew calls (err %v)", next, calls.Load(), err)
	}
}

type countingNull struct{ n *atomic.Int64 }

func (c countingNull) Capabilities() provider.Capabilities { return nullProvider{}.Capabilities() }
func (c countingNull) Cancel(ctx context.Context, r provider.CancelRequest) (*provider.Result, error) {
	return nullProvider{}.Cancel(ctx, r)
}
func (c countingNull) Revoke(ctx context.Context, r provider.RevokeRequest) (*provider.Result, error) {
	return nullProvider{}.Revoke(ctx, r)
}
func (c countingNull) Delete(ctx context.Context, r provider.DeleteRequest) (*provider.Result, error) {
	return nullProvider{}.Delete(ctx, r)
}
func (c countingNull) Renew(ctx context.Context, r provider.RenewRequest) (*provider.Result, error) {
	c.n.Add(1)
	return nullProvider{}.Renew(ctx, r)
}
func (c countingNull) Status(ctx context.Context, r provider.StatusRequest) (*provider.Result, error) {
	return nullProvider{}.Status(ctx, r)
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

// TestAdvHoldSlowEmitAndCancel: emit sleeps 20ms per item and the context
// is cancelled mid-run: Stream returns, every item is emitted once in
// order, the rest are canceled, no goroutine is left.
func TestAdvHoldSlowEmitAndCancel(t *testing.T) {
	b, _ := fastBroker(t, broker.WithConcurrency(4))
	f := providertest.NewFake()
	register(t, b, "cloud", f)
	var refs []provider.Ref
	for range 200 {
		refs = append(refs, provider.Ref{Origin: "cloud", ID: f.Seed(provider.StateIssued)})
	}
	base := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	next, canceled := 0, 0
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = advStream(b, ctx, provider.OpStatus, slices.Values(refs), broker.BulkOptions{}, func(it broker.Item) {
			if it.Index != next {
				t.Errorf("emitted %d, want %d", it.Index, next)
			}
			next++
			if provider.KindOf(it.Err) == provider.KindCanceled {
				canceled++
			}
			if next < 10 {
				time.Sleep(20 * time.Millisecond)
			}
		})
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Stream hung")
	}
	if next != len(refs) || canceled == 0 {
		t.Errorf("%d emitted, %d canceled", next, canceled)
	}
	waitGoroutines(t, base)
}

// TestAdvHoldUnknownOp: an unknown op fails the whole call and sends
// nothing.
func TestAdvHoldUnknownOp(t *testing.T) {
	b, _ := fastBroker(t)
	f := providertest.NewFake()
	register(t, b, "cloud", f)
	items, err := advDo(b, context.Background(), provider.Op("purge"), []provider.Ref{{Origin: "cloud", ID: "fake-1"}}, broker.BulkOptions{})
	if items != nil || provider.KindOf(err) != provider.KindInvalidArgument || f.CallCount() != 0 {
		t.Errorf("items %v err %v calls %d", items, err, f.CallCount())
	}
}

// TestAdvHoldIteratorIgnoresStop: an iterator that keeps yielding after
// yield returned false (after emit panicked): the run does not crash the
// process and raises a panic on the caller's goroutine.
// (The value raised is the runtime's "continued iteration" error, not
// emit's panic, which is lost; the iterator is at fault.)
func TestAdvHoldIteratorIgnoresStop(t *testing.T) {
	b, _ := fastBroker(t, broker.WithConcurrency(2))
	f := providertest.NewFake()
	register(t, b, "cloud", f)
	id := f.Seed(provider.StateIssued)
	seq := func(yield func(provider.Ref) bool) {
		for range 1000 {
			yield(provider.Ref{Origin: "cloud", ID: id}) // ignores false
		}
	}
	var got any
	func() {
		defer func() { got = recover() }()
		_ = advStream(b, context.Background(), provider.OpStatus, seq, broker.BulkOptions{}, func(it broker.Item) {
			if it.Index == 3 {
				panic("emit boom")
			}
		})
	}()
	if got == nil {
		t.Fatal("no panic raised")
	}
	t.Logf("raised: %v", got)
}

// panicMW is middleware whose wrapper panics on every Revoke.
type panicMW struct{ provider.Provider }

func (panicMW) Revoke(context.Context, provider.RevokeRequest) (*provider.Result, error) {
	panic("middleware boom")
}

// TestAdvHoldObserverAndMiddlewarePanics: an observer that panics on
// every attempt and middleware that panics on every Revoke: the process
// survives, each Revoke is called once and settled by a state read
// (issued: not applied, so unavailable), the Status calls succeed, the
// origin's single slot is not leaked, no goroutine leaks.
func TestAdvHoldObserverAndMiddlewarePanics(t *testing.T) {
	b, _ := fastBroker(t, broker.WithConcurrency(8),
		broker.WithObserver(func(broker.Attempt) { panic("observer boom") }),
		broker.WithMiddleware(func(_ string, p provider.Provider) provider.Provider { return panicMW{p} }))
	f := providertest.NewFake()
	register(t, b, "cloud", f, broker.WithOriginConcurrency(1))
	var refs []provider.Ref
	for range 20 {
		refs = append(refs, provider.Ref{Origin: "cloud", ID: f.Seed(provider.StateIssued)})
	}
	base := runtime.NumGoroutine()
	items, _ := advDo(b, context.Background(), provider.OpRevoke, refs, broker.BulkOptions{})
	for _, it := range items {
		if it.Err == nil || it.Attempts != 1 {
			t.Fatalf("item %+v", it)
		}
		if k := provider.KindOf(it.Err); k != provider.KindUnavailable && k != provider.KindOutcomeUnknown {
			t.Errorf("kind %v", k)
		}
	}
	if _, err := advDo(b, context.Background(), provider.OpStatus, refs, broker.BulkOptions{}); err != nil {
		t.Fatal(err)
	}
	waitGoroutines(t, base)
}
