package broker

import (
	"context"
	"fmt"

	"github.com/certbroker/certbroker/provider"
)

// Call sends req to the provider registered under origin, with the
// broker's retries, pacing and outcome rule; every failure is an
// *OpError. It is the one entry point the typed methods below share.
func (b *Broker) Call(ctx context.Context, origin string, req provider.Request) (*Result, error) {
	if req == nil {
		return nil, &OpError{Ref: provider.Ref{Origin: origin}, Err: &provider.Error{
			Kind: provider.KindInvalidArgument, Origin: origin, Message: "nil request"}}
	}
	return b.one(ctx, provider.Ref{Origin: origin, ID: req.TargetID()}, req)
}

// Cancel withdraws the application of order req.ID at origin.
func (b *Broker) Cancel(ctx context.Context, origin string, req provider.CancelRequest) (*Result, error) {
	return b.Call(ctx, origin, req)
}

// Revoke revokes the certificate of order req.ID at origin. Clouds
// without a reason field ignore req.Reason.
func (b *Broker) Revoke(ctx context.Context, origin string, req provider.RevokeRequest) (*Result, error) {
	return b.Call(ctx, origin, req)
}

// Delete removes order req.ID at origin.
func (b *Broker) Delete(ctx context.Context, origin string, req provider.DeleteRequest) (*Result, error) {
	return b.Call(ctx, origin, req)
}

// Renew creates a renewal order for order req.ID at origin; the result's
// NewID names it. A Renew whose outcome is unknown is not retried.
func (b *Broker) Renew(ctx context.Context, origin string, req provider.RenewRequest) (*Result, error) {
	return b.Call(ctx, origin, req)
}

// Status reads the state of order req.ID at origin.
func (b *Broker) Status(ctx context.Context, origin string, req provider.StatusRequest) (*Result, error) {
	return b.Call(ctx, origin, req)
}

// one runs a single operation; every failure is an *OpError.
func (b *Broker) one(ctx context.Context, ref provider.Ref, req provider.Request) (*Result, error) {
	o, oe := b.prepare(ref, req.Op())
	if oe != nil {
		return nil, oe
	}
	if perr := reservedMark(req); perr != nil {
		perr.Origin = o.name
		return nil, &OpError{Op: req.Op(), Ref: ref, Err: perr}
	}
	res, _, oe := b.exec(ctx, o, ref, req)
	if oe != nil {
		return nil, oe
	}
	return res, nil
}

// prepare validates ref, routes it and checks that its origin supports op,
// all before any call.
func (b *Broker) prepare(ref provider.Ref, op provider.Op) (*origin, *OpError) {
	if err := ref.Validate(); err != nil {
		return nil, refError(op, ref, err)
	}
	o, perr := b.route(ref, op)
	if perr != nil {
		return nil, &OpError{Op: op, Ref: ref, Err: perr}
	}
	if op != provider.OpStatus { // Status is always supported
		if c := o.capsFor(ref.ID).For(op); !c.Supported {
			msg := fmt.Sprintf("origin %q does not support %s", o.name, op)
			if c.Note != "" {
				msg += ": " + c.Note
			}
			return nil, &OpError{Op: op, Ref: ref, Err: &provider.Error{
				Kind: provider.KindUnsupported, Op: op, Origin: o.name, ID: ref.ID, Message: msg,
			}}
		}
	}
	return o, nil
}
