package huawei

import (
	"strings"
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

// TestDeleteByPurchase: SCM deletes a PAID certificate only when it is
// free (user guide, 删除SSL证书; fidelity H11), and an ISSUED one only when
// it is paid. Delete.From leaves pending_application out, so as not to
// claim every PAID certificate deletable; the note says free ones are.
func TestDeleteByPurchase(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cert huaweitest.Cert
		want provider.Kind // KindOther: deleted
	}{
		{"free PAID", huaweitest.Cert{Status: huaweitest.StatusPaid, Source: huaweitest.SourceFree}, provider.KindOther},
		{"paid PAID", huaweitest.Cert{Status: huaweitest.StatusPaid}, provider.KindInvalidState},
		{"paid PAID, cancelled", huaweitest.Cert{Status: huaweitest.StatusPaid, Cancelled: true}, provider.KindInvalidState},
		{"free ISSUED", huaweitest.Cert{Status: huaweitest.StatusIssued, Source: huaweitest.SourceFree}, provider.KindInvalidState},
		{"paid ISSUED", huaweitest.Cert{Status: huaweitest.StatusIssued}, provider.KindOther},
		{"free EXPIRED", huaweitest.Cert{Status: huaweitest.StatusExpired, Source: huaweitest.SourceFree}, provider.KindOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newEmulated(t, false)
			id := h.srv.SeedCert(tt.cert)
			res, err := h.a.Delete(t.Context(), provider.DeleteRequest{ID: id})
			_, exists := h.srv.Cert(id)
			if tt.want == provider.KindOther {
				if err != nil || res.Op != provider.OpDelete || exists {
					t.Fatalf("Delete = %+v, %v; exists %t", res, err, exists)
				}
				return
			}
			if k := provider.KindOf(err); k != tt.want || !exists {
				t.Fatalf("Delete: %v (kind %s), exists %t; want %s and the certificate kept", err, k, exists, tt.want)
			}
		})
	}
	if c := mustNew(t, stubConfig("http://127.0.0.1:1")).Capabilities().Delete; c.Allows(provider.StatePendingApplication) ||
		!strings.Contains(c.Note, "free certificate pending application") {
		t.Errorf("Delete capability %+v does not say pending_application is for free certificates", c)
	}
}
