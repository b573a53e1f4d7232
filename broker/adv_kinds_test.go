package broker_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

// TestAdvKindOfWrappedAggregate: KindOf of an aggregate is its most
// serious member's kind, but the same aggregate wrapped once (fmt.Errorf
// "%w", as any caller does: "batch: %w") gives the kind of its FIRST
// member. A bulk error of [throttled, outcome_unknown] is outcome_unknown;
// wrapped, it reads throttled. Cause: KindOf (provider/errors.go) looks
// for an aggregate only at the top of the chain, then falls back to
// errors.As, which finds the first member depth-first.
func TestAdvKindOfWrappedAggregate(t *testing.T) {
	b, _ := fastBroker(t, broker.WithRetry(func(p *broker.RetryPolicy) { p.MaxAttempts = 1 }))
	f := providertest.NewFake()
	register(t, b, "cloud", f)
	a, c := f.Seed(provider.StateExpiring), f.Seed(provider.StateExpiring)
	f.InjectError(provider.OpRenew, provider.ErrThrottled, providertest.ForID(a))
	f.InjectError(provider.OpRenew, provider.ErrOutcomeUnknown, providertest.ForID(c))
	_, err := advDo(b, context.Background(), provider.OpRenew,
		[]provider.Ref{{Origin: "cloud", ID: a}, {Origin: "cloud", ID: c}}, broker.BulkOptions{})
	if k := provider.KindOf(err); k != provider.KindOutcomeUnknown {
		t.Fatalf("setup: KindOf(bulk) = %v: %v", k, err)
	}
	if k := provider.KindOf(fmt.Errorf("batch: %w", err)); k != provider.KindOutcomeUnknown {
		t.Errorf("KindOf(wrapped bulk error) = %v, want outcome_unknown (the same as unwrapped)", k)
	}
}

// joinedRenew is a Fake whose Renew, after applying, reports the lost
// answer wrapped together with an earlier throttled read, as
// fmt.Errorf("renew: %w", errors.Join(throttled, unknown)).
type joinedRenew struct{ *providertest.Fake }

func (j joinedRenew) Renew(ctx context.Context, r provider.RenewRequest) (*provider.Result, error) {
	res, err := j.Fake.Renew(ctx, r)
	if err != nil {
		return res, err
	}
	throttled := &provider.Error{Kind: provider.KindThrottled, Message: "read throttled, retried"}
	lost := &provider.Error{Kind: provider.KindOutcomeUnknown, Message: "answer lost"}
	return nil, fmt.Errorf("renew: %w", errors.Join(throttled, lost))
}

// TestAdvRenewResentAfterWrappedAggregate: a Renew whose error contains an
// outcome_unknown member (the order was created) is sent again because
// the broker classifies the wrapped aggregate by its first member
// (throttled, retryable). Promise 1/2: a renew is never sent twice after
// an ambiguous failure. Cause: asProviderError -> provider.KindOf on a
// wrapped aggregate (see TestAdvKindOfWrappedAggregate).
func TestAdvRenewResentAfterWrappedAggregate(t *testing.T) {
	b, _ := fastBroker(t)
	f := providertest.NewFake()
	register(t, b, "cloud", joinedRenew{f})
	id := f.Seed(provider.StateExpiring)
	res, err := advRenew(b, context.Background(), provider.Ref{Origin: "cloud", ID: id})
	if n := len(f.Renewals()); n != 1 {
		t.Errorf("%d orders created by one Renew (err %v), want 1", n, err)
	}
	// The Fake finds the order by the renewal's mark: a proven success,
	// never a second order.
	if created := f.Renewals(); err != nil || len(created) != 1 || res == nil || res.NewID != created[0].NewID {
		t.Errorf("res %+v, err %v: want the one created order, proven", res, err)
	}
}

// TestAdvStoppedOriginHidesInvalidInput: at an origin stopped for bad
// credentials, an item whose ID the provider refuses before sending
// (malformed for this cloud: "fake-x") is reported unauthorized, "not
// sent: this origin failed authentication", instead of
// invalid_argument. Promise 5: the gate must not turn non-auth errors into
// unauthorized. Cause: exec/try (broker/call.go) consult the auth gate
// before the provider's own pre-send refusal; prepare (single.go) checks
// only the generic ref shape, although the origin's IDChecker/Checker
// are at hand (dry runs use them).
func TestAdvStoppedOriginHidesInvalidInput(t *testing.T) {
	b, _ := fastBroker(t, broker.WithConcurrency(1))
	f := providertest.NewFake()
	register(t, b, "cloud", f)
	f.InjectError(providertest.AllOps, provider.ErrUnauthorized)
	var refs []provider.Ref
	for range 5 {
		refs = append(refs, provider.Ref{Origin: "cloud", ID: f.Seed(provider.StateIssued)})
	}
	refs = append(refs, provider.Ref{Origin: "cloud", ID: "fake-x"})
	items, _ := advDo(b, context.Background(), provider.OpRevoke, refs, broker.BulkOptions{})
	last := items[len(items)-1]
	if k := provider.KindOf(last.Err); k != provider.KindInvalidArgument {
		t.Errorf("malformed ID at a stopped origin reported %v, want invalid_argument: %v", k, last.Err)
	}
}
