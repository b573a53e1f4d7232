package providertest

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/certbroker/certbroker/provider"
)

// This file holds deliberately broken providers: each embeds a Fake and
// breaks one rule, so the suite's tests can show the suite catches it.

// revokesFromPending revokes orders pending application.
type revokesFromPending struct{ *Fake }

func (p revokesFromPending) Revoke(ctx context.Context, req provider.RevokeRequest) (*provider.Result, error) {
	if st, ok := p.StateOf(req.ID); ok && st == provider.StatePendingApplication {
		p.SeedID(req.ID, provider.StateRevoked)
		return &provider.Result{Origin: p.Origin(), ID: req.ID, Op: provider.OpRevoke, State: provider.StateRevoked}, nil
	}
	return p.Fake.Revoke(ctx, req)
}

// cancelLandsPending cancels into StatePendingApplication, although its
// capabilities say StateCancelled.
type cancelLandsPending struct{ *Fake }

func (p cancelLandsPending) Cancel(ctx context.Context, req provider.CancelRequest) (*provider.Result, error) {
	res, err := p.Fake.Cancel(ctx, req)
	if err == nil {
		p.SeedID(req.ID, provider.StatePendingApplication)
		res.State = provider.StateUnknown
	}
	return res, err
}

// deleteKeeps reports a delete but keeps the order.
type deleteKeeps struct{ *Fake }

func (p deleteKeeps) Delete(ctx context.Context, req provider.DeleteRequest) (*provider.Result, error) {
	st, _ := p.StateOf(req.ID)
	res, err := p.Fake.Delete(ctx, req)
	if err == nil {
		p.SeedID(req.ID, st)
	}
	return res, err
}

// renewRevokesOld renews, then revokes the old order.
type renewRevokesOld struct{ *Fake }

func (p renewRevokesOld) Renew(ctx context.Context, req provider.RenewRequest) (*provider.Result, error) {
	res, err := p.Fake.Renew(ctx, req)
	if err == nil {
		p.SeedID(req.ID, provider.StateRevoked)
	}
	return res, err
}

// statusSays reports, for orders in state from, state to instead.
type statusSays struct {
	*Fake
	from, to provider.State
}

func (p statusSays) Status(ctx context.Context, req provider.StatusRequest) (*provider.Result, error) {
	res, err := p.Fake.Status(ctx, req)
	if err == nil && res.State == p.from {
		res.State = p.to
	}
	return res, err
}

// declaredStatusSays is a statusSays that declares its alias: every
// operation that lands or settles in from lists to in ReportedAs.
type declaredStatusSays struct{ statusSays }

func (p declaredStatusSays) Capabilities() provider.Capabilities {
	c := p.Fake.Capabilities()
	for _, oc := range []*provider.OpCapability{&c.Cancel, &c.Revoke, &c.Delete, &c.Renew} {
		if oc.Lands == p.from || oc.Settles == p.from {
			oc.ReportedAs = append(oc.ReportedAs, p.to)
		}
	}
	return c
}

// claimsPaced declares Capabilities.Paced but never calls provider.Pace.
type claimsPaced struct{ *Fake }

func (p claimsPaced) Capabilities() provider.Capabilities {
	c := p.Fake.Capabilities()
	c.Paced = true
	return c
}

// laxChecker's Check accepts everything, though its calls refuse bad IDs.
type laxChecker struct{ *Fake }

func (laxChecker) Check(provider.Request) error { return nil }

// kindSwap turns errors of kind from into errors of kind to.
type kindSwap struct {
	*Fake
	from, to provider.Kind
}

func (p kindSwap) swap(res *provider.Result, err error) (*provider.Result, error) {
	var pe *provider.Error
	if errors.As(err, &pe) && pe.Kind == p.from {
		c := *pe
		c.Kind = p.to
		return res, &c
	}
	return res, err
}

func (p kindSwap) Cancel(ctx context.Context, req provider.CancelRequest) (*provider.Result, error) {
	return p.swap(p.Fake.Cancel(ctx, req))
}

func (p kindSwap) Revoke(ctx context.Context, req provider.RevokeRequest) (*provider.Result, error) {
	return p.swap(p.Fake.Revoke(ctx, req))
}

func (p kindSwap) Delete(ctx context.Context, req provider.DeleteRequest) (*provider.Result, error) {
	return p.swap(p.Fake.Delete(ctx, req))
}

func (p kindSwap) Renew(ctx context.Context, req provider.RenewRequest) (*provider.Result, error) {
	return p.swap(p.Fake.Renew(ctx, req))
}

func (p kindSwap) Status(ctx context.Context, req provider.StatusRequest) (*provider.Result, error) {
	return p.swap(p.Fake.Status(ctx, req))
}

// bareNotFound returns the bare sentinel, not a *provider.Error, when
// Status finds no order.
type bareNotFound struct{ *Fake }

func (p bareNotFound) Status(ctx context.Context, req provider.StatusRequest) (*provider.Result, error) {
	res, err := p.Fake.Status(ctx, req)
	if errors.Is(err, provider.ErrNotFound) {
		return nil, provider.ErrNotFound
	}
	return res, err
}

// sendsFirst counts a backend request for every Cancel, before checking
// the ID: the broken adapter that lets the cloud validate.
type sendsFirst struct {
	*Fake
	sent *atomic.Int64
}

func (p sendsFirst) Cancel(ctx context.Context, req provider.CancelRequest) (*provider.Result, error) {
	p.sent.Add(1)
	return p.Fake.Cancel(ctx, req)
}

// ignoresContext calls the backend without the caller's context.
type ignoresContext struct{ *Fake }

func (p ignoresContext) Revoke(ctx context.Context, req provider.RevokeRequest) (*provider.Result, error) {
	return p.Fake.Revoke(context.WithoutCancel(ctx), req)
}

// checksContextOnce fails fast on an ended context but does not abort a
// call in flight.
type checksContextOnce struct{ *Fake }

func (p checksContextOnce) Status(ctx context.Context, req provider.StatusRequest) (*provider.Result, error) {
	if err := ctx.Err(); err != nil {
		return p.Fake.Status(ctx, req)
	}
	return p.Fake.Status(context.WithoutCancel(ctx), req)
}

// noRenew does not support Renew, and says so in its capabilities; broken
// selects an implementation that goes ahead anyway.
type noRenew struct {
	*Fake
	broken bool
}

func (p noRenew) Capabilities() provider.Capabilities {
	c := p.Fake.Capabilities()
	c.Renew = provider.OpCapability{Note: "not offered"}
	return c
}

func (p noRenew) Check(req provider.Request) error {
	if req.Op() == provider.OpRenew && !p.broken {
		return &provider.Error{Kind: provider.KindUnsupported, Op: provider.OpRenew, Origin: p.Origin(), ID: req.TargetID()}
	}
	return p.Fake.Check(req)
}

func (p noRenew) Renew(ctx context.Context, req provider.RenewRequest) (*provider.Result, error) {
	if p.broken {
		return p.Fake.Renew(ctx, req)
	}
	return nil, &provider.Error{Kind: provider.KindUnsupported, Op: provider.OpRenew, Origin: p.Origin(), ID: req.ID}
}

// renewNamesNewOrder reports the new order's ID as Result.ID.
type renewNamesNewOrder struct{ *Fake }

func (p renewNamesNewOrder) Renew(ctx context.Context, req provider.RenewRequest) (*provider.Result, error) {
	res, err := p.Fake.Renew(ctx, req)
	if err == nil {
		res.ID = res.NewID
	}
	return res, err
}

// wrappedHarness is a FakeHarness whose provider is replaced, and whose
// request count and aliases may be.
type wrappedHarness struct {
	*FakeHarness
	p        provider.Provider
	requests func() int
}

func (h wrappedHarness) Provider() provider.Provider { return h.p }

func (h wrappedHarness) Requests(t testing.TB) int {
	if h.requests != nil {
		return h.requests()
	}
	return h.FakeHarness.Requests(t)
}

// aliasedHarness adds StatusAliases to a harness.
type aliasedHarness struct {
	wrappedHarness
	aliases map[provider.State][]provider.State
}

func (h aliasedHarness) StatusAliases() map[provider.State][]provider.State { return h.aliases }

// wrap returns a harness constructor for the provider wrap builds around
// a fresh Fake.
func wrap(wrap func(f *Fake) provider.Provider) func(testing.TB) Harness {
	return func(testing.TB) Harness {
		h := NewFakeHarness()
		return wrappedHarness{FakeHarness: h, p: wrap(h.Fake())}
	}
}
