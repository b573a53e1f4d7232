package alibaba

import (
	"strings"
	"testing"

	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

// harness connects the conformance suite to an adapter and its own
// emulator.
//
// It is not a providertest.ListSeeder: the suite's filter_expiry_domain
// seeds orders in one state (issued, when the harness has it) with
// NotAfter values in the past and 300 days ahead, and Alibaba's Status of
// an issued certificate follows its NotAfter (ISSUED, WILLEXPIRED,
// EXPIRED), so the emulator cannot hold an ISSUED order that ended two
// days ago. TestListFilters checks the expiry and domain filters with
// orders the emulator can hold. The suite's delete_mid_listing runs and
// passes: see Adapter.List on paging under deletes.
type harness struct {
	s *alibabatest.Server
	a *Adapter
}

var (
	_ providertest.Harness       = (*harness)(nil)
	_ providertest.Hanger        = (*harness)(nil)
	_ providertest.StatusAliaser = (*harness)(nil)
)

func newHarness(t *testing.T) providertest.Harness {
	s := newEmulator(t)
	return &harness{s: s, a: adapterFor(t, s)}
}

func (h *harness) Provider() provider.Provider { return h.a }
func (h *harness) States() []provider.State    { return alibabatest.States() }

func (h *harness) Seed(t testing.TB, st provider.State) string {
	t.Helper()
	for _, ok := range alibabatest.States() {
		if ok == st {
			return h.s.Seed(st)
		}
	}
	t.Fatalf("the Alibaba emulator cannot hold an order in state %s", st)
	return ""
}

func (h *harness) State(_ testing.TB, id string) (provider.State, bool) { return h.s.State(id) }
func (h *harness) Settle(testing.TB, string)                            {} // Alibaba is synchronous
func (h *harness) UnknownID(testing.TB) string                          { return h.s.UnknownID() }
func (h *harness) Requests(testing.TB) int                              { return h.s.RequestCount() }

func (h *harness) InvalidIDs() []string {
	return []string{"0", "-1", "+1", "abc", "1e3", "12 3", " 1", "1 ", "0123", "00", "1.0", "0x1F",
		"9223372036854775808", "99999999999999999999", "١٢٣", "1\n", "1;2"}
}

// Hang makes the emulator hold every request until the client goes away.
func (h *harness) Hang(testing.TB) {
	h.s.InjectFault(alibabatest.Fault{Kind: alibabatest.FaultHang})
}

// StatusAliases documents what Status cannot tell apart: Alibaba reports a
// cancelled order as payed (pending application). A revoked order needs no
// alias: Status reads REVOKED from ListUserCertificateOrder when
// DescribeCertificateState answers unknow.
func (h *harness) StatusAliases() map[provider.State][]provider.State {
	return map[provider.State][]provider.State{
		provider.StateCancelled: {provider.StatePendingApplication},
	}
}

func TestConformance(t *testing.T) {
	providertest.Run(t, newHarness)
}

// instanceHarness runs the conformance suite over instance IDs: the same
// adapter and emulator, with every order the suite seeds an instance of
// the CAS instance model.
type instanceHarness struct{ harness }

var (
	_ providertest.Harness       = (*instanceHarness)(nil)
	_ providertest.Hanger        = (*instanceHarness)(nil)
	_ providertest.StatusAliaser = (*instanceHarness)(nil)
)

func newInstanceHarness(t *testing.T) providertest.Harness {
	s := newEmulator(t)
	return &instanceHarness{harness{s: s, a: adapterFor(t, s)}}
}

// States are the instance states the emulator can seed. The suite reads
// the capabilities of instance IDs (provider.CapabilitiesFor), in which
// Renew is unsupported. Provider is the harness's: the whole adapter, List
// included, whose instance phase (ListInstances) lists what this harness
// seeds, so the suite's list checks (agreement with Status in every
// state, pages, the state filter, deletes mid-listing, bad input) run over
// instances too.
func (h *instanceHarness) States() []provider.State { return alibabatest.InstanceStates() }

func (h *instanceHarness) Seed(t testing.TB, st provider.State) string {
	t.Helper()
	for _, ok := range alibabatest.InstanceStates() {
		if ok == st {
			return h.s.SeedInstanceState(st)
		}
	}
	t.Fatalf("the Alibaba emulator cannot hold an instance in state %s", st)
	return ""
}

func (h *instanceHarness) UnknownID(testing.TB) string { return h.s.UnknownInstanceID() }

func (h *instanceHarness) InvalidIDs() []string {
	return []string{"cas", "cas-cn-", "cas_dv-cn-", "CAS-cn-abc", "cas_DV-cn-abc", "cas-us-abc", "cas_-cn-abc",
		"cas_dv-cn-abc_d", "cas_dv-cn-abc-d", "cas_dv-cn-" + strings.Repeat("a", 33), "cas_dv-cn-abc\n",
		"cas_dv-cn-abc&InstanceId=x", "cas_dv-cn-ab c", "cas_dv-cn-ábc", "cas_dv1-cn-abc", "cascn-abc"}
}

// StatusAliases: a withdrawn application reads inactive, exactly like a
// fresh instance.
func (h *instanceHarness) StatusAliases() map[provider.State][]provider.State {
	return h.harness.StatusAliases()
}

func TestConformanceInstances(t *testing.T) {
	providertest.Run(t, newInstanceHarness)
}
