package providertest

import (
	"testing"

	"github.com/certbroker/certbroker/provider"
)

// Harness connects the conformance suite ([Run]) to a provider under test
// and to the backend behind it (an in-memory store, or a cloud emulator).
// The suite uses the harness to seed orders and to observe their state out
// of band, so it never has to trust the provider's own Status to check the
// provider's other operations.
//
// The suite calls the constructor given to [Run] once per subtest and runs
// subtests in parallel, so each harness should own a fresh backend.
type Harness interface {
	// Provider returns the provider under test.
	Provider() provider.Provider
	// States lists the normalized states the backend can hold an order in.
	// The suite runs every operation from each of them.
	States() []provider.State
	// Seed creates an order in state s out of band and returns its ID.
	// It fails the test if s is not one of States.
	Seed(t testing.TB, s provider.State) string
	// State observes order id out of band: its normalized state, or
	// ok == false when the order does not exist (e.g. after Delete).
	State(t testing.TB, id string) (s provider.State, ok bool)
	// Settle completes any asynchronous processing of order id, so that it
	// moves from an operation's Lands state to its Settles state. It is a
	// no-op for synchronous backends.
	Settle(t testing.TB, id string)
	// UnknownID returns a well-formed ID that names no order.
	UnknownID(t testing.TB) string
	// InvalidIDs lists IDs the provider must refuse with
	// provider.KindInvalidArgument before making any request.
	InvalidIDs() []string
	// Requests returns how many requests the backend has received so far.
	// The suite uses it to prove that refused input caused none.
	Requests(t testing.TB) int
}

// Hanger is implemented by harnesses whose backend can be made to hold
// every request until the client gives up. With it, the suite checks that
// cancelling a context aborts a request that is already in flight; without
// it, only that an already-cancelled context fails fast.
type Hanger interface {
	// Hang makes the backend hold every request received from now on
	// until the client goes away or the test ends.
	Hang(t testing.TB)
}
