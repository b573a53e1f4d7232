package broker_test

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/hashicorp/go-multierror"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

// A single operation: register a provider under an origin name, then
// address orders as "origin:id". Here the provider is the in-memory Fake;
// in production it is an adapter (alibaba.New, huawei.New).
func Example() {
	fake := providertest.NewFake()
	id := fake.Seed(provider.StateIssued)

	b := broker.New()
	if err := b.Register("alibaba-prod", fake); err != nil {
		fmt.Println(err)
		return
	}
	ref := provider.MustParseRef("alibaba-prod:" + id)
	res, err := b.Revoke(context.Background(), ref.Origin, provider.RevokeRequest{ID: ref.ID, Reason: "key compromise"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Ref(), res.Op, res.State)

	_, err = b.Revoke(context.Background(), ref.Origin, provider.RevokeRequest{ID: ref.ID, Reason: "again"})
	fmt.Println(errors.Is(err, provider.ErrInvalidState))
	// Output:
	// alibaba-prod:fake-1 revoke revoked
	// true
}

// A bulk operation returns one item per reference, in input order, and an
// aggregate error that errors.Is and errors.As see through.
func ExampleBroker_Do() {
	fake := providertest.NewFake()
	b := broker.New()
	_ = b.Register("huawei", fake)
	refs := []provider.Ref{
		{Origin: "huawei", ID: fake.Seed(provider.StateReviewFailed)},
		{Origin: "huawei", ID: "fake-404"},
		{Origin: "huawei", ID: fake.Seed(provider.StateCancelled)},
		{Origin: "azure", ID: "fake-9"},
	}
	items, err := b.Do(context.Background(), provider.DeleteRequest{}, refs, broker.BulkOptions{})
	for _, it := range items {
		if it.Err != nil {
			fmt.Printf("%d %v: %s\n", it.Index, it.Ref, provider.KindOf(it.Err).String())
			continue
		}
		fmt.Printf("%d %v: deleted=%v\n", it.Index, it.Ref, it.Result.Op == provider.OpDelete)
	}

	var all *multierror.Error
	if errors.As(err, &all) {
		fmt.Println(len(all.Errors), "failed; any not found:", errors.Is(err, provider.ErrNotFound))
	}
	var first *broker.OpError
	if errors.As(err, &first) {
		fmt.Println("first failure:", first.Ref, first.Err.Kind.String())
	}
	// Output:
	// 0 huawei:fake-1: deleted=true
	// 1 huawei:fake-404: not_found
	// 2 huawei:fake-2: deleted=true
	// 3 azure:fake-9: invalid_argument
	// 2 failed; any not found: true
	// first failure: huawei:fake-404 not_found
}

// Stream handles inputs of any size with bounded memory; items arrive in
// input order.
func ExampleBroker_Stream() {
	fake := providertest.NewFake()
	b := broker.New(broker.WithConcurrency(4))
	_ = b.Register("alibaba", fake)
	refs := func(yield func(provider.Ref) bool) {
		for range 3 {
			if !yield(provider.Ref{Origin: "alibaba", ID: fake.Seed(provider.StateUnderReview)}) {
				return
			}
		}
	}
	err := b.Stream(context.Background(), provider.CancelRequest{}, refs, broker.BulkOptions{}, func(it broker.Item) {
		fmt.Println(it.Index, it.Ref, it.Result.State)
	})
	fmt.Println(err)
	// Output:
	// 0 alibaba:fake-1 cancelled
	// 1 alibaba:fake-2 cancelled
	// 2 alibaba:fake-3 cancelled
	// <nil>
}

// withdraw is user code under test: it cancels an application and
// deletes the order.
func withdraw(ctx context.Context, b *broker.Broker, ref provider.Ref) error {
	res, err := b.Cancel(ctx, ref.Origin, provider.CancelRequest{ID: ref.ID})
	if err != nil {
		return err
	}
	fmt.Println("cancelled; already done before the retry:", res.AlreadyDone)
	_, err = b.Delete(ctx, ref.Origin, provider.DeleteRequest{ID: ref.ID})
	return err
}

// Swapping in the Fake: user code takes a *broker.Broker, so its tests
// register a providertest.Fake instead of a cloud adapter, inject
// failures, and inspect what the cloud saw. Here the first Cancel is
// applied but its response is lost; the broker retries, is refused
// because the order is already cancelled, reads the state, and reports
// success.
func Example_fake() {
	fake := providertest.NewFake()
	id := fake.Seed(provider.StateUnderReview)
	fake.InjectError(provider.OpCancel, provider.ErrOutcomeUnknown, providertest.Once(), providertest.AfterApply())

	b := broker.New(broker.WithRetry(func(p *broker.RetryPolicy) { p.BackoffBase, p.BackoffMax = 1, 1 })) // no real waiting in tests
	_ = b.Register("alibaba", fake)
	err := withdraw(context.Background(), b, provider.Ref{Origin: "alibaba", ID: id})
	fmt.Println("error:", err)

	_, exists := fake.StateOf(id)
	fmt.Println("order exists:", exists)
	for _, c := range fake.Calls() {
		outcome := "ok"
		if c.Err != nil {
			outcome = provider.KindOf(c.Err).String()
		}
		fmt.Println(c.Op, c.ID, outcome)
	}
	// Output:
	// cancelled; already done before the retry: true
	// error: <nil>
	// order exists: false
	// cancel fake-1 outcome_unknown
	// cancel fake-1 invalid_state
	// status fake-1 ok
	// delete fake-1 ok
}

// Resolve accepts "origin:id", or a bare ID when exactly one registered
// origin recognises its shape.
func ExampleBroker_Resolve() {
	b := broker.New()
	_ = b.Register("alibaba", providertest.NewFake())
	fmt.Println(slices.Contains(b.Origins(), "alibaba"))
	ref, err := b.Resolve("fake-42")
	fmt.Println(ref, err)
	_, err = b.Resolve("scs123")
	fmt.Println(err)
	// Output:
	// true
	// alibaba:fake-42 <nil>
	// scs123: invalid_argument: no registered origin recognises ID "scs123" (registered: alibaba); write origin:id
}
