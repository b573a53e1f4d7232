package broker

import (
	"context"
	"fmt"

	"github.com/certbroker/certbroker/provider"
)

// RenewOptions are the optional inputs of [Broker.Renew].
type RenewOptions struct {
	// CSR is a certificate signing request in PEM form; empty lets the
	// cloud generate the key pair where it can.
	CSR string
	// Tags are attached to the new order where the cloud supports them.
	Tags []provider.Tag
}

// Cancel withdraws the application of the order ref names.
func (b *Broker) Cancel(ctx context.Context, ref provider.Ref) (*provider.Result, error) {
	return b.one(ctx, ref, provider.CancelRequest{ID: ref.ID})
}

// Revoke revokes the certificate of the order ref names. Clouds without a
// reason field ignore reason.
func (b *Broker) Revoke(ctx context.Context, ref provider.Ref, reason string) (*provider.Result, error) {
	return b.one(ctx, ref, provider.RevokeRequest{ID: ref.ID, Reason: reason})
}

// Delete removes the order ref names.
func (b *Broker) Delete(ctx context.Context, ref provider.Ref) (*provider.Result, error) {
	return b.one(ctx, ref, provider.DeleteRequest{ID: ref.ID})
}

// Renew creates a renewal order for the order ref names; the result's
// NewID names it. A Renew whose outcome is unknown is not retried.
func (b *Broker) Renew(ctx context.Context, ref provider.Ref, opts RenewOptions) (*provider.Result, error) {
	return b.one(ctx, ref, provider.RenewRequest{ID: ref.ID, CSR: opts.CSR, Tags: opts.Tags})
}

// Status reads the state of the order ref names.
func (b *Broker) Status(ctx context.Context, ref provider.Ref) (*provider.Result, error) {
	return b.one(ctx, ref, provider.StatusRequest{ID: ref.ID})
}

// one runs a single operation; every failure is an *OpError.
func (b *Broker) one(ctx context.Context, ref provider.Ref, req provider.Request) (*provider.Result, error) {
	o, oe := b.prepare(ref, req.Op())
	if oe != nil {
		return nil, oe
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
		if c := o.caps.For(op); !c.Supported {
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
