package broker_test

import (
	"bytes"
	"context"
	"log/slog"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

// panicky is a Fake whose every operation panics for one ID.
type panicky struct {
	*providertest.Fake
	bad string
}

func (p panicky) check(id string) {
	if id == p.bad {
		panic("boom on " + id)
	}
}

func (p panicky) Revoke(ctx context.Context, r provider.RevokeRequest) (*provider.Result, error) {
	p.check(r.ID)
	return p.Fake.Revoke(ctx, r)
}

func (p panicky) Status(ctx context.Context, r provider.StatusRequest) (*provider.Result, error) {
	p.check(r.ID)
	return p.Fake.Status(ctx, r)
}

// syncBuffer is a bytes.Buffer safe for a logger used by many goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitGoroutines waits, boundedly, for the goroutine count to fall back
// to at most base, and fails the test otherwise.
func waitGoroutines(t *testing.T, base int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > base {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines, want at most %d:\n%s", runtime.NumGoroutine(), base, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestProviderPanicContained: a provider panic becomes that item's error
// (outcome_unknown for a mutating operation, other for Status), is logged
// with its stack, releases the origin's slot, and the batch goes on.
func TestProviderPanicContained(t *testing.T) {
	for _, tc := range []struct {
		op   provider.Op
		want provider.Kind
	}{{provider.OpRevoke, provider.KindOutcomeUnknown}, {provider.OpStatus, provider.KindOther}} {
		t.Run(string(tc.op), func(t *testing.T) {
			var logs syncBuffer
			b := broker.New(broker.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))), broker.WithConcurrency(4))
			f := providertest.NewFake()
			p := panicky{Fake: f}
			ids := []string{f.Seed(provider.StateIssued), f.Seed(provider.StateIssued), f.Seed(provider.StateIssued)}
			p.bad = ids[1]
			register(t, b, "cloud", p, broker.WithOriginConcurrency(1))
			refs := make([]provider.Ref, len(ids))
			for i, id := range ids {
				refs[i] = provider.Ref{Origin: "cloud", ID: id}
			}
			base := runtime.NumGoroutine()
			items, err := b.Do(context.Background(), provider.NewRequest(tc.op, "", provider.RequestInputs{}), refs, broker.BulkOptions{})
			if err == nil || items[0].Err != nil || items[2].Err != nil {
				t.Fatalf("items %+v, err %v: want only item 1 to fail", items, err)
			}
			mustKind(t, items[1].Err, tc.want)
			mustContain(t, items[1].Err.Error(), "the provider panicked: boom on "+ids[1])
			if items[1].Attempts != 1 {
				t.Errorf("the panicking provider was called %d times, want 1", items[1].Attempts)
			}
			mustContain(t, logs.String(), "provider panicked", "goroutine ", "panic_test.go")

			// The origin's only slot was released: a single call goes through.
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if _, err := b.Status(ctx, refs[0].Origin, provider.StatusRequest{ID: refs[0].ID}); err != nil {
				t.Fatalf("status after the panic: %v (slot leaked?)", err)
			}
			_, err = b.Status(ctx, refs[1].Origin, provider.StatusRequest{ID: refs[1].ID})
			mustKind(t, err, provider.KindOther)
			if _, err := b.Status(ctx, refs[2].Origin, provider.StatusRequest{ID: refs[2].ID}); err != nil {
				t.Fatalf("status after a second panic: %v (slot leaked?)", err)
			}
			waitGoroutines(t, base)
		})
	}
}

// TestCallerPanicReraised: a panic in the caller's iterator, emit or
// Progress function stops the workers and is raised again on the calling
// goroutine; no goroutine is left behind.
func TestCallerPanicReraised(t *testing.T) {
	f := providertest.NewFake()
	var refs []provider.Ref
	for range 200 {
		refs = append(refs, provider.Ref{Origin: "cloud", ID: f.Seed(provider.StateIssued)})
	}
	panicAt := func(n int) func() {
		c := 0
		var mu sync.Mutex
		return func() {
			mu.Lock()
			c++
			hit := c == n
			mu.Unlock()
			if hit {
				panic("caller boom")
			}
		}
	}
	for _, tc := range []struct {
		name string
		run  func(b *broker.Broker)
	}{
		{"iterator", func(b *broker.Broker) {
			tick := panicAt(50)
			seq := func(yield func(provider.Ref) bool) {
				for _, r := range refs {
					tick()
					if !yield(r) {
						return
					}
				}
			}
			_ = b.Stream(context.Background(), provider.StatusRequest{}, seq, broker.BulkOptions{}, func(broker.Item) {})
		}},
		{"emit", func(b *broker.Broker) {
			tick := panicAt(50)
			_ = b.Stream(context.Background(), provider.StatusRequest{}, slices.Values(refs), broker.BulkOptions{},
				func(broker.Item) { tick() })
		}},
		{"progress", func(b *broker.Broker) {
			tick := panicAt(50)
			_, _ = b.Do(context.Background(), provider.StatusRequest{}, refs, broker.BulkOptions{Progress: func(broker.Progress) { tick() }})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := broker.New(broker.WithConcurrency(8))
			register(t, b, "cloud", f)
			base := runtime.NumGoroutine()
			var got any
			func() {
				defer func() { got = recover() }()
				tc.run(b)
			}()
			if got != "caller boom" {
				t.Fatalf("recovered %v, want the caller's panic raised on the calling goroutine", got)
			}
			waitGoroutines(t, base)
		})
	}
}
