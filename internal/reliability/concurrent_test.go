package reliability

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
)

// gate holds calls until n of them are in flight at once, then lets every
// call through. It proves that the broker really runs n calls at the same
// time.
type gate struct {
	n      int
	mu     sync.Mutex
	in     int
	opened chan struct{}
}

func newGate(n int) *gate { return &gate{n: n, opened: make(chan struct{})} }

// pass waits for the gate to open, or for ctx to end.
func (g *gate) pass(ctx context.Context) error {
	g.mu.Lock()
	g.in++
	if g.in == g.n {
		close(g.opened)
	}
	g.mu.Unlock()
	select {
	case <-g.opened:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// gated is a provider behind a gate, installed with broker.WithMiddleware.
type gated struct {
	provider.Provider
	g *gate
}

func (p gated) Cancel(ctx context.Context, r provider.CancelRequest) (*provider.Result, error) {
	if err := p.g.pass(ctx); err != nil {
		return nil, &provider.Error{Kind: provider.KindCanceled, Op: provider.OpCancel, ID: r.ID, Err: err}
	}
	return p.Provider.Cancel(ctx, r)
}

func (p gated) Revoke(ctx context.Context, r provider.RevokeRequest) (*provider.Result, error) {
	if err := p.g.pass(ctx); err != nil {
		return nil, &provider.Error{Kind: provider.KindCanceled, Op: provider.OpRevoke, ID: r.ID, Err: err}
	}
	return p.Provider.Revoke(ctx, r)
}

func (p gated) Delete(ctx context.Context, r provider.DeleteRequest) (*provider.Result, error) {
	if err := p.g.pass(ctx); err != nil {
		return nil, &provider.Error{Kind: provider.KindCanceled, Op: provider.OpDelete, ID: r.ID, Err: err}
	}
	return p.Provider.Delete(ctx, r)
}

func (p gated) Renew(ctx context.Context, r provider.RenewRequest) (*provider.Result, error) {
	if err := p.g.pass(ctx); err != nil {
		return nil, &provider.Error{Kind: provider.KindCanceled, Op: provider.OpRenew, ID: r.ID, Err: err}
	}
	return p.Provider.Renew(ctx, r)
}

func (p gated) Status(ctx context.Context, r provider.StatusRequest) (*provider.Result, error) {
	if err := p.g.pass(ctx); err != nil {
		return nil, &provider.Error{Kind: provider.KindCanceled, Op: provider.OpStatus, ID: r.ID, Err: err}
	}
	return p.Provider.Status(ctx, r)
}

// TestConcurrentBatch runs a Revoke stream and a Status batch at once
// through one broker at concurrency 64 over both real adapters, without
// faults. A gate proves that 64 calls are in flight at the same moment;
// every item must succeed, be emitted in input order, and leave the
// emulators in the reported state. Under -race it also checks the
// adapters' and the broker's shared state.
func TestConcurrentBatch(t *testing.T) {
	t.Parallel()
	const width, perCloud = 64, 150
	ali, _ := newAlibaba(t, aliOptions{origin: "alibaba", pool: width})
	hw, _ := newHuawei(t, hwOptions{origin: "huawei"})
	g := newGate(width)
	br := broker.New(
		broker.WithConcurrency(width),
		broker.WithMiddleware(func(_ string, p provider.Provider) provider.Provider { return gated{p, g} }),
		// The gate holds every call until 64 are in flight, while a
		// fresh origin gets one call at a time until its credentials
		// are proved: that guard is tested elsewhere, and off here.
		broker.WithAuthFailureLimit(0),
	)
	var revokes, statuses []provider.Ref
	seeded := map[provider.Ref]provider.State{}
	for _, b := range []*backend{ali, hw} {
		if err := br.Register(b.origin, b.p, broker.WithRate(broker.Unlimited, 1)); err != nil {
			t.Fatal(err)
		}
		for i := range perCloud {
			revokes = append(revokes, provider.Ref{Origin: b.origin, ID: b.seed(provider.StateIssued)})
			st := b.states[i%len(b.states)]
			ref := provider.Ref{Origin: b.origin, ID: b.seed(st)}
			statuses = append(statuses, ref)
			seeded[ref] = st
		}
	}
	byOrigin := map[string]*backend{ali.origin: ali, hw.origin: hw}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	var emitted []broker.Item
	var streamErr, doErr error
	var statusItems []broker.Item
	wg.Go(func() {
		streamErr = br.Stream(ctx, provider.RevokeRequest{Reason: "batch"}, slices.Values(revokes), broker.BulkOptions{},
			func(it broker.Item) { emitted = append(emitted, it) })
	})
	wg.Go(func() {
		statusItems, doErr = br.Do(ctx, provider.StatusRequest{}, statuses, broker.BulkOptions{})
	})
	wg.Wait()

	select {
	case <-g.opened:
	default:
		t.Fatalf("the gate never saw %d calls in flight at once", width)
	}
	if streamErr != nil || doErr != nil {
		t.Fatalf("stream: %v; do: %v", streamErr, doErr)
	}
	if len(emitted) != len(revokes) || len(statusItems) != len(statuses) {
		t.Fatalf("%d revoke items for %d refs, %d status items for %d refs",
			len(emitted), len(revokes), len(statusItems), len(statuses))
	}
	hw.settle()
	for i, it := range emitted {
		if it.Index != i || it.Ref != revokes[i] || it.Err != nil {
			t.Fatalf("revoke item %d: index %d ref %v err %v", i, it.Index, it.Ref, it.Err)
		}
		if st, ok := byOrigin[it.Ref.Origin].state(it.Ref.ID); !ok || st != provider.StateRevoked {
			t.Errorf("%v: revoked, but the emulator says %v (exists %v)", it.Ref, st, ok)
		}
	}
	for i, it := range statusItems {
		if it.Index != i || it.Err != nil {
			t.Fatalf("status item %d: index %d err %v", i, it.Index, it.Err)
		}
		if want := reported(seeded[it.Ref]); it.Result.State != want {
			t.Errorf("%v seeded %v: status %v, want %v", it.Ref, seeded[it.Ref], it.Result.State, want)
		}
	}
}
