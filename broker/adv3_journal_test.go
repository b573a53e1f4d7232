package broker_test

import (
	"context"
	"testing"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

// idCapsFake declares, through provider.IDCapabilities, that a cancelled
// order of its IDs reads as pending application (a look-alike of a fresh
// one: never proof). Its plain Capabilities do not say so.
type idCapsFake struct{ *providertest.Fake }

func (f idCapsFake) CapabilitiesFor(id string) provider.Capabilities {
	c := f.Fake.Capabilities()
	c.Cancel.ReportedAs = []provider.State{provider.StatePendingApplication}
	return c
}

// Settling an in-doubt cancel must use the capabilities of the ID's kind
// (CapabilitiesFor), as the non-journaled outcome rule does (call.go).
// settleInDoubt uses o.caps (journal.go, `switch o.caps.Evidence(op,
// st.State)`), so the look-alike reads as proof the cancel was not
// applied and the cancel is sent again.
func TestAdv3InDoubtSettleUsesIDCapabilities(t *testing.T) {
	t.Parallel()
	b, _ := fastBroker(t)
	f := fakeAt("fake", nil)
	register(t, b, "fake", idCapsFake{f})
	// A cancelled order, as the cloud shows it: like a fresh one.
	refs := refsOf("fake", f.Seed(provider.StatePendingApplication))
	req := provider.CancelRequest{}
	j := &memJournal{}
	j.Begin(runOf(t, b, req, refs))
	_ = j.Intent(0, refs[0]) // an earlier session sent it; its outcome was lost
	items, _ := b.Do(context.Background(), req, refs, broker.BulkOptions{Journal: j})
	if n := callsOf(f)[provider.OpCancel]; n != 0 || !items[0].InDoubt {
		t.Errorf("in-doubt cancel on a look-alike state: %d cancels sent, item in doubt %v (%v); want 0 sent, in doubt",
			n, items[0].InDoubt, items[0].Err)
	}
}
