package huawei

import (
	"errors"
	"strings"
	"testing"

	"github.com/certbroker/certbroker/provider"
)

// TestCheckAgreesWithTheCall: for every bad input, Check and the real
// call refuse alike (same kind, code, message, op, origin and ID) and the
// emulator receives nothing; for good input Check says nil.
func TestCheckAgreesWithTheCall(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("r", MaxReasonLen+1)
	bad := []struct {
		name  string
		renew bool
		req   provider.Request
		kind  provider.Kind
	}{
		{"status short ID", false, provider.StatusRequest{ID: "scs123"}, provider.KindInvalidArgument},
		{"cancel upper-case", false, provider.CancelRequest{ID: "SCS1481110651012"}, provider.KindInvalidArgument},
		{"delete path", false, provider.DeleteRequest{ID: "scs148111065101/"}, provider.KindInvalidArgument},
		{"delete empty", false, provider.DeleteRequest{ID: ""}, provider.KindInvalidArgument},
		{"revoke bad ID", false, provider.RevokeRequest{ID: "scs14811106510x2", Reason: "ok"}, provider.KindInvalidArgument},
		{"revoke long reason", false, provider.RevokeRequest{ID: testCertID, Reason: long}, provider.KindInvalidArgument},
		{"revoke control char", false, provider.RevokeRequest{ID: testCertID, Reason: "a\nb"}, provider.KindInvalidArgument},
		{"revoke invalid UTF-8", false, provider.RevokeRequest{ID: testCertID, Reason: "\xff"}, provider.KindInvalidArgument},
		{"renew disabled", false, provider.RenewRequest{ID: testCertID}, provider.KindUnsupported},
		{"renew disabled, bad ID first", false, provider.RenewRequest{ID: "x"}, provider.KindInvalidArgument},
		{"renew CSR", true, provider.RenewRequest{ID: testCertID, CSR: "-----BEGIN CERTIFICATE REQUEST-----"}, provider.KindInvalidArgument},
		{"renew tag without key", true, provider.RenewRequest{ID: testCertID, Tags: []provider.Tag{{Key: "", Value: "v"}}}, provider.KindInvalidArgument},
		{"renew tag value too long", true, provider.RenewRequest{ID: testCertID, Tags: []provider.Tag{{Key: "k", Value: strings.Repeat("v", 256)}}}, provider.KindInvalidArgument},
		{"renew tags, disabled first", false, provider.RenewRequest{ID: testCertID, Tags: []provider.Tag{{Key: ""}}}, provider.KindUnsupported},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newEmulated(t, tt.renew)
			checkErr := h.a.Check(tt.req)
			_, callErr := provider.Call(t.Context(), h.a, tt.req)
			ce, pe := asProviderError(t, checkErr), asProviderError(t, callErr)
			if ce.Kind != tt.kind || pe.Kind != tt.kind {
				t.Fatalf("kinds: Check %s, call %s; want %s", ce.Kind, pe.Kind, tt.kind)
			}
			if ce.Error() != pe.Error() || ce.Op != pe.Op || ce.ID != pe.ID || ce.Origin != pe.Origin || ce.Code != pe.Code {
				t.Fatalf("Check and the call disagree:\n check %v\n call  %v", ce, pe)
			}
			if n := h.srv.RequestCount(); n != 0 {
				t.Fatalf("%d requests sent", n)
			}
		})
	}

	h := newEmulated(t, true)
	for _, req := range []provider.Request{
		provider.StatusRequest{ID: testCertID}, provider.CancelRequest{ID: testCertID},
		provider.DeleteRequest{ID: testCertID}, provider.RevokeRequest{ID: testCertID, Reason: strings.Repeat("é", MaxReasonLen)},
		provider.RenewRequest{ID: testCertID, CSR: "  ", Tags: []provider.Tag{{Key: "k", Value: "v"}}},
	} {
		if err := h.a.Check(req); err != nil {
			t.Errorf("Check(%+v) = %v, want nil", req, err)
		}
	}
	if err := h.a.Check(nil); !errors.Is(err, provider.ErrInvalidArgument) {
		t.Errorf("Check(nil) = %v", err)
	}
	if n := h.srv.RequestCount(); n != 0 {
		t.Errorf("Check sent %d requests", n)
	}
}
