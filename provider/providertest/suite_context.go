package providertest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/certbroker/certbroker/provider"
)

// outcome is what a call returned.
type outcome struct {
	res *provider.Result
	err error
}

// callWithin calls op in a goroutine and waits at most bound for it to
// return; ok is false if it did not. A call that does not return is left
// running: the harness releases it when the test ends.
func callWithin(ctx context.Context, p provider.Provider, op provider.Op, id string, bound time.Duration) (o outcome, ok bool) {
	done := make(chan outcome, 1)
	go func() {
		res, err := call(ctx, p, op, id)
		done <- outcome{res, err}
	}()
	timer := time.NewTimer(bound)
	defer timer.Stop()
	select {
	case o := <-done:
		return o, true
	case <-timer.C:
		return outcome{}, false
	}
}

// contextOps returns the operations worth calling to see how they handle
// a context: Status, and every supported operation.
func (s *suite[T]) contextOps() []provider.Op {
	var ops []provider.Op
	for _, op := range provider.Ops() {
		if op == provider.OpStatus || s.caps.For(op).Supported {
			ops = append(ops, op)
		}
	}
	return ops
}

// seedFor seeds an order from which op is accepted, if the harness has
// such a state, so that a provider that wrongly goes ahead is caught
// changing it.
func (s *suite[T]) seedFor(t T, h Harness, op provider.Op) (string, provider.State) {
	t.Helper()
	from, ok := s.allowedState(op)
	if !ok {
		if len(s.states) == 0 {
			t.Fatalf("Harness.States is empty")
		}
		from = s.states[0]
	}
	return h.Seed(t, from), from
}

// canceledContext checks calls made with a context that has already
// ended.
func (s *suite[T]) canceledContext(t T) {
	t.Parallel()
	for _, op := range s.contextOps() {
		t.Run(string(op), func(t T) {
			t.Parallel()
			h := s.newHarness(t)
			id, from := s.seedFor(t, h, op)
			before := h.Requests(t)
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			what := fmt.Sprintf("%s with a cancelled context", op)
			o, ok := callWithin(ctx, h.Provider(), op, id, s.cfg.bound)
			if !ok {
				t.Fatalf("%s: did not return within %v", what, s.cfg.bound)
			}
			if expectKind(t, what, o.err, provider.KindCanceled) && !errors.Is(o.err, context.Canceled) {
				t.Errorf("%s: error %q does not have context.Canceled in its chain", what, o.err)
			}
			expectNoRequests(t, h, what, before)
			expectState(t, h, what, id, from)
		})
	}
}

// hang checks that cancelling the context of a call in flight ends it.
func (s *suite[T]) hang(t T) {
	t.Parallel()
	for _, op := range s.contextOps() {
		t.Run(string(op), func(t T) {
			t.Parallel()
			h := s.newHarness(t)
			hanger, ok := h.(Hanger)
			if !ok {
				t.Fatalf("the harness is a Hanger only sometimes")
			}
			id, _ := s.seedFor(t, h, op)
			hanger.Hang(t)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			timer := time.AfterFunc(s.cfg.cancelAfter, cancel)
			defer timer.Stop()
			what := fmt.Sprintf("%s held by the backend, its context cancelled after %v", op, s.cfg.cancelAfter)
			o, ok := callWithin(ctx, h.Provider(), op, id, s.cfg.cancelAfter+s.cfg.bound)
			if !ok {
				t.Fatalf("%s: did not return within %v of the cancellation", what, s.cfg.bound)
			}
			inFlight := provider.KindUnavailable
			if op.Mutating() {
				inFlight = provider.KindOutcomeUnknown
			}
			if expectKind(t, what, o.err, provider.KindCanceled, inFlight) && !errors.Is(o.err, context.Canceled) {
				t.Errorf("%s: error %q does not have context.Canceled in its chain", what, o.err)
			}
		})
	}
}
