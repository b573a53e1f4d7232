package providertest

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/certbroker/certbroker/provider"
)

// Fake is an in-memory [provider.Provider] for tests. It follows the
// normalized order life cycle exactly, synchronously:
//
//   - Cancel: from StateUnderReview to StateCancelled;
//   - Revoke: from StateIssued or StateExpiring to StateRevoked;
//   - Delete: from StateReviewFailed or StateCancelled, after which the
//     order is gone and every call on it fails with KindNotFound;
//   - Renew: from StateExpiring, creating a new order in
//     StatePendingApplication (with the old order's domains and type, and
//     no NotAfter) and leaving the old one unchanged;
//   - Status: from any state, reporting it.
//
// Any other transition fails with KindInvalidState and changes nothing.
// The Fake is also a [provider.Lister] (see [Fake.List]).
// [Fake.Capabilities] describes exactly this machine, and the Fake applies
// it by consulting its own capabilities, so the two cannot disagree.
//
// IDs have the shape "fake-" followed by 1 to 18 ASCII digits (see
// [Fake.CheckID]). Every call checks the ID first: a malformed one fails
// with KindInvalidArgument and is not recorded as a call. Then a context
// that has already ended fails the call with KindCanceled, again without
// recording it. Every other call is recorded (see [Fake.Calls],
// [Fake.CallCount] and [WithCallLogLimit]), waits for the configured
// latency ([Fake.SetLatency]), may fail with an injected error
// ([Fake.InjectError]), and is then applied.
//
// Every error is a [*provider.Error]. Results carry the origin, ID, Op,
// the state after the call, the state's name as NativeState, and a request
// ID "fake-req-N". Reason, CSR and Tags are accepted without checks.
//
// A Fake is safe for concurrent use. The zero value is not usable; build
// one with [NewFake].
type Fake struct {
	origin string
	now    func() time.Time
	caps   provider.Capabilities

	mu         sync.Mutex
	orders     map[string]*order
	lastID     uint64
	lastReq    uint64
	calls      callLog
	renewals   []Renewal
	injections []*injection
	latency    map[provider.Op]time.Duration
	// latencyChanged is closed and replaced by every SetLatency, so that
	// calls already waiting re-read their latency.
	latencyChanged chan struct{}
}

// order is one order held by a Fake.
type order struct {
	state    provider.State
	notAfter time.Time
	domains  []string // see SeedOptions
	typ      string
	tags     []provider.Tag // a renewal's tags
	created  time.Time      // set for orders a renewal created
}

// FakeOption configures a [Fake].
type FakeOption func(*Fake)

// WithOrigin sets the origin name the Fake reports in results and errors.
// The default is "fake". NewFake panics if name is not a valid origin (see
// [provider.ValidateOrigin]).
func WithOrigin(name string) FakeOption {
	return func(f *Fake) { f.origin = name }
}

// WithClock sets the clock the Fake uses for call times and for the
// NotAfter of seeded certificates. The default is [time.Now]. Latency
// always runs on real timers.
func WithClock(now func() time.Time) FakeOption {
	return func(f *Fake) { f.now = now }
}

// NewFake returns an empty Fake.
func NewFake(opts ...FakeOption) *Fake {
	f := &Fake{
		origin:         "fake",
		now:            time.Now,
		caps:           fakeCapabilities(),
		orders:         make(map[string]*order),
		latency:        make(map[provider.Op]time.Duration),
		latencyChanged: make(chan struct{}),
	}
	for _, opt := range opts {
		opt(f)
	}
	if err := provider.ValidateOrigin(f.origin); err != nil {
		panic(fmt.Sprintf("providertest.NewFake: %v", err))
	}
	if f.now == nil {
		panic("providertest.NewFake: WithClock(nil)")
	}
	if f.calls.bounded && f.calls.limit < 0 {
		panic(fmt.Sprintf("providertest.NewFake: WithCallLogLimit(%d): the limit cannot be negative", f.calls.limit))
	}
	return f
}

// fakeCapabilities is the normalized life cycle, as the Fake implements it.
func fakeCapabilities() provider.Capabilities {
	return provider.Capabilities{
		Cancel: provider.OpCapability{
			Supported: true,
			From:      []provider.State{provider.StateUnderReview},
			Lands:     provider.StateCancelled,
			Settles:   provider.StateCancelled,
			Note:      "withdraws an application under review, synchronously",
		},
		Revoke: provider.OpCapability{
			Supported: true,
			From:      []provider.State{provider.StateIssued, provider.StateExpiring},
			Lands:     provider.StateRevoked,
			Settles:   provider.StateRevoked,
			Note:      "revokes at once; the reason is accepted and ignored",
		},
		Delete: provider.OpCapability{
			Supported: true,
			From:      []provider.State{provider.StateReviewFailed, provider.StateCancelled},
			Lands:     provider.StateUnknown,
			Settles:   provider.StateUnknown,
			Note:      "removes the order; later calls on it fail with not_found",
		},
		Renew: provider.OpCapability{
			Supported: true,
			From:      []provider.State{provider.StateExpiring},
			Lands:     provider.StatePendingApplication,
			Settles:   provider.StatePendingApplication,
			Note:      "creates a new order; the old one is unchanged",
		},
	}
}

// Capabilities describes the Fake's life cycle. Each call returns a fresh
// copy.
func (f *Fake) Capabilities() provider.Capabilities { return fakeCapabilities() }

// Origin returns the origin name the Fake reports.
func (f *Fake) Origin() string { return f.origin }

const (
	idPrefix    = "fake-"
	maxIDDigits = 18
)

// CheckID implements [provider.IDChecker]: id must pass
// [provider.ValidateID] and be "fake-" followed by 1 to 18 ASCII digits.
func (f *Fake) CheckID(id string) error {
	if err := provider.ValidateID(id); err != nil {
		return &provider.Error{Kind: provider.KindInvalidArgument, Origin: f.origin,
			Message: fmt.Sprintf("ID %q is malformed", truncate(id)), Err: err}
	}
	digits, ok := strings.CutPrefix(id, idPrefix)
	if !ok || len(digits) == 0 || len(digits) > maxIDDigits || strings.Trim(digits, "0123456789") != "" {
		return &provider.Error{Kind: provider.KindInvalidArgument, Origin: f.origin,
			Message: fmt.Sprintf("ID %q is not a fake order ID: want %q followed by 1 to %d digits", truncate(id), idPrefix, maxIDDigits)}
	}
	return nil
}

// Cancel implements [provider.Provider].
func (f *Fake) Cancel(ctx context.Context, req provider.CancelRequest) (*provider.Result, error) {
	return f.do(ctx, provider.OpCancel, req.ID)
}

// Revoke implements [provider.Provider].
func (f *Fake) Revoke(ctx context.Context, req provider.RevokeRequest) (*provider.Result, error) {
	return f.do(ctx, provider.OpRevoke, req.ID)
}

// Delete implements [provider.Provider].
func (f *Fake) Delete(ctx context.Context, req provider.DeleteRequest) (*provider.Result, error) {
	return f.do(ctx, provider.OpDelete, req.ID)
}

// Renew implements [provider.Provider].
func (f *Fake) Renew(ctx context.Context, req provider.RenewRequest) (*provider.Result, error) {
	return f.do(ctx, provider.OpRenew, req.ID, req.Tags...)
}

// Status implements [provider.Provider].
func (f *Fake) Status(ctx context.Context, req provider.StatusRequest) (*provider.Result, error) {
	return f.do(ctx, provider.OpStatus, req.ID)
}

// Check implements [provider.Checker]: the Fake refuses before a call
// exactly what CheckID refuses, whatever the operation.
func (f *Fake) Check(req provider.Request) error {
	if req == nil {
		return &provider.Error{Kind: provider.KindInvalidArgument, Origin: f.origin, Message: "nil request"}
	}
	return f.check(req.Op(), req.TargetID())
}

func (f *Fake) check(op provider.Op, id string) error {
	if err := f.CheckID(id); err != nil {
		e := err.(*provider.Error)
		e.Op, e.ID = op, id
		return e
	}
	return nil
}

// do runs one call: validate, record, wait, maybe fail, apply. tags are
// a renewal's, for the order it creates.
func (f *Fake) do(ctx context.Context, op provider.Op, id string, tags ...provider.Tag) (*provider.Result, error) {
	if err := f.check(op, id); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, &provider.Error{Kind: provider.KindCanceled, Op: op, Origin: f.origin, ID: id,
			Message: "context ended before the call", Err: err}
	}
	n, reqID := f.begin(op, id)
	if err := f.wait(ctx, op); err != nil {
		kind := provider.KindUnavailable
		if op.Mutating() {
			kind = provider.KindOutcomeUnknown
		}
		e := &provider.Error{Kind: kind, Op: op, Origin: f.origin, ID: id, RequestID: reqID,
			Message: "context ended while the call was in flight", Err: err}
		f.end(n, e)
		return nil, e
	}

	f.mu.Lock()
	defer f.mu.Unlock()
	inj := f.takeInjectionLocked(op, id)
	if inj != nil && !inj.afterApply {
		e := f.injectedError(inj.err, op, id, reqID)
		f.endLocked(n, e)
		return nil, e
	}
	res, err := f.applyLocked(op, id, reqID, tags)
	if err == nil && inj != nil {
		res, err = nil, f.injectedError(inj.err, op, id, reqID)
	}
	if err != nil {
		f.endLocked(n, err)
		return nil, err
	}
	f.endLocked(n, nil)
	return res, nil
}

// applyLocked applies op to order id following f.caps.
func (f *Fake) applyLocked(op provider.Op, id, reqID string, tags []provider.Tag) (*provider.Result, error) {
	o, ok := f.orders[id]
	if !ok {
		return nil, &provider.Error{Kind: provider.KindNotFound, Op: op, Origin: f.origin, ID: id,
			Code: "NotFound", Message: "no such order", RequestID: reqID}
	}
	res := &provider.Result{Origin: f.origin, ID: id, Op: op, RequestID: reqID}
	c := f.caps.For(op)
	if !c.Allows(o.state) {
		return nil, &provider.Error{Kind: provider.KindInvalidState, Op: op, Origin: f.origin, ID: id,
			Code: "InvalidState", RequestID: reqID,
			Message: fmt.Sprintf("cannot %s an order in state %s; allowed from %s", op, o.state, joinStates(c.From))}
	}
	switch op {
	case provider.OpCancel, provider.OpRevoke:
		o.state = c.Lands
	case provider.OpDelete:
		delete(f.orders, id)
		return res, nil
	case provider.OpRenew:
		newID := f.newIDLocked()
		f.orders[newID] = &order{state: c.Lands, domains: slices.Clone(o.domains), typ: o.typ,
			tags: slices.Clone(tags), created: f.now()}
		f.renewals = append(f.renewals, Renewal{From: id, NewID: newID, Tags: slices.Clone(tags)})
		res.NewID = newID
	}
	res.State, res.NativeState, res.NotAfter = o.state, o.state.String(), o.notAfter
	return res, nil
}

// begin records the start of a call and returns its index and request ID.
func (f *Fake) begin(op provider.Op, id string) (int, string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastReq++
	reqID := "fake-req-" + strconv.FormatUint(f.lastReq, 10)
	return f.calls.add(Call{Op: op, ID: id, RequestID: reqID, Start: f.now()}), reqID
}

// end records the end of call n.
func (f *Fake) end(n int, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.endLocked(n, err)
}

func (f *Fake) endLocked(n int, err error) {
	if c := f.calls.at(n); c != nil {
		c.End, c.Err = f.now(), err
	}
}

// newIDLocked returns an unused ID.
func (f *Fake) newIDLocked() string {
	for {
		f.lastID++
		id := idPrefix + strconv.FormatUint(f.lastID, 10)
		if _, taken := f.orders[id]; !taken {
			return id
		}
	}
}

func joinStates(states []provider.State) string {
	names := make([]string, len(states))
	for i, s := range states {
		names[i] = s.String()
	}
	return strings.Join(names, ", ")
}

// truncate shortens s for an error message.
func truncate(s string) string {
	const limit = 64
	if len(s) <= limit {
		return s
	}
	return s[:limit] + "…"
}
