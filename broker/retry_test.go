package broker_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

// startState is a state from which the Fake accepts op.
var startState = map[provider.Op]provider.State{
	provider.OpCancel: provider.StateUnderReview,
	provider.OpRevoke: provider.StateIssued,
	provider.OpDelete: provider.StateReviewFailed,
	provider.OpRenew:  provider.StateExpiring,
	provider.OpStatus: provider.StateIssued,
}

// call runs op on ref through the broker's single-reference methods.
func call(ctx context.Context, b *broker.Broker, op provider.Op, ref provider.Ref) (*broker.Result, error) {
	switch op {
	case provider.OpCancel:
		return b.Cancel(ctx, ref.Origin, provider.CancelRequest{ID: ref.ID})
	case provider.OpRevoke:
		return b.Revoke(ctx, ref.Origin, provider.RevokeRequest{ID: ref.ID, Reason: "superseded"})
	case provider.OpDelete:
		return b.Delete(ctx, ref.Origin, provider.DeleteRequest{ID: ref.ID})
	case provider.OpRenew:
		return b.Renew(ctx, ref.Origin, provider.RenewRequest{ID: ref.ID})
	}
	return b.Status(ctx, ref.Origin, provider.StatusRequest{ID: ref.ID})
}

// TestRetryPolicy checks, for every operation and every error kind, that a
// first attempt failing with that kind is retried exactly when the policy
// says so, by counting the calls the backend received.
func TestRetryPolicy(t *testing.T) {
	t.Parallel()
	retried := func(op provider.Op, k provider.Kind) bool {
		switch k {
		case provider.KindThrottled, provider.KindUnavailable:
			return true
		case provider.KindOutcomeUnknown:
			return op != provider.OpRenew
		}
		return false
	}
	for _, op := range provider.Ops() {
		for _, kind := range provider.Kinds() {
			t.Run(string(op)+"/"+kind.String(), func(t *testing.T) {
				t.Parallel()
				b, _ := fastBroker(t)
				f := providertest.NewFake()
				register(t, b, "cloud", f)
				id := f.Seed(startState[op])
				f.InjectError(op, kind, providertest.Once()) // before the state changes
				res, err := call(context.Background(), b, op, provider.Ref{Origin: "cloud", ID: id})
				calls := callsOf(f)[op]
				if !retried(op, kind) {
					if calls != 1 {
						t.Fatalf("%s after %v: %d calls, want 1 (not retried)", op, kind, calls)
					}
					mustKind(t, err, kind)
					var oe *broker.OpError
					if !errors.As(err, &oe) || len(oe.Attempts) != 1 {
						t.Fatalf("want an *OpError with one attempt, got %v", err)
					}
					return
				}
				if calls != 2 || err != nil {
					t.Fatalf("%s after %v: %d calls, err %v; want 2 calls and success", op, kind, calls, err)
				}
				if res.Op != op || res.ID != id || res.Origin != "cloud" || res.AlreadyDone {
					t.Errorf("result %+v, want op %s, id %s, origin cloud, not AlreadyDone", res, op, id)
				}
			})
		}
	}
}

// TestRenewNotResent proves that a Renew whose outcome is unknown is sent
// once: the backend created an order, and the caller is told either the
// order the renewal's mark proves (a provider.RenewalFinder) or that the
// outcome is unknown (any other provider), never a second order.
func TestRenewNotResent(t *testing.T) {
	t.Parallel()
	for _, finder := range []bool{true, false} {
		t.Run(fmt.Sprintf("finder=%v", finder), func(t *testing.T) {
			t.Parallel()
			b, _ := fastBroker(t, broker.WithRetry(func(p *broker.RetryPolicy) { p.MaxAttempts = 10 }))
			f := providertest.NewFake()
			var p provider.Provider = f
			if !finder {
				p = struct{ provider.Provider }{f} // hides FindRenewal
			}
			register(t, b, "cloud", p)
			id := f.Seed(provider.StateExpiring)
			f.InjectError(provider.OpRenew, provider.ErrOutcomeUnknown, providertest.AfterApply())

			res, err := b.Renew(context.Background(), "cloud", provider.RenewRequest{ID: id, CSR: "csr"})
			if n := callsOf(f)[provider.OpRenew]; n != 1 {
				t.Errorf("renew sent %d times, want 1", n)
			}
			created := f.Renewals()
			if len(created) != 1 {
				t.Fatalf("backend created %d orders, want 1", len(created))
			}
			if finder {
				if err != nil || !res.AlreadyDone || res.NewID != created[0].NewID || res.ID != id {
					t.Fatalf("res %+v, err %v: want the created order %s, proven by the mark", res, err, created[0].NewID)
				}
				if mark := provider.RenewalMark(created[0].Tags); len(mark) < 20 {
					t.Errorf("renewal mark %q: want a random value of at least 20 characters", mark)
				}
				return
			}
			mustKind(t, err, provider.KindOutcomeUnknown)
			mustContain(t, err.Error(), "not re-sent")
			if len(created[0].Tags) != 0 {
				t.Errorf("tags %v sent to a provider that cannot search for them", created[0].Tags)
			}
		})
	}
}

// TestReconcile checks what a retry after an outcome-unknown failure
// concludes, using a Fake that applies the operation and then loses the
// response.
func TestReconcile(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		op        provider.Op
		seed      provider.State
		unknown   bool // seed nothing: an ID that names no order
		inject    []error
		after     bool           // the first injection applies the op first
		wantKind  provider.Kind  // KindOther: success
		wantState provider.State // on success
		wantCalls map[provider.Op]int
		wantNote  string
	}{
		{name: "delete applied, retry finds it gone", op: provider.OpDelete, seed: provider.StateReviewFailed,
			inject: []error{provider.ErrOutcomeUnknown}, after: true,
			wantCalls: map[provider.Op]int{provider.OpDelete: 2}},
		{name: "revoke applied, retry refused, status says revoked", op: provider.OpRevoke, seed: provider.StateIssued,
			inject: []error{provider.ErrOutcomeUnknown}, after: true, wantState: provider.StateRevoked,
			wantCalls: map[provider.Op]int{provider.OpRevoke: 2, provider.OpStatus: 1}},
		{name: "cancel applied, retry refused, status says cancelled", op: provider.OpCancel, seed: provider.StateUnderReview,
			inject: []error{provider.ErrOutcomeUnknown}, after: true, wantState: provider.StateCancelled,
			wantCalls: map[provider.Op]int{provider.OpCancel: 2, provider.OpStatus: 1}},
		{name: "revoke refused for another state is not success", op: provider.OpRevoke, seed: provider.StateExpired,
			inject: []error{provider.ErrOutcomeUnknown}, wantKind: provider.KindInvalidState,
			wantNote:  "the order reads expired afterwards, so the revoke was not applied",
			wantCalls: map[provider.Op]int{provider.OpRevoke: 2, provider.OpStatus: 1}},
		{name: "delete applied, throttled, then gone", op: provider.OpDelete, seed: provider.StateCancelled,
			inject: []error{provider.ErrOutcomeUnknown, provider.ErrThrottled}, after: true,
			wantCalls: map[provider.Op]int{provider.OpDelete: 3}},
		{name: "delete not found without ambiguity is an error", op: provider.OpDelete, unknown: true,
			inject: []error{provider.ErrUnavailable}, wantKind: provider.KindNotFound,
			wantCalls: map[provider.Op]int{provider.OpDelete: 2}},
		{name: "delete not found on first call is an error", op: provider.OpDelete, unknown: true,
			wantKind: provider.KindNotFound, wantCalls: map[provider.Op]int{provider.OpDelete: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b, _ := fastBroker(t)
			f := providertest.NewFake()
			register(t, b, "cloud", f)
			id := "fake-999"
			if !tc.unknown {
				id = f.Seed(tc.seed)
			}
			for i, e := range tc.inject {
				opts := []providertest.InjectOption{providertest.Once()}
				if i == 0 && tc.after {
					opts = append(opts, providertest.AfterApply())
				}
				f.InjectError(tc.op, e, opts...)
			}
			res, err := call(context.Background(), b, tc.op, provider.Ref{Origin: "cloud", ID: id})
			if got := callsOf(f); !equalCounts(got, tc.wantCalls) {
				t.Errorf("calls %v, want %v", got, tc.wantCalls)
			}
			if tc.wantKind != provider.KindOther {
				mustKind(t, err, tc.wantKind)
				mustContain(t, err.Error(), tc.wantNote)
				return
			}
			if err != nil {
				t.Fatalf("err = %v, want success", err)
			}
			if !res.AlreadyDone || res.Op != tc.op || res.Origin != "cloud" || res.ID != id || res.State != tc.wantState {
				t.Errorf("result %+v, want AlreadyDone, op %s, state %v", res, tc.op, tc.wantState)
			}
			if tc.op == provider.OpDelete {
				if _, ok := f.StateOf(id); ok {
					t.Error("order still exists")
				}
			}
		})
	}
}

func equalCounts(a, b map[provider.Op]int) bool {
	for _, op := range provider.Ops() {
		if a[op] != b[op] {
			return false
		}
	}
	return true
}

// TestAttemptsKept checks that the final error keeps every attempt's cause.
func TestAttemptsKept(t *testing.T) {
	t.Parallel()
	b, _ := fastBroker(t, broker.WithRetry(func(p *broker.RetryPolicy) { p.MaxAttempts = 3 }))
	f := providertest.NewFake()
	register(t, b, "cloud", f)
	id := f.Seed(provider.StateIssued)
	causes := []string{"dial tcp 127.0.0.1:1: connection refused", "read: connection reset by peer", "i/o timeout"}
	for _, c := range causes {
		f.InjectError(provider.OpStatus, &provider.Error{Kind: provider.KindUnavailable, Message: c}, providertest.Once())
	}
	_, err := b.Status(context.Background(), "cloud", provider.StatusRequest{ID: id})
	mustKind(t, err, provider.KindUnavailable)
	mustContain(t, err.Error(), append(causes, "gave up after 3 attempts")...)
	var oe *broker.OpError
	if !errors.As(err, &oe) || len(oe.Attempts) != 3 {
		t.Fatalf("want an *OpError with 3 attempts, got %#v", err)
	}
	for i, a := range oe.Attempts {
		var pe *provider.Error
		if !errors.As(a, &pe) || pe.Message != causes[i] || pe.Origin != "cloud" {
			t.Errorf("attempt %d: %v, want message %q at origin cloud", i+1, a, causes[i])
		}
	}
}

func TestRetryBudget(t *testing.T) {
	t.Parallel()
	t.Run("exhausted", func(t *testing.T) {
		t.Parallel()
		b, _ := fastBroker(t, broker.WithConcurrency(1), broker.WithRetry(func(p *broker.RetryPolicy) { p.MaxAttempts = 5 }), broker.WithRetry(func(p *broker.RetryPolicy) { p.Budget, p.Refill = 3, 0 }))
		down, up := providertest.NewFake(), providertest.NewFake()
		register(t, b, "down", down)
		register(t, b, "up", up)
		down.InjectError(provider.OpStatus, provider.ErrUnavailable)
		var refs []provider.Ref
		for range 10 {
			refs = append(refs, provider.Ref{Origin: "down", ID: down.Seed(provider.StateIssued)})
		}
		items, err := b.Do(context.Background(), provider.StatusRequest{}, refs, broker.BulkOptions{StatusEach: true})
		if n := len(down.Calls()); n != 10+3 {
			t.Errorf("a down origin got %d calls, want 10 first attempts + 3 retries", n)
		}
		mustKind(t, err, provider.KindUnavailable)
		if items[0].Attempts != 4 || items[1].Attempts != 1 {
			t.Errorf("attempts %d and %d, want 4 and 1", items[0].Attempts, items[1].Attempts)
		}
		mustContain(t, items[9].Err.Error(), `retry budget of origin "down" exhausted`)

		// Another origin has its own budget.
		id := up.Seed(provider.StateIssued)
		up.InjectError(provider.OpStatus, provider.ErrUnavailable, providertest.Once())
		if _, err := b.Status(context.Background(), "up", provider.StatusRequest{ID: id}); err != nil {
			t.Errorf("other origin: %v, want a successful retry", err)
		}
	})
	t.Run("refilled by successes", func(t *testing.T) {
		t.Parallel()
		// Items 0 and 3 fail once; with one retry in the budget, only a
		// refill from the successes in between pays for item 3's retry.
		for _, tc := range []struct {
			refill     float64
			wantFailed int
		}{{0.5, 0}, {0, 1}} {
			b, _ := fastBroker(t, broker.WithConcurrency(1), broker.WithRetry(func(p *broker.RetryPolicy) { p.Budget, p.Refill = 1, tc.refill }))
			f := providertest.NewFake()
			register(t, b, "cloud", f)
			var refs []provider.Ref
			for i := range 4 {
				id := f.Seed(provider.StateIssued)
				if i == 0 || i == 3 {
					f.InjectError(provider.OpStatus, provider.ErrUnavailable, providertest.Once(), providertest.ForID(id))
				}
				refs = append(refs, provider.Ref{Origin: "cloud", ID: id})
			}
			items, _ := b.Do(context.Background(), provider.StatusRequest{}, refs, broker.BulkOptions{})
			failed := 0
			for _, it := range items {
				if it.Err != nil {
					failed++
				}
			}
			if failed != tc.wantFailed {
				t.Errorf("refill %v: %d failed, want %d", tc.refill, failed, tc.wantFailed)
			}
		}
	})
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	for _, tc := range []struct {
		jitter float64
		want   []time.Duration
	}{
		{0, []time.Duration{50 * ms, 100 * ms, 200 * ms, 400 * ms, 500 * ms, 500 * ms}},
		{0.5, []time.Duration{75 * ms, 150 * ms, 300 * ms, 600 * ms, 750 * ms, 750 * ms}},
	} {
		clk := newJumpClock()
		b := broker.New(broker.WithClock(clk), broker.WithRetry(func(p *broker.RetryPolicy) { p.Jitter = func() float64 { return tc.jitter } }),
			broker.WithRetry(func(p *broker.RetryPolicy) { p.BackoffBase, p.BackoffMax = 100*ms, time.Second }), broker.WithRetry(func(p *broker.RetryPolicy) { p.MaxAttempts = 7 }), broker.WithRetry(func(p *broker.RetryPolicy) { p.Budget, p.Refill = 100, 0 }))
		f := providertest.NewFake()
		register(t, b, "cloud", f)
		f.InjectError(provider.OpStatus, provider.ErrUnavailable)
		_, err := b.Status(context.Background(), "cloud", provider.StatusRequest{ID: f.Seed(provider.StateIssued)})
		mustKind(t, err, provider.KindUnavailable)
		got := clk.Sleeps()
		if len(got) != len(tc.want) {
			t.Fatalf("jitter %v: sleeps %v, want %v", tc.jitter, got, tc.want)
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("jitter %v: sleep %d = %v, want %v", tc.jitter, i, got[i], tc.want[i])
			}
		}
	}
}

// TestBackoffHonoursContext cancels the context while the broker waits to
// retry, on a clock that never moves by itself.
func TestBackoffHonoursContext(t *testing.T) {
	t.Parallel()
	clk := newManualClock()
	b := broker.New(broker.WithClock(clk))
	f := providertest.NewFake()
	register(t, b, "cloud", f)
	f.InjectError(provider.OpStatus, &provider.Error{Kind: provider.KindUnavailable, Message: "the real cause"})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, err := b.Status(ctx, "cloud", provider.StatusRequest{ID: f.Seed(provider.StateIssued)})
		done <- err
	}()
	clk.WaitFor(func(n int) bool { return n == 1 }) // in backoff
	cancel()
	err := <-done
	mustKind(t, err, provider.KindUnavailable) // the cause, not the cancellation
	mustContain(t, err.Error(), "the real cause", "context ended during backoff", "context canceled")
	if n := len(f.Calls()); n != 1 {
		t.Errorf("%d calls, want 1", n)
	}
}
