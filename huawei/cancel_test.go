package huawei

import (
	"testing"

	"github.com/certbroker/certbroker/huawei/huaweitest"
	"github.com/certbroker/certbroker/provider"
)

// TestCancelEvidence: after a cancel whose outcome is unknown, only
// cancelling proves it was applied. pending_application (a withdrawn and a
// fresh order both read PAID), issued and expiring (a late-failing
// withdrawal and a SUPPLEMENTCHECKING withdrawal both end ISSUED) prove
// nothing; under_review proves it was not.
func TestCancelEvidence(t *testing.T) {
	t.Parallel()
	caps := mustNew(t, stubConfig("http://127.0.0.1:1")).Capabilities()
	want := map[provider.State]provider.Evidence{
		provider.StateCancelling:         provider.Applied,
		provider.StatePendingApplication: provider.NoEvidence,
		provider.StateIssued:             provider.NoEvidence,
		provider.StateExpiring:           provider.NoEvidence,
		provider.StateUnderReview:        provider.NotApplied,
		provider.StateUnknown:            provider.NoEvidence,
	}
	for st, ev := range want {
		if got := caps.Evidence(provider.OpCancel, st); got != ev {
			t.Errorf("Evidence(cancel, %s) = %s, want %s", st, got, ev)
		}
	}
	if !caps.Cancel.Allows(provider.StateUnderReview) || caps.Cancel.Allows(provider.StateIssued) {
		t.Errorf("Cancel.From = %v", caps.Cancel.From)
	}
}

// TestCancelLateFailureReadsIssued: a withdrawal the CA overtook settles
// to ISSUED, and Status reports issued, which Cancel lists as a look-alike.
// From ISSUING (under_review too) the emulator refuses: invalid_state.
func TestCancelLateFailureReadsIssued(t *testing.T) {
	t.Parallel()
	h := newEmulated(t, false, huaweitest.WithLateCancelFailure(1))
	id := h.srv.Seed(provider.StateUnderReview)
	res, err := h.a.Cancel(t.Context(), provider.CancelRequest{ID: id})
	if err != nil || res.State != provider.StateCancelling {
		t.Fatalf("Cancel = %+v, %v", res, err)
	}
	h.srv.Settle(id)
	st, err := h.a.Status(t.Context(), statusReq(id))
	if err != nil || st.State != provider.StateIssued || st.NotAfter.IsZero() {
		t.Fatalf("Status after a late failure = %+v, %v", st, err)
	}
	if !h.a.Capabilities().Cancel.LooksReached(st.State) {
		t.Errorf("issued after a cancel is not a declared look-alike")
	}

	issuing := h.srv.SeedCert(huaweitest.Cert{Status: huaweitest.StatusIssuing})
	_, err = h.a.Cancel(t.Context(), provider.CancelRequest{ID: issuing})
	if k := provider.KindOf(err); k != provider.KindInvalidState {
		t.Fatalf("cancel from ISSUING: %v, want invalid_state", err)
	}
}
