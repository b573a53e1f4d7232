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

// bareCaps is a Fake that declares its operations Supported with From,
// but leaves Lands and Settles unset (zero: StateUnknown), as a provider
// that does not know where an operation lands would.
type bareCaps struct{ *providertest.Fake }

func (b bareCaps) Capabilities() provider.Capabilities {
	c := b.Fake.Capabilities()
	c.Cancel.Lands, c.Cancel.Settles = provider.StateUnknown, provider.StateUnknown
	c.Revoke.Lands, c.Revoke.Settles = provider.StateUnknown, provider.StateUnknown
	return c
}

// TestAdvUnsetLandsProvesNotApplied: a Cancel whose answer was lost after
// it was applied (outcome unknown), at a provider whose Capabilities
// leave Cancel.Lands/Settles unset. The order now reads cancelled: the
// state the cancel produced. Promise 2: "not applied" only with a read
// that proves it. Actual: Capabilities.Evidence (provider/provider.go)
// returns NotApplied for every known state when Lands and Settles are
// StateUnknown ("any other known state proves it was not"), so the broker
// reports the cancel as not applied (unavailable / invalid_state) although
// it was applied. With nothing known about where the operation lands, a
// read can prove nothing (NoEvidence).
func TestAdvUnsetLandsProvesNotApplied(t *testing.T) {
	for _, attempts := range []int{1, 4} {
		b, _ := fastBroker(t, broker.WithRetry(func(p *broker.RetryPolicy) { p.MaxAttempts = attempts }))
		f := providertest.NewFake()
		register(t, b, "cloud", bareCaps{f})
		id := f.Seed(provider.StateUnderReview)
		f.InjectError(provider.OpCancel, provider.ErrOutcomeUnknown, providertest.Once(), providertest.AfterApply())
		res, err := advCancel(b, context.Background(), provider.Ref{Origin: "cloud", ID: id})
		if st, _ := f.StateOf(id); st != provider.StateCancelled {
			t.Fatalf("setup: the cancel was not applied (state %v)", st)
		}
		if err == nil {
			continue // success is allowed only with proof; it is not the failure mode here
		}
		if k := provider.KindOf(err); k != provider.KindOutcomeUnknown {
			t.Errorf("max attempts %d: an applied cancel was reported %v (%v), res %v; want outcome_unknown",
				attempts, k, err, res)
		}
	}
}

// otherIDStatus is a Fake whose Status answers about another order.
type otherIDStatus struct {
	*providertest.Fake
	other string
}

func (o otherIDStatus) Status(ctx context.Context, r provider.StatusRequest) (*provider.Result, error) {
	return o.Fake.Status(ctx, provider.StatusRequest{ID: o.other})
}

// TestAdvSettleTrustsResultForAnotherID: after an ambiguous Cancel that
// was NOT applied, the provider's Status returns a Result whose ID is a
// different order, which is cancelled. Promise 2: success only with proof
// that this order was cancelled. Actual: finish (broker/call.go) takes
// st.State as the state of x.ref without checking st.ID (stampResult only
// fills an empty ID), and reports success, AlreadyDone.
func TestAdvSettleTrustsResultForAnotherID(t *testing.T) {
	b, _ := fastBroker(t, broker.WithRetry(func(p *broker.RetryPolicy) { p.MaxAttempts = 1 }))
	f := providertest.NewFake()
	other := f.Seed(provider.StateCancelled)
	register(t, b, "cloud", otherIDStatus{Fake: f, other: other})
	id := f.Seed(provider.StateUnderReview)
	f.InjectError(provider.OpCancel, provider.ErrOutcomeUnknown, providertest.Once()) // before apply
	res, err := advCancel(b, context.Background(), provider.Ref{Origin: "cloud", ID: id})
	if st, _ := f.StateOf(id); st != provider.StateUnderReview {
		t.Fatalf("setup: state %v", st)
	}
	if err == nil {
		t.Errorf("an unapplied cancel of %s was reported done (AlreadyDone %v) on the strength of a read of %s (result ID %s)",
			id, res.AlreadyDone, other, res.ID)
	}
}

// pacedTwice is a Paced Fake whose Status sends two requests, calling
// Pace before each; between them, hook runs.
type pacedTwice struct {
	*providertest.Fake
	hook    func()
	secondE atomic.Value
}

func (p *pacedTwice) Capabilities() provider.Capabilities {
	c := p.Fake.Capabilities()
	c.Paced = true
	return c
}

func (p *pacedTwice) Status(ctx context.Context, r provider.StatusRequest) (*provider.Result, error) {
	if err := provider.Pace(ctx, "read"); err != nil {
		return nil, &provider.Error{Kind: provider.KindCanceled, Err: err}
	}
	p.hook()
	err := provider.Pace(ctx, "read")
	p.secondE.Store([]error{err})
	if err != nil {
		return nil, &provider.Error{Kind: provider.KindCanceled, Err: err}
	}
	return p.Fake.Status(ctx, r)
}

// TestAdvPaceAfterContextEnded: a Paced provider calls provider.Pace after
// the caller's context has ended. Without a pacer, Pace returns ctx's
// error ("an error means the request must not be sent"); with the
// broker's pacer, and a token available, it returns nil and spends a
// token, so the provider goes on to send. Promise 4 / Pacer contract:
// "returns ctx's error, having spent nothing, when ctx ends first".
// Cause: limiter.wait (broker/limit.go) returns nil from AllowN without
// looking at ctx.
func TestAdvPaceAfterContextEnded(t *testing.T) {
	b, _ := fastBroker(t)
	f := providertest.NewFake()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := &pacedTwice{Fake: f, hook: cancel}
	register(t, b, "cloud", p, broker.WithRate(1, 5))
	_, _ = advStatus(b, ctx, provider.Ref{Origin: "cloud", ID: f.Seed(provider.StateIssued)})
	got, _ := p.secondE.Load().([]error)
	if len(got) != 1 || got[0] == nil {
		t.Errorf("provider.Pace after the context ended returned %v, want ctx's error (as it does without a pacer)", got)
	}
}

// goexitProvider is a Fake whose Revoke calls runtime.Goexit for one ID,
// as a test double calling t.FailNow from a worker goroutine would.
type goexitProvider struct {
	*providertest.Fake
	bad string
}

func (g goexitProvider) Revoke(ctx context.Context, r provider.RevokeRequest) (*provider.Result, error) {
	if r.ID == g.bad {
		runtime.Goexit()
	}
	return g.Fake.Revoke(ctx, r)
}

// TestAdvProviderGoexitLosesItems: a provider that ends its goroutine with
// runtime.Goexit (t.FailNow in a test double) instead of returning.
// Promises 3 and 6: the origin slot is not leaked, nothing hangs, every
// item gets an outcome. Actual: Broker.call's recover sees nil for a
// Goexit; try (broker/call.go) releases the origin slot (b.release) and
// the auth probe (leave) only after call returns, so both leak; the
// worker is gone without completing its item; the window never moves
// past it, so Do returns (nil error) with that item and every later one
// left as zero Items (no Result, no Err: silently "successful"), and
// later calls to the origin wait forever for the leaked slot.
func TestAdvProviderGoexitLosesItems(t *testing.T) {
	b, _ := fastBroker(t, broker.WithConcurrency(4))
	f := providertest.NewFake()
	ids := []string{f.Seed(provider.StateIssued), f.Seed(provider.StateIssued), f.Seed(provider.StateIssued)}
	register(t, b, "cloud", goexitProvider{Fake: f, bad: ids[1]}, broker.WithOriginConcurrency(1))
	refs := make([]provider.Ref, len(ids))
	for i, id := range ids {
		refs[i] = provider.Ref{Origin: "cloud", ID: id}
	}
	type out struct {
		items []broker.Item
		err   error
	}
	done := make(chan out, 1)
	go func() {
		items, err := advDo(b, context.Background(), provider.OpRevoke, refs, broker.BulkOptions{})
		done <- out{items, err}
	}()
	select {
	case o := <-done:
		for i, it := range o.items {
			if it.Index != i || (it.Err == nil && it.Result == nil) {
				t.Errorf("item %d has no outcome: %+v (Do's error: %v)", i, it, o.err)
			}
		}
	case <-time.After(3 * time.Second):
		t.Errorf("Do did not return within 3s after a provider called runtime.Goexit")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if _, err := advStatus(b, ctx, refs[0]); err != nil {
		t.Errorf("a later call to the origin: %v (origin slot leaked)", err)
	}
}

// goexitEmit calls runtime.Goexit from emit, as t.FailNow would.
// TestAdvEmitGoexitHangsStream: Stream's emit ends its goroutine with
// runtime.Goexit. Actual: window.guard's recover sees nil, the window is
// not halted, the worker is gone, and with one worker the dispatcher
// blocks forever on the jobs channel; Stream never returns.
func TestAdvEmitGoexitHangsStream(t *testing.T) {
	b, _ := fastBroker(t, broker.WithConcurrency(1))
	f := providertest.NewFake()
	var refs []provider.Ref
	for range 10 {
		refs = append(refs, provider.Ref{Origin: "cloud", ID: f.Seed(provider.StateIssued)})
	}
	register(t, b, "cloud", f)
	done := make(chan struct{})
	go func() {
		defer close(done)
		var n atomic.Int32
		_ = advStream(b, context.Background(), provider.OpStatus, slices.Values(refs), broker.BulkOptions{}, func(broker.Item) {
			if n.Add(1) == 1 {
				runtime.Goexit()
			}
		})
	}()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		t.Errorf("Stream did not return within 3s after emit called runtime.Goexit")
	}
}
