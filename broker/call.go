package broker

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/certbroker/certbroker/provider"
)

// request is one operation with its inputs, for any reference.
type request struct {
	op     provider.Op
	reason string
	csr    string
	tags   []provider.Tag
}

// exec sends req for ref to o, retrying and reconciling per the broker's
// policy. It returns the result, the number of calls of req.op made, and
// an *OpError or nil.
func (b *Broker) exec(ctx context.Context, o *origin, ref provider.Ref, req request) (*provider.Result, int, *OpError) {
	op, clk := req.op, b.cfg.clock
	lim := o.limiters[opIndex(op)]
	var (
		errs      []error
		last      *provider.Error
		ambiguous bool // an earlier attempt may have been applied
	)
	stop := func(attempts int, note string) (*provider.Result, int, *OpError) {
		return nil, attempts, &OpError{Op: op, Ref: ref, Err: last, Attempts: errs, Note: note}
	}
	for attempt := 1; ; attempt++ {
		if err := b.admit(ctx, o, lim); err != nil {
			if attempt == 1 {
				return nil, 0, canceledError(ctx, op, ref)
			}
			return stop(attempt-1, "context ended before attempt "+strconv.Itoa(attempt)+": "+err.Error())
		}
		res, perr := b.attempt(ctx, o, ref, req, attempt)
		if o.sem != nil {
			<-o.sem
		}
		if perr == nil {
			lim.succeeded(clk)
			o.budget.succeeded()
			return res, attempt, nil
		}
		errs, last = append(errs, perr), perr
		if perr.Kind == provider.KindThrottled {
			if r, cut := lim.throttled(clk.Now()); cut {
				b.logRate(ctx, o.name, op, r)
			}
		}
		if ambiguous {
			res, note, still := b.reconcile(ctx, o, ref, op, perr)
			if res != nil {
				return res, attempt, nil
			}
			if still {
				last = &provider.Error{Kind: provider.KindOutcomeUnknown, Op: op, Origin: o.name, ID: ref.ID,
					Code: perr.Code, RequestID: perr.RequestID, HTTPStatus: perr.HTTPStatus, Message: note}
			}
			if note != "" {
				return stop(attempt, note)
			}
		}
		ambiguous = ambiguous || perr.Kind == provider.KindOutcomeUnknown
		switch {
		case !provider.Retryable(op, perr):
			note := ""
			if perr.Kind == provider.KindOutcomeUnknown && op.CreatesOrder() {
				note = "not re-sent: the first request may have created an order; check for it before renewing again"
			}
			return stop(attempt, note)
		case attempt >= b.cfg.maxAttempts:
			return stop(attempt, fmt.Sprintf("gave up after %d attempts", attempt))
		case !o.budget.take():
			return stop(attempt, fmt.Sprintf("retry budget of origin %q exhausted", o.name))
		}
		d := b.backoff(attempt)
		b.logRetry(ctx, o.name, op, ref.ID, attempt, d, perr)
		if err := clk.Sleep(ctx, d); err != nil {
			return stop(attempt, "context ended during backoff: "+err.Error())
		}
	}
}

// admit waits for the origin's concurrency slot and then for its rate
// limit. On success the caller holds the slot (if any) and must release
// it; on error it holds nothing.
func (b *Broker) admit(ctx context.Context, o *origin, lim *limiter) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if o.sem != nil {
		select {
		case o.sem <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if err := lim.wait(ctx, b.cfg.clock); err != nil {
		if o.sem != nil {
			<-o.sem
		}
		return err
	}
	return nil
}

// attempt makes one call and normalises its outcome.
func (b *Broker) attempt(ctx context.Context, o *origin, ref provider.Ref, req request, n int) (*provider.Result, *provider.Error) {
	debug := b.debugEnabled(ctx)
	var start time.Time
	if debug {
		start = b.cfg.clock.Now()
	}
	res, err := invoke(ctx, o.p, ref.ID, req)
	switch {
	case err != nil:
		perr := asProviderError(err, o.name, req.op, ref.ID)
		if debug {
			b.logAttempt(ctx, ref, req.op, n, b.cfg.clock.Now().Sub(start), nil, perr)
		}
		return nil, perr
	case res == nil:
		perr := &provider.Error{Kind: provider.KindOther, Op: req.op, Origin: o.name, ID: ref.ID,
			Message: "provider returned neither a result nor an error"}
		if req.op.Mutating() {
			perr.Kind = provider.KindOutcomeUnknown
		}
		return nil, perr
	}
	if res.Origin != o.name || res.ID == "" || res.Op == "" {
		cp := *res
		cp.Origin = o.name
		if cp.ID == "" {
			cp.ID = ref.ID
		}
		if cp.Op == "" {
			cp.Op = req.op
		}
		res = &cp
	}
	if debug {
		b.logAttempt(ctx, ref, req.op, n, b.cfg.clock.Now().Sub(start), res, nil)
	}
	return res, nil
}

// invoke calls the provider method for req.op.
func invoke(ctx context.Context, p provider.Provider, id string, req request) (*provider.Result, error) {
	switch req.op {
	case provider.OpCancel:
		return p.Cancel(ctx, provider.CancelRequest{ID: id})
	case provider.OpRevoke:
		return p.Revoke(ctx, provider.RevokeRequest{ID: id, Reason: req.reason})
	case provider.OpDelete:
		return p.Delete(ctx, provider.DeleteRequest{ID: id})
	case provider.OpRenew:
		return p.Renew(ctx, provider.RenewRequest{ID: id, CSR: req.csr, Tags: req.tags})
	case provider.OpStatus:
		return p.Status(ctx, provider.StatusRequest{ID: id})
	}
	return nil, &provider.Error{Kind: provider.KindInvalidArgument, Op: req.op, ID: id, Message: fmt.Sprintf("unknown operation %q", req.op)}
}

// reconcile decides, after an earlier attempt's outcome was unknown,
// whether perr means the operation was in fact applied. It returns the
// result when it was. Otherwise it returns a note explaining why not
// (empty when perr says nothing about it), and still is true when the
// outcome remains unknown: the state could not be read, or it is a
// look-alike (provider.OpCapability.LooksReached) that an applied and a
// refused operation both leave behind.
func (b *Broker) reconcile(ctx context.Context, o *origin, ref provider.Ref, op provider.Op, perr *provider.Error) (res *provider.Result, note string, still bool) {
	switch {
	case op == provider.OpDelete && perr.Kind == provider.KindNotFound:
		b.logReconciled(ctx, o.name, op, ref.ID, provider.StateUnknown)
		return &provider.Result{Origin: o.name, ID: ref.ID, Op: op, Deleted: true, AlreadyDone: true, RequestID: perr.RequestID}, "", false
	case (op == provider.OpCancel || op == provider.OpRevoke) && perr.Kind == provider.KindInvalidState:
		st, _, serr := b.exec(ctx, o, ref, request{op: provider.OpStatus})
		if serr != nil {
			return nil, "outcome unknown: could not read the state to reconcile: " + serr.Error(), true
		}
		c := o.caps.For(op)
		switch {
		case c.Reached(st.State):
			b.logReconciled(ctx, o.name, op, ref.ID, st.State)
			res := *st
			res.Op, res.AlreadyDone = op, true
			return &res, "", false
		case c.LooksReached(st.State):
			return nil, fmt.Sprintf("outcome unknown: the order reads as %s, which is how this cloud shows both an order "+
				"the %s was applied to and one it never was", st.State, op), true
		}
		return nil, fmt.Sprintf("after an unknown outcome the order is in state %s, not %s", st.State, landsOrSettles(c)), false
	}
	return nil, "", false
}

func landsOrSettles(c provider.OpCapability) string {
	if c.Settles == c.Lands {
		return c.Lands.String()
	}
	return c.Lands.String() + " or " + c.Settles.String()
}

// backoff returns the pause after the given failed attempt: exponential
// in the attempt number, capped, with the upper half jittered.
func (b *Broker) backoff(attempt int) time.Duration {
	d := b.cfg.backoffBase
	for i := 1; i < attempt && d < b.cfg.backoffMax; i++ {
		d *= 2
	}
	d = min(d, b.cfg.backoffMax)
	b.jitterMu.Lock()
	j := b.cfg.jitter()
	b.jitterMu.Unlock()
	j = min(max(j, 0), 1)
	return d/2 + time.Duration(j*float64(d/2))
}
