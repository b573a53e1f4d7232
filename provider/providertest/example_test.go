package providertest_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

// renewExpiring is the user's code under test: it renews every order in
// its renewal window and returns the new order IDs. In production it is
// handed a cloud adapter; in tests, a Fake.
func renewExpiring(ctx context.Context, p provider.Provider, ids []string) ([]string, error) {
	var newIDs []string
	for _, id := range ids {
		st, err := p.Status(ctx, provider.StatusRequest{ID: id})
		if err != nil {
			return newIDs, err
		}
		if st.State != provider.StateExpiring {
			continue
		}
		res, err := p.Renew(ctx, provider.RenewRequest{ID: id})
		if err != nil {
			return newIDs, err
		}
		newIDs = append(newIDs, res.NewID)
	}
	return newIDs, nil
}

// A test of the user's code swaps the real provider for a Fake, seeds
// orders in the states it needs, and checks the outcome out of band.
func Example() {
	ctx := context.Background()
	fake := providertest.NewFake(providertest.WithOrigin("alibaba")) // instead of alibaba.New(cfg)
	expiring := fake.Seed(provider.StateExpiring)
	issued := fake.Seed(provider.StateIssued)

	newIDs, err := renewExpiring(ctx, fake, []string{expiring, issued})
	fmt.Println("renewed:", len(newIDs), err)
	for _, r := range fake.Renewals() {
		st, _ := fake.StateOf(r.NewID)
		fmt.Printf("%s -> %s (%s)\n", r.From, r.NewID, st)
	}
	st, _ := fake.StateOf(expiring)
	fmt.Println("old order:", st)
	// Output:
	// renewed: 1 <nil>
	// fake-1 -> fake-3 (pending_application)
	// old order: expiring
}

// revokeWithRetry is user code that retries what provider.Retryable allows.
func revokeWithRetry(ctx context.Context, p provider.Provider, id string) error {
	var err error
	for range 3 {
		_, err = p.Revoke(ctx, provider.RevokeRequest{ID: id, Reason: "key compromise"})
		if !provider.Retryable(provider.OpRevoke, err) {
			return err
		}
	}
	return err
}

// InjectError makes the next call fail, here with throttling, to test the
// caller's retries.
func ExampleFake_InjectError() {
	ctx := context.Background()
	fake := providertest.NewFake()
	id := fake.Seed(provider.StateIssued)
	fake.InjectError(provider.OpRevoke, provider.ErrThrottled, providertest.Once())

	err := revokeWithRetry(ctx, fake, id)
	st, _ := fake.StateOf(id)
	fmt.Println(err, st)
	for _, c := range fake.Calls() {
		fmt.Println(c.Op, c.ID, c.Err)
	}
	// Output:
	// <nil> revoked
	// revoke fake-1 revoke fake:fake-1: throttled: injected by providertest.Fake [request fake-req-1]
	// revoke fake-1 <nil>
}

// AfterApply simulates a response lost after the cloud applied the call:
// the Renew created an order, but the caller only sees an error whose
// outcome is unknown, and must not blindly retry.
func ExampleAfterApply() {
	ctx := context.Background()
	fake := providertest.NewFake()
	id := fake.Seed(provider.StateExpiring)
	fake.InjectError(provider.OpRenew, provider.ErrOutcomeUnknown, providertest.AfterApply(), providertest.Once())

	mark := []provider.Tag{{Key: provider.RenewalTagKey, Value: "r-0001"}}
	sent := time.Now()
	_, err := fake.Renew(ctx, provider.RenewRequest{ID: id, Tags: mark})
	fmt.Println(errors.Is(err, provider.ErrOutcomeUnknown), provider.Retryable(provider.OpRenew, err))
	// The renewal's mark proves which order it created.
	found, _ := fake.FindRenewal(ctx, provider.RenewRequest{ID: id, Tags: mark}, sent)
	fmt.Println(found.NewID, fake.Renewals()[0].NewID)
	// Output:
	// true false
	// fake-2 fake-2
}

// SetLatency with a negative duration holds calls until their context
// ends, to test the caller's timeouts: the call returns when the deadline
// passes, without having been applied.
func ExampleFake_SetLatency() {
	fake := providertest.NewFake()
	id := fake.Seed(provider.StateIssued)
	fake.SetLatency(providertest.AllOps, -1)

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := fake.Revoke(ctx, provider.RevokeRequest{ID: id})
	st, _ := fake.StateOf(id)
	fmt.Println(errors.Is(err, context.DeadlineExceeded), st)
	// Output:
	// true issued
}
