package providertest

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/certbroker/certbroker/provider"
)

// Call is one call the [Fake] received: every call with a well-formed ID
// and a live context, whether it then succeeded or failed.
type Call struct {
	Op provider.Op
	ID string
	// RequestID is the request ID the call was given ("fake-req-N").
	RequestID string
	// Start and End are the times, on the Fake's clock, at which the call
	// arrived and finished. End is zero while the call is in flight.
	Start, End time.Time
	// Err is the error the call returned, or nil.
	Err error
}

// Renewal is one order created by Renew.
type Renewal struct {
	// From is the ID of the renewed order, NewID that of the new order.
	From, NewID string
	// Tags are the renewal's tags, the new order's.
	Tags []provider.Tag
}

// AllOps stands for every operation in [Fake.SetLatency] and
// [Fake.InjectError].
const AllOps provider.Op = ""

// Seed creates an order in state s out of band (no call is recorded) and
// returns its ID. It panics if s is not one of [provider.States].
func (f *Fake) Seed(s provider.State) string {
	mustBeState(s)
	f.mu.Lock()
	defer f.mu.Unlock()
	id := f.newIDLocked()
	f.orders[id] = &order{state: s, notAfter: f.notAfter(s)}
	return id
}

// SeedID creates order id in state s out of band, or puts an existing
// order id into state s. It panics if id fails [Fake.CheckID] or s is not
// one of [provider.States].
func (f *Fake) SeedID(id string, s provider.State) {
	if err := f.CheckID(id); err != nil {
		panic(fmt.Sprintf("providertest.Fake.SeedID: %v", err))
	}
	mustBeState(s)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.orders[id] = &order{state: s, notAfter: f.notAfter(s)}
}

// StateOf returns the state of order id out of band, or ok == false when
// there is no such order (it was never created, or was deleted).
func (f *Fake) StateOf(id string) (s provider.State, ok bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.orders[id]
	if !ok {
		return provider.StateUnknown, false
	}
	return o.state, true
}

// Renewals returns a copy of the list of orders created by Renew, oldest
// first, including those whose caller saw an injected error.
func (f *Fake) Renewals() []Renewal {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.renewals)
}

// SetLatency makes every call of op wait d after it is recorded and before
// it is applied; op [AllOps] sets the latency of operations without one of
// their own. A negative d holds calls until their context ends. The change
// also applies to calls already waiting, so SetLatency(op, 0) releases
// them.
//
// A call whose context ends while it waits returns at once, without being
// applied, with context's error in its chain: like a request lost in
// flight at a real cloud, it has kind KindOutcomeUnknown for a mutating
// operation and KindUnavailable for Status.
func (f *Fake) SetLatency(op provider.Op, d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.latency[op] = d
	close(f.latencyChanged)
	f.latencyChanged = make(chan struct{})
}

// latencyLocked returns the latency of op and the channel that signals a
// change.
func (f *Fake) latencyLocked(op provider.Op) (time.Duration, <-chan struct{}) {
	d, ok := f.latency[op]
	if !ok {
		d = f.latency[AllOps]
	}
	return d, f.latencyChanged
}

// wait waits out the latency of op, or returns ctx's error.
func (f *Fake) wait(ctx context.Context, op provider.Op) error {
	start := time.Now()
	for {
		f.mu.Lock()
		d, changed := f.latencyLocked(op)
		f.mu.Unlock()
		if d == 0 || d > 0 && time.Since(start) >= d {
			return nil
		}
		if done, err := waitUntil(ctx, start, d, changed); done {
			return err
		}
	}
}

// waitUntil waits until d after start (forever if d < 0), until ctx ends
// or until changed is closed, and reports whether the wait is over.
func waitUntil(ctx context.Context, start time.Time, d time.Duration, changed <-chan struct{}) (done bool, err error) {
	var timeout <-chan time.Time // nil, never ready, when d < 0
	if d > 0 {
		timer := time.NewTimer(d - time.Since(start))
		defer timer.Stop()
		timeout = timer.C
	}
	select {
	case <-ctx.Done():
		return true, ctx.Err()
	case <-timeout:
		return true, nil
	case <-changed:
		return false, nil
	}
}

// notAfter is the end of validity given to a certificate seeded in s.
func (f *Fake) notAfter(s provider.State) time.Time {
	const day = 24 * time.Hour
	switch s {
	case provider.StateIssued, provider.StateRevoking, provider.StateRevoked:
		return f.now().Add(90 * day)
	case provider.StateExpiring:
		return f.now().Add(20 * day)
	case provider.StateExpired:
		return f.now().Add(-day)
	case provider.StateHosted:
		return f.now().Add(365 * day)
	}
	return time.Time{}
}

func mustBeState(s provider.State) {
	if !slices.Contains(provider.States(), s) {
		panic(fmt.Sprintf("providertest.Fake: %v is not a normalized state", s))
	}
}
