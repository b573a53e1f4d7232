// Package providertest holds the test doubles and the conformance suite of
// certbroker providers.
//
// [Fake] is an in-memory [provider.Provider] that follows the normalized
// order life cycle exactly. Users swap it in for a real adapter to test
// their own code: seed orders in any state, inject errors and latency,
// and inspect the calls made.
//
//	fake := providertest.NewFake(providertest.WithOrigin("alibaba"))
//	id := fake.Seed(provider.StateIssued)
//	err := rotate(ctx, fake, id) // the code under test
//	if st, _ := fake.StateOf(id); st != provider.StateRevoked { ... }
//
// [Run] is the conformance suite every provider must pass. It drives a
// provider through a [Harness], which seeds orders and observes them out of
// band, and checks every operation from every state, the kind of every
// error, ID validation before any request, context cancellation and
// concurrent use. [NewFakeHarness] runs it against the Fake; the cloud
// adapters run it against their emulators.
//
// Cloud emulators are not here: they live in alibaba/alibabatest and
// huawei/huaweitest.
package providertest
