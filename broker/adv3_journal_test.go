package broker_test

import (
	"context"
	"github.com/certbroker/certbroker/journal"
	"os"
	"path/filepath"
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

// cancelOnIntent records the intent in the file journal, then the
// operator presses Ctrl-C: the request never goes out.
type cancelOnIntent struct {
	*journal.File
	cancel context.CancelFunc
}

func (c cancelOnIntent) Intent(i int, ref provider.Ref) error {
	err := c.File.Intent(i, ref)
	c.cancel()
	return err
}

// A renew in doubt (session 1 recorded its intent, then was killed) must
// never be re-sent unless the caller asks. Session 2 asks
// (ResendInDoubtRenewals) but is interrupted after re-recording the
// intent and before sending: the broker writes "unsent", and the file
// journal's apply of "unsent" clears the intent (and an in-doubt
// outcome) of session 1 as well, so session 3, which does not ask,
// sends the renewal as if never started.
func TestAdv3UnsentEraseEarlierRenewDoubt(t *testing.T) {
	t.Parallel()
	b, _ := fastBroker(t)
	f := fakeAt("fake", nil)
	register(t, b, "fake", f)
	refs := refsOf("fake", f.Seed(provider.StateExpiring))
	req := provider.RenewRequest{}
	path := filepath.Join(t.TempDir(), "run.journal")

	// Session 1: the intent is durable, then SIGKILL.
	j1, err := journal.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := j1.Begin(runOf(t, b, req, refs)); err != nil {
		t.Fatal(err)
	}
	_ = j1.Intent(0, refs[0])
	j1.Close()

	// Session 2: re-send asked, Ctrl-C before the request goes out.
	j2, err := journal.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	_, _ = b.Do(ctx, req, refs, broker.BulkOptions{Journal: cancelOnIntent{j2, cancel}, ResendInDoubtRenewals: true})
	j2.Close()
	if n := callsOf(f)[provider.OpRenew]; n != 0 {
		t.Fatalf("session 2 sent %d renewals; the test needs 0", n)
	}

	// Session 3: no re-send asked.
	j3, err := journal.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j3.Close()
	items, _ := b.Do(context.Background(), req, refs, broker.BulkOptions{Journal: j3})
	if n := callsOf(f)[provider.OpRenew]; n != 0 || !items[0].InDoubt {
		data, _ := os.ReadFile(path)
		t.Errorf("session 3 (no re-send asked): %d renewals sent, in doubt %v; want 0 sent, in doubt\njournal:\n%s",
			n, items[0].InDoubt, data)
	}
}

// adv3OtherIDStatus answers every state read with another order's state.
type adv3OtherIDStatus struct{ *providertest.Fake }

func (o adv3OtherIDStatus) Status(ctx context.Context, r provider.StatusRequest) (*provider.Result, error) {
	return &provider.Result{ID: r.ID + "0", Op: provider.OpStatus, State: provider.StateRevoked, NativeState: "revoked"}, nil
}

// The outcome rule (call.go finish) refuses to settle on a state read
// that names another order ("the state read to settle it named order
// ..., not this one"). settleInDoubt (journal.go) has no such check: an
// in-doubt revoke is reported done, already revoked, on the strength of
// another order's state.
func TestAdv3InDoubtSettleChecksReadID(t *testing.T) {
	t.Parallel()
	b, _ := fastBroker(t)
	f := fakeAt("fake", nil)
	register(t, b, "fake", adv3OtherIDStatus{f})
	refs := refsOf("fake", f.Seed(provider.StateIssued))
	req := provider.RevokeRequest{}
	j := &memJournal{}
	j.Begin(runOf(t, b, req, refs))
	_ = j.Intent(0, refs[0])
	items, _ := b.Do(context.Background(), req, refs, broker.BulkOptions{Journal: j})
	if items[0].Err == nil || !items[0].InDoubt {
		t.Errorf("in-doubt revoke settled on another order's state: %+v (result %+v); want in doubt", items[0], items[0].Result)
	}
}
