package broker

import (
	"context"

	"github.com/certbroker/certbroker/provider"
)

// read runs call, one read of a provider's optional interface (a list
// page, a renewal search) for id at o, as the broker runs every call:
// through the origin's authentication gate, its concurrency slot and its
// pacing (per request for a Paced provider, one token of op otherwise),
// with a panic contained, and retried with backoff while it fails with a
// kind a read may retry, up to the retry policy's MaxAttempts and while
// the origin's retry budget lasts. A lost answer is KindUnavailable: a
// read applies nothing. Each attempt is reported to the observer
// (WithObserver) like any call's.
func (b *Broker) read(ctx context.Context, o *origin, op provider.Op, id string, call func(context.Context) error) *provider.Error {
	for attempt := 1; ; attempt++ {
		perr := b.readAttempt(ctx, o, op, id, attempt, call)
		if perr == nil {
			return nil
		}
		if attempt >= b.cfg.retry.MaxAttempts || ctx.Err() != nil || !provider.Retryable(provider.OpStatus, perr) {
			return perr
		}
		if !o.budget.take() {
			return perr
		}
		if err := b.cfg.clock.Sleep(ctx, b.backoff(attempt)); err != nil {
			return readCanceled(o, op, id, err)
		}
	}
}

// readAttempt makes one attempt of read.
func (b *Broker) readAttempt(ctx context.Context, o *origin, op provider.Op, id string, n int, call func(context.Context) error) (perr *provider.Error) {
	// The authentication gate, as for every call: a bad key or a wrong
	// endpoint costs the origin's few requests in all, reads included.
	probing, stopped, err := o.auth.enter(ctx)
	switch {
	case stopped != nil:
		stopped.Op, stopped.Origin, stopped.ID = op, o.name, id
		return stopped
	case err != nil:
		return readCanceled(o, op, id, err)
	}
	entered := false
	defer func() {
		if entered {
			o.auth.leave(probing, perr)
		} else {
			o.auth.abandon(probing)
		}
	}()
	if err := b.admit(ctx, o); err != nil {
		return readCanceled(o, op, id, err)
	}
	defer b.release(o)
	pctx, pc, lim, err := b.pace(ctx, o, op)
	if err != nil {
		return readCanceled(o, op, id, err)
	}
	entered = true
	start := b.cfg.clock.Now()
	err = b.containRead(pctx, o, op, id, call)
	defer func() { b.observe(o.name, op, id, n, b.cfg.clock.Now().Sub(start), perr) }()
	if err != nil {
		perr = asProviderError(err, o.name, op, id)
		if perr.Kind == provider.KindOutcomeUnknown {
			perr.Kind = provider.KindUnavailable // a read applies nothing
		}
	}
	if pc != nil {
		lim = pc.used()
	}
	b.account(ctx, o, op, pc, lim, perr)
	return perr
}

// containRead calls call, turning a panic into an error of kind other.
func (b *Broker) containRead(ctx context.Context, o *origin, op provider.Op, id string, call func(context.Context) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = b.panicError(ctx, o, op, id, string(op), r, provider.KindOther)
		}
	}()
	return call(ctx)
}

func readCanceled(o *origin, op provider.Op, id string, err error) *provider.Error {
	return &provider.Error{Kind: provider.KindCanceled, Op: op, Origin: o.name, ID: id,
		Message: "the context ended before the read was sent", Err: err}
}
