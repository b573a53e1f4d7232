package providertest

import (
	"slices"
	"testing"

	"github.com/certbroker/certbroker/provider"
)

// FakeHarness is the [Harness] (and [Hanger]) of a [Fake], so that [Run]
// can check the Fake. It is also a worked example for the harnesses of
// other providers.
type FakeHarness struct {
	fake *Fake
}

// NewFakeHarness returns a harness around a new Fake built with opts.
func NewFakeHarness(opts ...FakeOption) *FakeHarness {
	return &FakeHarness{fake: NewFake(opts...)}
}

// Fake returns the Fake under test.
func (h *FakeHarness) Fake() *Fake { return h.fake }

// Provider implements [Harness].
func (h *FakeHarness) Provider() provider.Provider { return h.fake }

// States implements [Harness]: a Fake can hold an order in every
// normalized state.
func (h *FakeHarness) States() []provider.State { return provider.States() }

// Seed implements [Harness].
func (h *FakeHarness) Seed(t testing.TB, s provider.State) string {
	t.Helper()
	if !slices.Contains(h.States(), s) {
		t.Fatalf("FakeHarness.Seed: %v is not a normalized state", s)
	}
	return h.fake.Seed(s)
}

// State implements [Harness].
func (h *FakeHarness) State(t testing.TB, id string) (provider.State, bool) {
	return h.fake.StateOf(id)
}

// Settle implements [Harness]. The Fake is synchronous, so there is
// nothing to settle.
func (h *FakeHarness) Settle(t testing.TB, id string) {}

// UnknownID implements [Harness].
func (h *FakeHarness) UnknownID(t testing.TB) string {
	t.Helper()
	const id = "fake-999999999999999999"
	if _, ok := h.fake.StateOf(id); ok {
		t.Fatalf("FakeHarness.UnknownID: %s exists", id)
	}
	return id
}

// InvalidIDs implements [Harness]: IDs that pass [provider.ValidateID]
// but do not have the Fake's shape.
func (h *FakeHarness) InvalidIDs() []string {
	return []string{
		"fake-",
		"fake",
		"123",
		"FAKE-1",
		"fake-1a",
		"fake--1",
		"fake-+1",
		"fake-0x1",
		"fake-1:2",
		"xfake-1",
		"fake-1234567890123456789", // 19 digits
		"fake-١٢٣",                 // Arabic-Indic digits
		".",
	}
}

// Requests implements [Harness]: the number of calls the Fake recorded.
func (h *FakeHarness) Requests(t testing.TB) int { return h.fake.CallCount() }

// Hang implements [Hanger]: every call from now on waits until its context
// ends; at the end of the test, waiting calls are released.
func (h *FakeHarness) Hang(t testing.TB) {
	h.fake.SetLatency(AllOps, -1)
	t.Cleanup(func() { h.fake.SetLatency(AllOps, 0) })
}

// SeedWith implements [ListSeeder].
func (h *FakeHarness) SeedWith(t testing.TB, o SeedOptions) string {
	t.Helper()
	if !slices.Contains(h.States(), o.State) {
		t.Fatalf("FakeHarness.SeedWith: %v is not a normalized state", o.State)
	}
	return h.fake.SeedWith(o)
}
