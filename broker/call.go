package broker

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/certbroker/certbroker/provider"
)

// execution is one operation on one reference, across its attempts.
type execution struct {
	b   *Broker
	o   *origin
	ref provider.Ref
	req provider.Request
	op  provider.Op
	// errs holds every attempt's error; last is the newest.
	errs []error
	last *provider.Error
	// maybeApplied is set once an attempt of a mutating operation may
	// have been applied: from then on the outcome rule of package
	// provider decides how the execution ends.
	maybeApplied bool
	// cause is the cause of the newest attempt whose outcome was unknown.
	cause error
	// panicked is set when the provider panicked: it is not called
	// again for this operation.
	panicked bool
	// beforeSend, when set, runs once, just before the first request
	// is sent (after the waits for a slot and for pacing); when it
	// fails, nothing is sent. A journal records its intent there.
	beforeSend func() error
	// finder, for a Renew to a provider.RenewalFinder, looks for the
	// order an unknown renewal may have created; sentAt is when the
	// first request went out.
	finder provider.RenewalFinder
	sentAt time.Time
}

// exec sends req for ref to o, retrying and settling per the outcome rule
// (see package provider). It returns the result, the number of calls of
// req's operation made, and an *OpError or nil.
func (b *Broker) exec(ctx context.Context, o *origin, ref provider.Ref, req provider.Request) (*Result, int, *OpError) {
	return b.execJournaled(ctx, o, ref, req, nil)
}

// execJournaled is exec with a function run just before the first request
// is sent; when it fails, nothing is sent and the item fails with its
// error.
func (b *Broker) execJournaled(ctx context.Context, o *origin, ref provider.Ref, req provider.Request, beforeSend func() error) (*Result, int, *OpError) {
	x := &execution{b: b, o: o, ref: ref, req: req, op: req.Op(), beforeSend: beforeSend}
	if perr := b.precheck(ctx, o, req); perr != nil {
		// Refused before sending, as the provider itself would: bad
		// input gets its own error, whatever state the origin is in.
		return nil, 0, x.failure(perr, "")
	}
	x.markRenewal(ctx)
	for attempt := 1; ; attempt++ {
		res, perr, notSent := x.try(ctx, attempt)
		switch {
		case notSent != nil:
			return x.notAttempted(ctx, attempt, notSent)
		case perr == nil:
			return &Result{Result: *res}, attempt, nil
		}
		x.record(perr)
		if x.maybeApplied && x.op == provider.OpDelete && perr.Kind == provider.KindNotFound {
			// The cloud itself says the order is gone: the proof of a
			// Delete.
			return x.proved(&provider.Result{Origin: o.name, ID: ref.ID, Op: x.op,
				RequestID: perr.RequestID}, attempt)
		}
		if note, stop := x.stop(attempt, perr); stop {
			return x.finish(ctx, attempt, note)
		}
		d := b.backoff(attempt)
		b.logRetry(ctx, o.name, x.op, ref.ID, attempt, d, perr)
		if err := b.cfg.clock.Sleep(ctx, d); err != nil {
			return x.finish(ctx, attempt, "context ended during backoff: "+err.Error())
		}
	}
}

// notAttempted ends an execution whose attempt n sent nothing: the origin
// is stopped for bad credentials, or the context ended before the request
// went out. After earlier attempts, their outcome decides (finish).
func (x *execution) notAttempted(ctx context.Context, n int, why *provider.Error) (*Result, int, *OpError) {
	if n > 1 {
		return x.finish(ctx, n-1, "not attempted again: "+why.Error())
	}
	if _, ok := why.Err.(waitEnded); ok {
		return nil, 0, canceledError(ctx, x.op, x.ref)
	}
	why.Op, why.Origin, why.ID = x.op, x.o.name, x.ref.ID
	oe := x.failure(why, "")
	if why.Kind == provider.KindCanceled {
		oe.Attempts = []error{why} // the provider's own refusal to send
	}
	return nil, 0, oe
}

// record keeps an attempt's error.
func (x *execution) record(perr *provider.Error) {
	x.errs, x.last = append(x.errs, perr), perr
	if x.op.Mutating() && perr.Kind == provider.KindOutcomeUnknown {
		x.maybeApplied, x.cause = true, perr.Err
	}
}

// stop says whether to stop after a failed attempt, and why.
func (x *execution) stop(attempt int, perr *provider.Error) (note string, stop bool) {
	switch {
	case x.panicked:
		return "the provider panicked; not called again", true
	case !provider.Retryable(x.op, perr):
		return "", true
	case attempt >= x.b.cfg.retry.MaxAttempts:
		return fmt.Sprintf("gave up after %d attempts", attempt), true
	case !x.o.budget.take():
		return fmt.Sprintf("retry budget of origin %q exhausted", x.o.name), true
	}
	return "", false
}

// finish ends a failed execution. Before any attempt may have been
// applied, the last error is the outcome. After one may have, the outcome
// rule applies: a Renew is reported unknown (it is never re-sent); any
// other operation is settled by one state read, which proves it applied
// (success, marked AlreadyDone), proves it not applied (the last error,
// with outcome_unknown turned into unavailable), or proves nothing
// (outcome_unknown).
func (x *execution) finish(ctx context.Context, attempts int, note string) (*Result, int, *OpError) {
	if !x.maybeApplied {
		return nil, attempts, x.failure(x.last, note)
	}
	if x.op.CreatesOrder() {
		return x.discover(ctx, attempts, joinNote(note, "not re-sent: an earlier request may have created an order"))
	}
	if err := ctx.Err(); err != nil {
		u := x.unknown()
		u.Err = context.Cause(ctx)
		return nil, attempts, x.failure(u, joinNote(note, "the state could not be read to settle it: "+err.Error()))
	}
	st, _, serr := x.b.exec(ctx, x.o, x.ref, provider.StatusRequest{ID: x.ref.ID})
	if serr != nil {
		if x.op == provider.OpDelete && serr.Kind() == provider.KindNotFound {
			return x.proved(&provider.Result{Origin: x.o.name, ID: x.ref.ID, Op: x.op,
				RequestID: serr.Err.RequestID}, attempts)
		}
		u := x.unknown()
		if ctx.Err() != nil {
			u.Err = context.Cause(ctx)
		}
		return nil, attempts, x.failure(u, joinNote(note, "the state could not be read to settle it: "+serr.Err.Error()))
	}
	if st.ID != x.ref.ID {
		oe := x.failure(x.unknown(), joinNote(note, fmt.Sprintf(
			"outcome unknown: the state read to settle it named order %q, not this one", st.ID)))
		return nil, attempts, oe
	}
	switch x.o.capsFor(x.ref.ID).Evidence(x.op, st.State) {
	case provider.Applied:
		res := st.Result
		res.Op = x.op
		return x.proved(&res, attempts)
	case provider.NotApplied:
		final := *x.last
		if final.Kind == provider.KindOutcomeUnknown {
			final.Kind = provider.KindUnavailable
		}
		oe := x.failure(&final, joinNote(note, fmt.Sprintf(
			"the order reads %s afterwards, so the %s was not applied", st.State, x.op)))
		oe.Read = &st.Result
		return nil, attempts, oe
	}
	why := fmt.Sprintf("the order reads %s, which proves nothing: this cloud can show it whether or not the %s was applied",
		st.State, x.op)
	if st.State == provider.StateUnknown {
		why = "the order's state could not be recognised (" + provider.StateUnknown.String() + "), which proves nothing"
	}
	oe := x.failure(x.unknown(), joinNote(note, "outcome unknown: "+why))
	oe.Read = &st.Result
	return nil, attempts, oe
}

// proved reports a success found by reconciliation.
func (x *execution) proved(res *provider.Result, attempts int) (*Result, int, *OpError) {
	x.b.logReconciled(context.Background(), x.o.name, x.op, x.ref.ID, res.State)
	return &Result{Result: *res, AlreadyDone: true}, attempts, nil
}

// unknown is the final error of an execution whose outcome is unknown.
func (x *execution) unknown() *provider.Error {
	e := &provider.Error{Kind: provider.KindOutcomeUnknown, Op: x.op, Origin: x.o.name, ID: x.ref.ID,
		Message: "an earlier attempt may have been applied", Err: x.cause}
	if x.last != nil {
		e.Code, e.RequestID, e.HTTPStatus = x.last.Code, x.last.RequestID, x.last.HTTPStatus
	}
	return e
}

func (x *execution) failure(final *provider.Error, note string) *OpError {
	return &OpError{Op: x.op, Ref: x.ref, Err: final, Attempts: x.errs, Note: note}
}

// try passes the origin's authentication gate, waits for its slot and
// pacing, makes one call, and normalises its outcome. notSent says why
// nothing was sent, when nothing was: the origin is stopped for bad
// credentials, the context ended while waiting, or the provider saw it
// end before sending. Every release is deferred, so
// that a provider calling runtime.Goexit (t.FailNow in a test double)
// still gives back the probe and the origin's slot.
func (x *execution) try(ctx context.Context, n int) (res *provider.Result, perr, notSent *provider.Error) {
	b, o := x.b, x.o
	probing, stopped, err := o.auth.enter(ctx)
	switch {
	case stopped != nil:
		return nil, nil, stopped
	case err != nil:
		return nil, nil, waited()
	}
	left := false
	defer func() {
		if !left {
			o.auth.abandon(probing)
		}
	}()
	if err := b.admit(ctx, o); err != nil {
		return nil, nil, waited()
	}
	slot := true
	defer func() {
		if slot {
			b.release(o)
		}
	}()
	callCtx, pc, lim, err := b.pace(ctx, o, x.op)
	if err != nil {
		return nil, nil, waited()
	}
	if x.beforeSend != nil {
		f := x.beforeSend
		x.beforeSend = nil
		if err := f(); err != nil {
			return nil, nil, &provider.Error{Kind: provider.KindOther, Code: "journal",
				Message: "not sent: its intent could not be recorded in the journal: " + err.Error(), Err: err}
		}
	}
	start := b.cfg.clock.Now()
	if x.sentAt.IsZero() {
		x.sentAt = start
	}
	res, err, panicked := b.call(callCtx, o, x.req)
	b.release(o)
	slot = false
	if pc != nil {
		lim = pc.used()
	}
	res, perr = x.normalize(res, err, panicked)
	b.account(ctx, o, x.op, pc, lim, perr)
	left = true
	o.auth.leave(probing, perr)
	x.report(ctx, n, b.cfg.clock.Now().Sub(start), res, perr)
	if perr != nil && perr.Kind == provider.KindCanceled {
		// The provider saw the context end before it sent anything.
		return nil, nil, perr
	}
	return res, perr, nil
}

// waited is the reason for not sending when the context ended while the
// broker waited for a slot or a token.
func waited() *provider.Error { return &provider.Error{Kind: provider.KindCanceled, Err: waitEnded{}} }

// waitEnded marks waited's error, which notAttempted replaces with the
// context's own.
type waitEnded struct{}

func (waitEnded) Error() string { return "the context ended while waiting to send" }

// pace prepares the pacing of one call of op at o: a provider that
// declares Capabilities.Paced gets a pacer in its context and paces each
// request itself; any other provider waits here for one token of op.
func (b *Broker) pace(ctx context.Context, o *origin, op provider.Op) (context.Context, *pacer, *limiter, error) {
	if o.caps.Paced {
		pc := &pacer{b: b, o: o}
		return provider.WithPacer(ctx, pc), pc, nil, nil
	}
	lim := o.limiterFor(string(op))
	return ctx, nil, lim, lim.wait(ctx, b.cfg.clock)
}

// normalize turns what the provider returned into a stamped result or a
// provider error.
func (x *execution) normalize(res *provider.Result, err error, panicked bool) (*provider.Result, *provider.Error) {
	switch {
	case err != nil:
		x.panicked = x.panicked || panicked
		return nil, asProviderError(err, x.o.name, x.op, x.ref.ID)
	case res == nil:
		perr := &provider.Error{Kind: provider.KindOther, Op: x.op, Origin: x.o.name, ID: x.ref.ID,
			Message: "provider returned neither a result nor an error"}
		if x.op.Mutating() {
			perr.Kind = provider.KindOutcomeUnknown
		}
		return nil, perr
	}
	return stampResult(res, x.o.name, x.op, x.ref.ID), nil
}

// account updates the origin's rate and budget after a call of op: a
// success restores a lowered rate and refills the budget, a throttle
// lowers the rate, and a provider that declares Paced but paced nothing
// still spends a token for what it may have sent, after the fact. lim is
// the limiter the call drew on (pc.used() for a Paced provider).
func (b *Broker) account(ctx context.Context, o *origin, op provider.Op, pc *pacer, lim *limiter, perr *provider.Error) {
	if pc != nil && !pc.paced() && (perr == nil || !preSend(perr.Kind)) {
		_ = lim.wait(ctx, b.cfg.clock)
	}
	switch {
	case perr == nil:
		lim.succeeded(b.cfg.clock)
		o.budget.succeeded()
	case perr.Kind == provider.KindThrottled:
		if r, cut := lim.throttled(b.cfg.clock.Now()); cut {
			b.logRate(ctx, o.name, op, r)
		}
	}
}

// report logs the attempt at Debug and hands it to the observer.
func (x *execution) report(ctx context.Context, n int, d time.Duration, res *provider.Result, perr *provider.Error) {
	if x.b.debugEnabled(ctx) {
		x.b.logAttempt(ctx, x.ref, x.op, n, d, res, perr)
	}
	x.b.observe(x.o.name, x.op, x.ref.ID, n, d, perr)
}

// precheck runs the provider's own pre-send checks (its IDChecker and
// provider.Checker), containing a panic in them, and returns the refusal
// stamped with the origin, or nil.
func (b *Broker) precheck(ctx context.Context, o *origin, req provider.Request) *provider.Error {
	err := b.contain(ctx, o, req, "check", func() error {
		if o.idChecker != nil {
			if err := o.idChecker.CheckID(req.TargetID()); err != nil {
				return err
			}
		}
		if o.reqChecker != nil {
			return o.reqChecker.Check(req)
		}
		return nil
	})
	if err == nil {
		return nil
	}
	return asProviderError(err, o.name, req.Op(), req.TargetID())
}

// contain runs f, one of a provider's own functions outside its five
// methods, turning a panic into an error of kind other, logged with its
// stack.
func (b *Broker) contain(ctx context.Context, o *origin, req provider.Request, what string, f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = b.panicError(ctx, o, req.Op(), req.TargetID(), what, r, provider.KindOther)
		}
	}()
	return f()
}

// preSend reports whether a kind is one a provider gives before sending
// anything.
func preSend(k provider.Kind) bool {
	return k == provider.KindInvalidArgument || k == provider.KindUnsupported || k == provider.KindCanceled
}

// stampResult returns res naming the registered origin, the operation and
// the ID, without modifying the provider's own value.
func stampResult(res *provider.Result, origin string, op provider.Op, id string) *provider.Result {
	if res.Origin == origin && res.ID != "" && res.Op != "" {
		return res
	}
	cp := *res
	cp.Origin = origin
	if cp.ID == "" {
		cp.ID = id
	}
	if cp.Op == "" {
		cp.Op = op
	}
	return &cp
}

// call invokes the provider, containing a panic: it becomes the call's
// error (outcome_unknown for a mutating operation, whose request may have
// gone out; other for Status), logged at Error with its stack.
func (b *Broker) call(ctx context.Context, o *origin, req provider.Request) (res *provider.Result, err error, panicked bool) {
	defer func() {
		if r := recover(); r != nil {
			kind := provider.KindOther
			if req.Op().Mutating() {
				kind = provider.KindOutcomeUnknown
			}
			res, err, panicked = nil, b.panicError(ctx, o, req.Op(), req.TargetID(), "", r, kind), true
		}
	}()
	res, err = provider.Call(ctx, o.p, req)
	return res, err, false
}

// panicError logs a provider's panic at Error, with its stack, and returns
// it as an error of the given kind. where names the function that
// panicked when it is not the operation itself.
func (b *Broker) panicError(ctx context.Context, o *origin, op provider.Op, id, where string, r any, kind provider.Kind) *provider.Error {
	if where != "" {
		where = " in " + where
	}
	msg := truncate(fmt.Sprintf("the provider panicked%s: %v", where, r), 512)
	b.cfg.logger.LogAttrs(ctx, slog.LevelError, "certbroker: provider panicked",
		slog.String("origin", o.name), slog.String("op", string(op)), slog.String("id", id),
		slog.String("panic", msg), slog.String("stack", string(debug.Stack())))
	return &provider.Error{Kind: kind, Op: op, Origin: o.name, ID: id, Code: "panic", Message: msg}
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}

// admit waits for the origin's concurrency slot. On success the caller
// holds the slot (if any) and must release it.
func (b *Broker) admit(ctx context.Context, o *origin) error {
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
	return nil
}

// release gives back the origin's concurrency slot.
func (b *Broker) release(o *origin) {
	if o.sem != nil {
		<-o.sem
	}
}

// pacer is the provider.Pacer of one attempt: it waits on the origin's
// limiter of each API asked for, and remembers the last one, whose rate a
// throttled answer lowers.
type pacer struct {
	b    *Broker
	o    *origin
	last atomic.Pointer[limiter]
}

// Wait implements provider.Pacer.
func (p *pacer) Wait(ctx context.Context, api string) error {
	l := p.o.limiterFor(api)
	p.last.Store(l)
	return l.wait(ctx, p.b.cfg.clock)
}

// paced reports whether the provider asked the pacer at all.
func (p *pacer) paced() bool { return p.last.Load() != nil }

// used returns the limiter of the attempt's last request, or the origin's
// shared one when the provider paced nothing.
func (p *pacer) used() *limiter {
	if l := p.last.Load(); l != nil {
		return l
	}
	return p.o.shared
}

// backoff returns the pause after the given failed attempt: exponential
// in the attempt number, capped, with the upper half jittered.
func (b *Broker) backoff(attempt int) time.Duration {
	d := b.cfg.retry.BackoffBase
	for i := 1; i < attempt && d < b.cfg.retry.BackoffMax; i++ {
		d *= 2
	}
	d = min(d, b.cfg.retry.BackoffMax)
	b.jitterMu.Lock()
	j := b.cfg.retry.Jitter()
	b.jitterMu.Unlock()
	j = min(max(j, 0), 1)
	return d/2 + time.Duration(j*float64(d/2))
}
