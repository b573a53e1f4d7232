package huawei

import (
	"testing"

	"github.com/certbroker/certbroker/huawei/huaweitest"
	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

// harness connects the conformance suite to an Adapter and a fresh
// emulator.
type harness struct {
	srv *huaweitest.Server
	a   *Adapter
}

// newEmulated starts an emulator and an adapter pointed at it, with the
// emulator's credentials (so every signature is verified).
func newEmulated(t testing.TB, renew bool, opts ...huaweitest.Option) *harness {
	t.Helper()
	srv := huaweitest.NewServer(opts...)
	t.Cleanup(srv.Close)
	a := mustNew(t, Config{
		Endpoint:        srv.URL(),
		ProjectID:       srv.ProjectID(),
		AK:              srv.AccessKeyID(),
		SK:              srv.AccessKeySecret(),
		RenewByPurchase: renew,
	})
	return &harness{srv: srv, a: a}
}

func (h *harness) Provider() provider.Provider                          { return h.a }
func (h *harness) States() []provider.State                             { return huaweitest.States() }
func (h *harness) Seed(_ testing.TB, s provider.State) string           { return h.srv.Seed(s) }
func (h *harness) State(_ testing.TB, id string) (provider.State, bool) { return h.srv.State(id) }
func (h *harness) Settle(_ testing.TB, id string)                       { h.srv.Settle(id) }
func (h *harness) UnknownID(testing.TB) string                          { return h.srv.UnknownID() }
func (h *harness) Requests(testing.TB) int                              { return h.srv.RequestCount() }

// InvalidIDs are IDs with the generic shape rules satisfied but not SCM's.
func (h *harness) InvalidIDs() []string {
	return []string{
		"scs148111065101", "scs14811106510123", "SCS1481110651012", "scs148111065101a",
		"CS1803192259ROA8U", "123451222", "scs-1481110651012",
	}
}

// Hang makes the emulator hold every request.
func (h *harness) Hang(testing.TB) { h.srv.InjectFault(huaweitest.Fault{Kind: huaweitest.FaultHang}) }

// StatusAliases: SCM shows a cancelled certificate as PAID, like a fresh
// one, so Status reports cancelled as pending application.
func (h *harness) StatusAliases() map[provider.State][]provider.State {
	return map[provider.State][]provider.State{
		provider.StateCancelled: {provider.StatePendingApplication},
	}
}

var (
	_ providertest.Harness       = (*harness)(nil)
	_ providertest.Hanger        = (*harness)(nil)
	_ providertest.StatusAliaser = (*harness)(nil)
)

func TestConformanceRenewDisabled(t *testing.T) {
	t.Parallel()
	providertest.Run(t, func(t *testing.T) providertest.Harness { return newEmulated(t, false) })
}

func TestConformanceRenewByPurchase(t *testing.T) {
	t.Parallel()
	providertest.Run(t, func(t *testing.T) providertest.Harness { return newEmulated(t, true) })
}
