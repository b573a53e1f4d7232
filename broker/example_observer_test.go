package broker_test

import (
	"context"
	"expvar"
	"fmt"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

// WithObserver feeds your own metrics, here expvar counters (served at
// /debug/vars by any program that imports expvar and runs an HTTP server):
// attempts per origin, operation and outcome kind.
func ExampleWithObserver() {
	attempts := new(expvar.Map) // in a program: expvar.NewMap("certbroker_attempts")
	b := broker.New(broker.WithObserver(func(a broker.Attempt) {
		outcome := "ok"
		if a.Err != nil {
			outcome = a.Kind.String()
		}
		attempts.Add(a.Origin+"/"+string(a.Op)+"/"+outcome, 1)
	}))
	fake := providertest.NewFake()
	_ = b.Register("alibaba", fake)
	fake.InjectError(provider.OpRevoke, provider.ErrThrottled, providertest.Once())

	_, err := b.Revoke(context.Background(), "alibaba", provider.RevokeRequest{ID: fake.Seed(provider.StateIssued)})
	fmt.Println("revoke error:", err)
	fmt.Println(attempts.String())
	// Output:
	// revoke error: <nil>
	// {"alibaba/revoke/ok": 1, "alibaba/revoke/throttled": 1}
}

// A failed batch's error is one line: counts by kind, most serious
// first, and the first few items. provider.KindOf of it is the most
// serious kind; every item's error stays reachable.
func ExampleBroker_Do_bulkError() {
	fake := providertest.NewFake()
	b := broker.New(broker.WithConcurrency(1)) // one at a time: the request IDs below are in order
	_ = b.Register("huawei", fake)
	refs := []provider.Ref{
		{Origin: "huawei", ID: fake.Seed(provider.StateIssued)},
		{Origin: "huawei", ID: fake.Seed(provider.StatePendingApplication)},
		{Origin: "huawei", ID: "fake-404"},
	}
	_, err := b.Do(context.Background(), provider.RevokeRequest{}, refs, broker.BulkOptions{})
	fmt.Println(provider.KindOf(err))
	fmt.Println(err)
	// Output:
	// invalid_state
	// 2 of 3 items failed (invalid_state 1, not_found 1): revoke huawei:fake-2: invalid_state (InvalidState): cannot revoke an order in state pending_application; allowed from issued, expiring [request fake-req-2]; revoke huawei:fake-404: not_found (NotFound): no such order [request fake-req-3]
}
