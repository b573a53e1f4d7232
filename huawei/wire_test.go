package huawei

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/certbroker/certbroker/huawei/huaweitest"
	"github.com/certbroker/certbroker/provider"
)

// TestCancelWire proves Cancel is exactly one signed POST to
// /v2/<project_id>/scm/cert/<cert_id>/cancel-cert, from the emulator's log.
func TestCancelWire(t *testing.T) {
	t.Parallel()
	h := newEmulated(t, false)
	id := h.srv.Seed(provider.StateUnderReview)
	res, err := h.a.Cancel(t.Context(), provider.CancelRequest{ID: id})
	if err != nil {
		t.Fatal(err)
	}
	reqs := h.srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1: %+v", len(reqs), reqs)
	}
	r := reqs[0]
	wantPath := "/v2/" + h.srv.ProjectID() + "/scm/cert/" + id + "/cancel-cert"
	if r.Method != http.MethodPost || r.Path != wantPath || r.Action != huaweitest.ActionCancelCert {
		t.Errorf("sent %s %s (%s), want POST %s", r.Method, r.Path, r.Action, wantPath)
	}
	if r.AccessKeyID != h.srv.AccessKeyID() || r.HTTPStatus != http.StatusOK || !r.Applied {
		t.Errorf("signature/outcome: %+v", r)
	}
	if res.RequestID == "" || res.RequestID != r.RequestID {
		t.Errorf("Result.RequestID %q, emulator sent %q", res.RequestID, r.RequestID)
	}
}

// TestCancelWireExact checks the raw request against a plain server: no
// body, no query, the project header, and no internal header.
func TestCancelWireExact(t *testing.T) {
	t.Parallel()
	s := newStub(t, answer(200, `{"cert_id":" `+testCertID+`","message":"success"}`))
	a := mustNew(t, stubConfig(s.URL))
	if _, err := a.Cancel(t.Context(), provider.CancelRequest{ID: testCertID}); err != nil {
		t.Fatal(err)
	}
	reqs := s.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[0]
	if r.Method != "POST" || r.Path != "/v2/"+testProject+"/scm/cert/"+testCertID+"/cancel-cert" || r.RawQuery != "" || r.Body != "" {
		t.Errorf("sent %s %s?%s body %q", r.Method, r.Path, r.RawQuery, r.Body)
	}
	if r.Header.Get("X-Project-Id") != testProject || !strings.HasPrefix(r.Header.Get("Authorization"), "SDK-HMAC-SHA256 Access="+testAK+",") {
		t.Errorf("headers %v", r.Header)
	}
	if r.Header.Get(callHeader) != "" {
		t.Errorf("internal header sent")
	}
}

// TestRevokeWire checks the revoke body: the reason field is always sent,
// even when empty, and reaches the emulator intact.
func TestRevokeWire(t *testing.T) {
	t.Parallel()
	for _, reason := range []string{"", "key leak <&> 中文 \"quoted\""} {
		s := newStub(t, answer(200, `{"message":"success"}`))
		a := mustNew(t, stubConfig(s.URL))
		res, err := a.Revoke(t.Context(), provider.RevokeRequest{ID: testCertID, Reason: reason})
		if err != nil {
			t.Fatal(err)
		}
		if res.State != provider.StateRevoking || res.NativeState != "REVOKING" {
			t.Errorf("result %+v", res)
		}
		r := s.requests()[0]
		var body map[string]any
		if err := json.Unmarshal([]byte(r.Body), &body); err != nil {
			t.Fatalf("body %q: %v", r.Body, err)
		}
		if got, present := body["reason"]; !present || got != reason || len(body) != 1 {
			t.Errorf("body %q, want exactly reason %q", r.Body, reason)
		}
		if r.Method != "POST" || r.Path != "/v2/"+testProject+"/scm/cert/"+testCertID+"/revoke" {
			t.Errorf("sent %s %s", r.Method, r.Path)
		}
	}

	h := newEmulated(t, false)
	id := h.srv.Seed(provider.StateIssued)
	if _, err := h.a.Revoke(t.Context(), provider.RevokeRequest{ID: id, Reason: "密钥泄露"}); err != nil {
		t.Fatal(err)
	}
	if c, _ := h.srv.Cert(id); c.RevokeReason != "密钥泄露" || c.Status != huaweitest.StatusRevoking {
		t.Errorf("emulator holds %+v", c)
	}
}

// TestRevokeReasonRefused: a bad reason is refused before any request.
func TestRevokeReasonRefused(t *testing.T) {
	t.Parallel()
	h := newEmulated(t, false)
	id := h.srv.Seed(provider.StateIssued)
	for _, reason := range []string{strings.Repeat("x", 64), "a\nb"} {
		_, err := h.a.Revoke(t.Context(), provider.RevokeRequest{ID: id, Reason: reason})
		if pe := asProviderError(t, err); pe.Kind != provider.KindInvalidArgument {
			t.Errorf("reason %q: %v", reason, err)
		}
	}
	if n := h.srv.RequestCount(); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// TestDeleteWire checks the delete request: v3 DELETE, answered 204; the
// second delete meets v3's documented 404 and is not found.
func TestDeleteWire(t *testing.T) {
	t.Parallel()
	h := newEmulated(t, false)
	id := h.srv.Seed(provider.StateRevoked)
	res, err := h.a.Delete(t.Context(), provider.DeleteRequest{ID: id})
	if err != nil || res.Op != provider.OpDelete || res.State != provider.StateUnknown {
		t.Fatalf("Delete = %+v, %v", res, err)
	}
	r := h.srv.Requests()[0]
	if r.Method != http.MethodDelete || r.Path != "/v3/scm/certificates/"+id || r.HTTPStatus != http.StatusNoContent {
		t.Errorf("sent %s %s, answered %d", r.Method, r.Path, r.HTTPStatus)
	}
	_, err = h.a.Delete(t.Context(), provider.DeleteRequest{ID: id})
	if pe := asProviderError(t, err); !errors.Is(err, provider.ErrNotFound) || pe.HTTPStatus != http.StatusNotFound {
		t.Errorf("second delete: %v, want not found from a 404", err)
	}
}

// TestWrongSecretRejected: the emulator verifies the signature; a wrong SK
// is unauthorized and changes nothing.
func TestWrongSecretRejected(t *testing.T) {
	t.Parallel()
	srv := huaweitest.NewServer()
	t.Cleanup(srv.Close)
	id := srv.Seed(provider.StateIssued)
	a := mustNew(t, Config{Endpoint: srv.URL(), ProjectID: srv.ProjectID(), AK: srv.AccessKeyID(), SK: srv.AccessKeySecret() + "x"})
	for _, op := range []provider.Op{provider.OpStatus, provider.OpRevoke} {
		_, err := callOp(t.Context(), a, op, id)
		pe := asProviderError(t, err)
		if pe.Kind != provider.KindUnauthorized || pe.Code != "APIGW.0301" || pe.HTTPStatus != 401 {
			t.Errorf("%s: %v, want unauthorized APIGW.0301", op, err)
		}
		if strings.Contains(err.Error(), srv.AccessKeySecret()) {
			t.Errorf("error leaks the secret")
		}
	}
	if st, _ := srv.State(id); st != provider.StateIssued {
		t.Errorf("state %s after rejected calls", st)
	}
	for _, r := range srv.Requests() {
		if r.AccessKeyID != "" || r.Applied {
			t.Errorf("request accepted: %+v", r)
		}
	}
}

// TestWrongProject: a project the credentials do not own is forbidden or
// an invalid argument, never a success.
func TestWrongProject(t *testing.T) {
	t.Parallel()
	srv := huaweitest.NewServer()
	t.Cleanup(srv.Close)
	id := srv.Seed(provider.StateIssued)
	a := mustNew(t, Config{Endpoint: srv.URL(), ProjectID: "ffffffffffffffffffffffffffffffff", AK: srv.AccessKeyID(), SK: srv.AccessKeySecret()})
	_, err := a.Status(t.Context(), statusReq(id))
	if k := provider.KindOf(err); k != provider.KindInvalidArgument && k != provider.KindForbidden {
		t.Errorf("got %v", err)
	}
}

// TestSecurityTokenSigned: with a security token the SDK sends
// X-Security-Token and signs it.
func TestSecurityTokenSigned(t *testing.T) {
	t.Parallel()
	s := newStub(t, answer(200, `{"status":"PAID"}`))
	cfg := stubConfig(s.URL)
	cfg.SecurityToken = testToken
	a := mustNew(t, cfg)
	if _, err := a.Status(t.Context(), statusReq(testCertID)); err != nil {
		t.Fatal(err)
	}
	r := s.requests()[0]
	auth := r.Header.Get("Authorization")
	_, signed, _ := strings.Cut(auth, "SignedHeaders=")
	signed, _, _ = strings.Cut(signed, ",")
	if r.Header.Get("X-Security-Token") != testToken || !slices.Contains(strings.Split(signed, ";"), "x-security-token") {
		t.Errorf("token header %q, signed headers %q", r.Header.Get("X-Security-Token"), signed)
	}
}
