package providertest

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/certbroker/certbroker/provider"
)

// capabilities checks that Capabilities and States are self-consistent.
func (s *suite[T]) capabilities(t T) {
	t.Parallel()
	h := s.newHarness(t)
	p := h.Provider()
	if a, b := p.Capabilities(), p.Capabilities(); !reflect.DeepEqual(a, b) {
		t.Errorf("Capabilities changed between two calls: %+v, then %+v", a, b)
	}
	all := provider.States()
	valid := func(st provider.State) bool { return slices.Contains(all, st) }
	if len(s.states) == 0 {
		t.Errorf("Harness.States is empty")
	}
	for i, st := range s.states {
		if !valid(st) {
			t.Errorf("Harness.States lists %v, which is not a normalized state", st)
		}
		if slices.Contains(s.states[:i], st) {
			t.Errorf("Harness.States lists %s twice", st)
		}
	}
	for _, op := range provider.Ops() {
		if op == provider.OpStatus {
			continue
		}
		c := s.caps.For(op)
		switch {
		case !c.Supported && len(c.From) > 0:
			t.Errorf("%s: unsupported, yet From lists %v", op, c.From)
		case c.Supported && len(c.From) == 0:
			t.Errorf("%s: supported, yet From lists no state", op)
		}
		for _, st := range append(slices.Clone(c.From), c.Lands, c.Settles) {
			if !valid(st) {
				t.Errorf("%s: capability names %v, which is not a normalized state", op, st)
			}
		}
		if op == provider.OpDelete && c.Supported && (c.Lands != provider.StateUnknown || c.Settles != provider.StateUnknown) {
			t.Errorf("delete: Lands %s, Settles %s; want unknown for both (the order is gone)", c.Lands, c.Settles)
		}
	}
}

// fromEveryState runs op from each state of the harness, and for Renew
// checks that two renewals create two orders.
func (s *suite[T]) fromEveryState(t T, op provider.Op) {
	t.Parallel()
	for _, from := range s.states {
		t.Run("from_"+from.String(), func(t T) { s.fromState(t, op, from) })
	}
	if from, ok := s.allowedState(provider.OpRenew); ok && op == provider.OpRenew {
		t.Run("twice", func(t T) { s.renewTwice(t, from) })
	}
}

// fromState runs op once on an order seeded in state from.
func (s *suite[T]) fromState(t T, op provider.Op, from provider.State) {
	t.Parallel()
	h := s.newHarness(t)
	p := h.Provider()
	id := h.Seed(t, from)
	c := provider.CapabilitiesFor(p, id).For(op)
	expectState(t, h, "after Seed", id, from)
	before := h.Requests(t)
	what := fmt.Sprintf("%s of an order in state %s", op, from)
	pacer := &countingPacer{}
	res, err := call(provider.WithPacer(t.Context(), pacer), p, op, id)
	if c := p.Capabilities(); c.Paced {
		if sent, paced := h.Requests(t)-before, int(pacer.n.Load()); paced < sent {
			t.Errorf("%s: the provider declares Capabilities.Paced but called Pace %d times for %d requests", what, paced, sent)
		}
	}

	switch {
	case op == provider.OpStatus:
		expectSuccess(t, what, res, err, op, id)
		expectReported(t, h, what, res.State, from, false)
		expectState(t, h, what, id, from)
	case c.Allows(from):
		expectSuccess(t, what, res, err, op, id)
		s.checkApplied(t, h, what, op, c, id, from, res)
	case !c.Supported:
		expectKind(t, what+" (unsupported)", err, provider.KindUnsupported)
		expectNoRequests(t, h, what+" (unsupported)", before)
		expectState(t, h, what, id, from)
	default:
		expectKind(t, what+fmt.Sprintf(" (allowed only from %s)", joinStates(c.From)), err, provider.KindInvalidState)
		expectState(t, h, what, id, from)
	}
}

// countingPacer admits every request at once and counts them.
type countingPacer struct{ n atomic.Int64 }

func (c *countingPacer) Wait(ctx context.Context, _ string) error {
	c.n.Add(1)
	return ctx.Err()
}

// checkApplied checks the effects of a successful mutating op.
func (s *suite[T]) checkApplied(t T, h Harness, what string, op provider.Op, c provider.OpCapability, id string, from provider.State, res *provider.Result) {
	t.Helper()
	switch op {
	case provider.OpDelete:
		if res.State != provider.StateUnknown {
			t.Errorf("%s: Result.State is %s, want unknown after a delete", what, res.State)
		}
		expectGone(t, h, what, id)
		_, err := call(t.Context(), h.Provider(), provider.OpStatus, id)
		expectKind(t, "status after "+what, err, provider.KindNotFound)
		h.Settle(t, id)
		expectGone(t, h, what+", settled", id)

	case provider.OpRenew:
		switch {
		case res.NewID == "":
			t.Fatalf("%s: Result.NewID is empty", what)
		case res.NewID == id:
			t.Fatalf("%s: Result.NewID is the renewed order's own ID %s", what, id)
		}
		checkID(t, h, what+": Result.NewID", res.NewID)
		expectReported(t, h, what+" (the old order)", res.State, from, true)
		expectState(t, h, what+" (the new order)", res.NewID, c.Lands)
		expectState(t, h, what+" (the old order)", id, from)
		h.Settle(t, res.NewID)
		expectState(t, h, what+", settled (the new order)", res.NewID, c.Settles)
		expectState(t, h, what+", settled (the old order)", id, from)

	default:
		expectReported(t, h, what, res.State, c.Lands, true)
		expectState(t, h, what, id, c.Lands)
		s.expectNotDisproved(t, h, what, op, id)
		h.Settle(t, id)
		expectState(t, h, what+", settled", id, c.Settles)
		s.expectNotDisproved(t, h, what+", settled", op, id)
	}
}

// expectNotDisproved checks the outcome rule's premise: once op was
// applied, what Status reports must not read as proof that it was not
// (provider.Capabilities.Evidence), or a caller settling an ambiguous
// attempt would report an applied operation as not applied.
func (s *suite[T]) expectNotDisproved(t T, h Harness, what string, op provider.Op, id string) {
	t.Helper()
	res, err := call(t.Context(), h.Provider(), provider.OpStatus, id)
	if err != nil {
		t.Errorf("status after %s: %v", what, err)
		return
	}
	if ev := s.caps.Evidence(op, res.State); ev == provider.NotApplied {
		t.Errorf("status after %s reports %s, which Capabilities.Evidence reads as proof the %s was not applied "+
			"(list it in ReportedAs if the cloud shows it for an applied %s)", what, res.State, op, op)
	}
}

// renewTwice checks that Renew is not idempotent: each call creates an
// order.
func (s *suite[T]) renewTwice(t T, from provider.State) {
	t.Parallel()
	h := s.newHarness(t)
	p := h.Provider()
	id := h.Seed(t, from)
	lands := provider.CapabilitiesFor(p, id).Renew.Lands
	var newIDs []string
	for i := range 2 {
		what := fmt.Sprintf("renew #%d of an order in state %s", i+1, from)
		res, err := call(t.Context(), p, provider.OpRenew, id)
		expectSuccess(t, what, res, err, provider.OpRenew, id)
		if slices.Contains(newIDs, res.NewID) || res.NewID == "" {
			t.Fatalf("%s: Result.NewID %q, after %q", what, res.NewID, newIDs)
		}
		newIDs = append(newIDs, res.NewID)
		expectState(t, h, what+" (the new order)", res.NewID, lands)
	}
	expectState(t, h, "two renews (the old order)", id, from)
}

// checkID checks an ID the provider made up against its own rules.
func checkID(t testing.TB, h Harness, what, id string) {
	t.Helper()
	if err := provider.ValidateID(id); err != nil {
		t.Errorf("%s %q: %v", what, id, err)
	}
	if c, ok := h.Provider().(provider.IDChecker); ok {
		if err := c.CheckID(id); err != nil {
			t.Errorf("%s %q fails the provider's own CheckID: %v", what, id, err)
		}
	}
}
