package broker_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

// TestAuthFailFast: with bad credentials at one origin, a bulk run of 200
// refs sends at most the limit to it, however high the concurrency; its
// other items fail unauthorized, not sent; the other origin runs fully.
func TestAuthFailFast(t *testing.T) {
	t.Parallel()
	b, _ := fastBroker(t, broker.WithConcurrency(16))
	bad, good := fakeAt("bad", nil), fakeAt("good", nil)
	register(t, b, "bad", bad)
	register(t, b, "good", good)
	bad.InjectError(providertest.AllOps, provider.ErrUnauthorized)
	var refs []provider.Ref
	for range 100 {
		refs = append(refs, provider.Ref{Origin: "bad", ID: bad.Seed(provider.StateIssued)},
			provider.Ref{Origin: "good", ID: good.Seed(provider.StateIssued)})
	}
	items, err := b.Do(context.Background(), provider.StatusRequest{}, refs, broker.BulkOptions{StatusEach: true})
	if err == nil {
		t.Fatal("err = nil")
	}
	if n := bad.CallCount(); n > broker.DefaultAuthFailureLimit {
		t.Errorf("%d calls to the origin with bad credentials, want at most %d", n, broker.DefaultAuthFailureLimit)
	}
	if n := good.CallCount(); n != 100 {
		t.Errorf("%d calls to the good origin, want 100", n)
	}
	notSent := 0
	for _, it := range items {
		switch it.Ref.Origin {
		case "good":
			if it.Err != nil {
				t.Errorf("good item failed: %v", it.Err)
			}
		case "bad":
			mustKind(t, it.Err, provider.KindUnauthorized)
			if it.Attempts == 0 {
				notSent++
				mustContain(t, it.Err.Error(), "not sent: this origin failed authentication")
			}
		}
	}
	if notSent < 100-broker.DefaultAuthFailureLimit {
		t.Errorf("%d bad items not sent, want at least %d", notSent, 100-broker.DefaultAuthFailureLimit)
	}
	// One line, however many items failed.
	if msg := err.Error(); strings.Contains(msg, "\n") || !strings.Contains(msg, "100 of 200 items failed (unauthorized 100)") {
		t.Errorf("bulk error message %q", msg)
	}
	if k := provider.KindOf(err); k != provider.KindUnauthorized {
		t.Errorf("KindOf(bulk error) = %v", k)
	}
}

// TestAuthFailFastOff: with the limit off, every item is sent.
func TestAuthFailFastOff(t *testing.T) {
	t.Parallel()
	b, _ := fastBroker(t, broker.WithAuthFailureLimit(0))
	f := providertest.NewFake()
	register(t, b, "cloud", f)
	f.InjectError(providertest.AllOps, provider.ErrUnauthorized)
	var refs []provider.Ref
	for range 20 {
		refs = append(refs, provider.Ref{Origin: "cloud", ID: f.Seed(provider.StateIssued)})
	}
	_, _ = b.Do(context.Background(), provider.StatusRequest{}, refs, broker.BulkOptions{StatusEach: true})
	if n := f.CallCount(); n != 20 {
		t.Errorf("%d calls, want 20", n)
	}
}

// TestBulkErrorSummary: a mixed batch's error is one line with counts by
// kind, most serious first, and names only the first few items; KindOf
// gives the most serious kind; every item's error is still reachable.
func TestBulkErrorSummary(t *testing.T) {
	t.Parallel()
	b, _ := fastBroker(t)
	f := providertest.NewFake()
	register(t, b, "cloud", f)
	var refs []provider.Ref
	for i := range 60 {
		st := provider.StateIssued
		if i%3 == 0 {
			st = provider.StatePendingApplication // revoke refused: invalid_state
		}
		refs = append(refs, provider.Ref{Origin: "cloud", ID: f.Seed(st)})
	}
	refs = append(refs, provider.Ref{Origin: "cloud", ID: "fake-999999"}) // not found
	items, err := b.Do(context.Background(), provider.RevokeRequest{}, refs, broker.BulkOptions{})
	msg := err.Error()
	mustContain(t, msg, "21 of 61 items failed (invalid_state 20, not_found 1): ", "and 18 more")
	if strings.Contains(msg, "\n") || len(msg) > 2000 {
		t.Errorf("message is %d bytes or has a newline: %q", len(msg), msg)
	}
	if k := provider.KindOf(err); k != provider.KindInvalidState {
		t.Errorf("KindOf = %v, want invalid_state (more serious than not_found)", k)
	}
	if !errorsIs(err, provider.ErrNotFound) {
		t.Error("errors.Is(err, ErrNotFound) is false")
	}
	failed := 0
	for _, it := range items {
		if it.Err != nil {
			failed++
		}
	}
	if failed != 21 {
		t.Errorf("%d failed items", failed)
	}
}

// TestObserver: the observer sees every attempt with its kind.
func TestObserver(t *testing.T) {
	t.Parallel()
	var seen []broker.Attempt
	b, _ := fastBroker(t, broker.WithObserver(func(a broker.Attempt) { seen = append(seen, a) }), broker.WithConcurrency(1))
	f := providertest.NewFake()
	register(t, b, "cloud", f)
	id := f.Seed(provider.StateIssued)
	f.InjectError(provider.OpRevoke, provider.ErrThrottled, providertest.Once())
	if _, err := b.Revoke(context.Background(), "cloud", provider.RevokeRequest{ID: id}); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2 || seen[0].Kind != provider.KindThrottled || seen[0].Number != 1 || seen[1].Err != nil || seen[1].Number != 2 ||
		seen[1].Origin != "cloud" || seen[1].Op != provider.OpRevoke || seen[1].ID != id {
		t.Errorf("observed %+v", seen)
	}
}

func errorsIs(err error, target error) bool { return errors.Is(err, target) }

// noSuchAPI is a Fake whose Status is answered as by a wrong endpoint: a
// 404 with no code the adapter knows.
type noSuchAPI struct{ *providertest.Fake }

func (n noSuchAPI) Status(context.Context, provider.StatusRequest) (*provider.Result, error) {
	return nil, &provider.Error{Kind: provider.KindOther, HTTPStatus: 404, Message: "<html>404 Not Found</html>"}
}

// TestNoSuchAPIFailFast: an origin that answers every request "no such
// API" (a wrong endpoint) is stopped like one with a bad key.
func TestNoSuchAPIFailFast(t *testing.T) {
	t.Parallel()
	b, _ := fastBroker(t, broker.WithConcurrency(16))
	var calls atomic.Int64
	f := providertest.NewFake()
	register(t, b, "cloud", countingStatus{noSuchAPI{f}, &calls})
	var refs []provider.Ref
	for range 100 {
		refs = append(refs, provider.Ref{Origin: "cloud", ID: f.Seed(provider.StateIssued)})
	}
	items, _ := b.Do(context.Background(), provider.StatusRequest{}, refs, broker.BulkOptions{StatusEach: true})
	if n := calls.Load(); n > broker.DefaultAuthFailureLimit {
		t.Errorf("%d calls to an origin that has no such API, want at most %d", n, broker.DefaultAuthFailureLimit)
	}
	mustContain(t, items[99].Err.Error(), "not sent: this origin failed authentication or had no such API")
}

// countingStatus counts Status calls of the provider it wraps.
type countingStatus struct {
	noSuchAPI
	n *atomic.Int64
}

func (c countingStatus) Status(ctx context.Context, r provider.StatusRequest) (*provider.Result, error) {
	c.n.Add(1)
	return c.noSuchAPI.Status(ctx, r)
}
