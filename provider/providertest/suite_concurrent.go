package providertest

import (
	"fmt"
	"slices"
	"sync"

	"github.com/certbroker/certbroker/provider"
)

// concurrentOp picks the operation the concurrency check makes: Revoke
// from Issued if the provider allows it, else the first mutating operation
// allowed from some state, else Status.
func (s *suite[T]) concurrentOp() (provider.Op, provider.State) {
	if s.caps.Revoke.Allows(provider.StateIssued) && slices.Contains(s.states, provider.StateIssued) {
		return provider.OpRevoke, provider.StateIssued
	}
	for _, op := range provider.Ops() {
		if from, ok := s.allowedState(op); ok && op.Mutating() {
			return op, from
		}
	}
	if len(s.states) == 0 {
		return provider.OpStatus, provider.StateUnknown
	}
	return provider.OpStatus, s.states[0]
}

// concurrent changes many orders at once while reading their status.
func (s *suite[T]) concurrent(t T) {
	t.Parallel()
	h := s.newHarness(t)
	p := h.Provider()
	op, from := s.concurrentOp()
	c := s.caps.For(op)
	n := s.cfg.concurrency
	ids := make([]string, n)
	for i := range ids {
		ids[i] = h.Seed(t, from)
	}

	start := make(chan struct{})
	ops := make([]outcome, n)
	statuses := make([]outcome, n)
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() {
			<-start
			res, err := call(t.Context(), p, op, id)
			ops[i] = outcome{res, err}
		})
		wg.Go(func() {
			<-start
			res, err := call(t.Context(), p, provider.OpStatus, id)
			statuses[i] = outcome{res, err}
		})
	}
	close(start)
	wg.Wait()

	for i, id := range ids {
		what := fmt.Sprintf("%s of order %s in state %s, %d at once", op, id, from, n)
		expectSuccess(t, what, ops[i].res, ops[i].err, op, id)
		switch op {
		case provider.OpStatus:
			expectState(t, h, what, id, from)
		case provider.OpDelete:
			expectGone(t, h, what, id)
		case provider.OpRenew:
			expectState(t, h, what+" (the new order)", ops[i].res.NewID, c.Lands)
		default:
			expectState(t, h, what, id, c.Lands)
		}
		what = fmt.Sprintf("status of order %s during a %s", id, op)
		ok := reportable(h, from)
		if op != provider.OpStatus {
			ok = append(ok, reportable(h, c.Lands)...)
		}
		switch o := statuses[i]; {
		case o.err != nil && op == provider.OpDelete: // the Delete may have won the race
			expectKind(t, what, o.err, provider.KindNotFound)
		case o.err != nil:
			t.Errorf("%s: got error %q, want success", what, o.err)
		case !slices.Contains(ok, o.res.State):
			t.Errorf("%s: reported state %s, want %s", what, o.res.State, statesList(ok))
		}
	}
}
