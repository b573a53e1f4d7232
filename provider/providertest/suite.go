package providertest

import (
	"testing"
	"time"

	"github.com/certbroker/certbroker/provider"
)

// Run is the conformance suite. It runs, in parallel subtests that each
// build a fresh harness with newHarness:
//
//   - "capabilities": Capabilities is stable and self-consistent (a
//     supported operation lists From states; Delete lands in
//     StateUnknown), and States lists valid, distinct states.
//   - "<op>/from_<state>" for every operation and every state of
//     Harness.States. When Capabilities allows the operation from the
//     state, it must succeed with the right Result.ID and Result.Op and a
//     valid Result.Origin; Result.State, when not StateUnknown, must be
//     the capability's Lands (for Renew: the old order's state, which is
//     unchanged); out of band the order must be in Lands, and in Settles
//     after Harness.Settle. Delete must report Deleted, leave the order
//     gone and make Status fail with KindNotFound. Renew must report a new
//     ID whose order is in Lands, leaving the old order as it was.
//     An unsupported operation must fail with KindUnsupported and send
//     nothing; a forbidden one with KindInvalidState; both must leave the
//     order unchanged. Status must succeed and report the state. A
//     provider that declares Capabilities.Paced must call provider.Pace
//     at least once per request the backend receives.
//   - "renew/twice": two Renews of one order create two distinct orders.
//   - "unknown_id/<op>": KindNotFound (KindUnsupported for an unsupported
//     operation), and no order appears.
//   - "invalid_id/<op>/<label>": for Harness.InvalidIDs and a generic list
//     of hostile IDs (empty, "..", "a/b", "%2F", "a?b", NUL, spaces,
//     200 bytes, and a valid ID with "/../x", "?x=1" and similar appended),
//     KindInvalidArgument with no request sent (an unsupported operation
//     may answer KindUnsupported instead). If the provider implements
//     [provider.IDChecker], CheckID must agree.
//   - "check/<case>", if the provider implements [provider.Checker]:
//     for requests with hostile reasons, CSRs, tags and IDs, Check
//     refuses exactly what the real call refuses before sending anything,
//     with the same kind, and accepts everything else.
//   - "canceled_context/<op>": a context cancelled before the call makes
//     it return promptly with KindCanceled and context.Canceled in the
//     chain, sending nothing and changing nothing.
//   - "hang/<op>", if the harness is a [Hanger]: a call to a backend that
//     holds it, whose context is cancelled 20ms in, returns within 5s
//     with context.Canceled in the chain and kind KindCanceled,
//     KindOutcomeUnknown (mutating) or KindUnavailable (Status).
//   - "concurrent": 16 orders changed at once, all successfully.
//   - "list/...", if the provider implements [provider.Lister], on a
//     fresh backend holding only the orders the suite seeds:
//     "agrees_with_status" (one order per state, each listed once, in the
//     state Status reports, with a native state); "pages_of_N" for N of
//     1, 2 and 7 (15 orders, each exactly once, no page above N, every
//     request paced by a Paced provider); "filter_state" (each state, and
//     two at once); "filter_expiry_domain", if the harness is a
//     [ListSeeder] (ExpiringWithin, Domain exact, under and case-folded,
//     and combined); "delete_mid_listing", if Delete is allowed from some
//     state (an order already listed and one ahead deleted after the
//     first page: none listed twice, none of the others skipped); and
//     "invalid" (bad page sizes, a negative expiry, bad states, a domain
//     with a slash and a forged page token refused with
//     KindInvalidArgument, sending nothing).
//
// Every failure is checked for its kind with errors.Is and for being a
// [*provider.Error].
//
// Some providers cannot tell certain states apart when they report them:
// a harness for one implements [StatusAliaser], and the suite then also
// accepts the documented aliases wherever it checks a reported state.
//
// The bounds are generous: only a call that hangs exceeds them.
//
// A provider's tests run the suite with a harness over its backend:
//
//	func TestConformance(t *testing.T) {
//		providertest.Run(t, func(t *testing.T) providertest.Harness {
//			return newEmulatorHarness(t) // a fresh emulator per call
//		})
//	}
func Run(t *testing.T, newHarness func(t *testing.T) Harness) {
	t.Helper()
	run(t, newHarness, defaultConfig())
}

// testingT is what the suite needs of a test: *testing.T satisfies it, and
// so does the recorder with which the suite's own tests run it against
// deliberately broken providers.
type testingT[T any] interface {
	testing.TB
	Run(name string, f func(t T)) bool
	Parallel()
}

// config holds the suite's timing; tests of the suite shorten bound to
// fail faster.
type config struct {
	// cancelAfter is how long the hang checks let a call run before
	// cancelling its context.
	cancelAfter time.Duration
	// bound is how long a call may take to return once its context is
	// cancelled.
	bound time.Duration
	// concurrency is the number of calls made at once.
	concurrency int
}

func defaultConfig() config {
	return config{cancelAfter: 20 * time.Millisecond, bound: 5 * time.Second, concurrency: 16}
}

// suite is one run of the conformance suite.
type suite[T testingT[T]] struct {
	newHarness func(t T) Harness
	cfg        config
	// probe facts, from a harness built once at the start.
	states     []provider.State
	caps       provider.Capabilities
	invalidIDs []string
	hanger     bool
	lister     bool // the provider is a provider.Lister
	listSeeder bool // the harness is a ListSeeder
	finder     bool // the provider is a provider.RenewalFinder
}

func run[T testingT[T]](t T, newHarness func(t T) Harness, cfg config) {
	t.Helper()
	probe := newHarness(t)
	_, hanger := probe.(Hanger)
	_, lister := probe.Provider().(provider.Lister)
	_, listSeeder := probe.(ListSeeder)
	_, finder := probe.Provider().(provider.RenewalFinder)
	s := &suite[T]{
		newHarness: newHarness,
		cfg:        cfg,
		states:     probe.States(),
		caps:       provider.CapabilitiesFor(probe.Provider(), probe.UnknownID(t)),
		invalidIDs: probe.InvalidIDs(),
		hanger:     hanger,
		lister:     lister,
		listSeeder: listSeeder,
		finder:     finder,
	}
	t.Run("capabilities", s.capabilities)
	for _, op := range provider.Ops() {
		t.Run(string(op), func(t T) { s.fromEveryState(t, op) })
	}
	t.Run("unknown_id", s.unknownIDs)
	t.Run("invalid_id", s.invalidIDsTest)
	t.Run("check", s.checkTest)
	t.Run("canceled_context", s.canceledContext)
	if s.hanger {
		t.Run("hang", s.hang)
	}
	t.Run("concurrent", s.concurrent)
	if s.lister {
		t.Run("list", s.list)
	}
	if s.finder {
		t.Run("find_renewal", s.renewal)
	}
}

// allowedState returns a state of the harness from which op is accepted,
// and false if there is none.
func (s *suite[T]) allowedState(op provider.Op) (provider.State, bool) {
	c := s.caps.For(op)
	for _, st := range s.states {
		if c.Allows(st) {
			return st, true
		}
	}
	return provider.StateUnknown, false
}
