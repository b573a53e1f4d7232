package alibaba

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/certbroker/certbroker/internal/adapterkit"
	"github.com/certbroker/certbroker/provider"
)

// cannedServer answers every request with status and body.
func cannedServer(t *testing.T, status int, body string) *httptest.Server {
	t.Helper()
	return cannedServerFor(t, provider.OpStatus, status, body)
}

// cannedServerFor answers every request of op with status and body. For
// Revoke, whose first request is a DescribeCertificateState read, that
// read is answered with Type certificate, so the canned answer reaches
// CancelCertificateForPackageRequest itself.
func cannedServerFor(t *testing.T, op provider.Op, status int, body string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if op == provider.OpRevoke && r.URL.Query().Get("Action") == "DescribeCertificateState" {
			fmt.Fprint(w, `{"RequestId":"pre-read","Type":"certificate"}`)
			return
		}
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func cannedAdapter(t *testing.T, srv *httptest.Server, token string) *Adapter {
	t.Helper()
	return newTestAdapter(t, Config{Endpoint: srv.URL, AccessKeyID: testKeyID,
		AccessKeySecret: testSecret, SecurityToken: token})
}

func errorBodyJSON(code string, status int) string {
	return fmt.Sprintf(`{"RequestId":"REQ-%d","HostId":"cas.aliyuncs.com","Code":%q,"Message":"message for %s","Recommend":"https://example.invalid"}`,
		status, code, code)
}

// TestErrorCodesThroughSDK covers the codes the emulator cannot produce:
// a canned server answers with the body, the real SDK turns it into its
// own error value, and the adapter classifies that.
func TestErrorCodesThroughSDK(t *testing.T) {
	t.Parallel()
	type byOp struct{ status, mutating provider.Kind }
	same := func(k provider.Kind) byOp { return byOp{k, k} }
	for _, tc := range []struct {
		status int
		code   string
		want   byOp
	}{
		{404, "NotFoundOrder", same(provider.KindNotFound)},
		{403, "OrderStateError", same(provider.KindInvalidState)},
		{403, "DeleteFail", same(provider.KindInvalidState)},
		{403, "CreateCertificateRequestFailed", same(provider.KindInvalidState)},
		{404, "NotFoundPackage", same(provider.KindQuotaExceeded)},
		{404, "NotRemainCount", same(provider.KindQuotaExceeded)},
		{400, "Throttling", same(provider.KindThrottled)},
		{400, "Throttling.Api", same(provider.KindThrottled)},
		{503, "Throttling.User", same(provider.KindThrottled)},
		{400, "SignatureDoesNotMatch", same(provider.KindUnauthorized)},
		{400, "IncompleteSignature", same(provider.KindUnauthorized)},
		{400, "SignatureNonceUsed", same(provider.KindUnauthorized)},
		{400, "InvalidTimeStamp.Format", same(provider.KindUnauthorized)},
		{400, "InvalidAccessKeyId.Inactive", same(provider.KindUnauthorized)},
		{400, "InvalidSecurityToken.Expired", same(provider.KindUnauthorized)},
		{403, "Forbidden.RAM", same(provider.KindForbidden)},
		{403, "NoPermission", same(provider.KindForbidden)},
		{400, "MissingParameter.OrderId", same(provider.KindInvalidArgument)},
		{400, "InvalidParameter", same(provider.KindInvalidArgument)},
		{500, "Error", byOp{provider.KindUnavailable, provider.KindOutcomeUnknown}},
		{500, "InternalError", byOp{provider.KindUnavailable, provider.KindOutcomeUnknown}},
		{504, "GatewayTimeout", byOp{provider.KindUnavailable, provider.KindOutcomeUnknown}},
		{429, "SomethingNew", same(provider.KindThrottled)},
		{401, "SomethingNew", same(provider.KindUnauthorized)},
		{403, "SomethingNew", same(provider.KindForbidden)},
		{404, "SomethingNew", same(provider.KindOther)},
		{400, "SomethingNew", same(provider.KindOther)},
	} {
		for _, op := range provider.Ops() {
			t.Run(fmt.Sprintf("%d_%s/%s", tc.status, tc.code, op), func(t *testing.T) {
				t.Parallel()
				a := cannedAdapter(t, cannedServerFor(t, op, tc.status, errorBodyJSON(tc.code, tc.status)), "")
				_, err := callOp(t, a, op, "123451222")
				want := tc.want.mutating
				if op == provider.OpStatus {
					want = tc.want.status
				}
				if !errors.Is(err, want) {
					t.Fatalf("got %v (kind %s), want %s", err, provider.KindOf(err), want)
				}
				checkProviderError(t, err, op, "123451222", tc.code, tc.status)
				var pe *provider.Error
				errors.As(err, &pe)
				if pe.RequestID != fmt.Sprintf("REQ-%d", tc.status) || pe.Message != "message for "+tc.code {
					t.Errorf("RequestID %q, Message %q", pe.RequestID, pe.Message)
				}
				var se *sdkerrors.ServerError
				if !errors.As(err, &se) || se.ErrorCode() != tc.code || se.HttpStatus() != tc.status {
					t.Errorf("errors.As did not reach the SDK's ServerError with code %s", tc.code)
				}
			})
		}
	}
}

// TestOddResponses covers bodies the SDK handles badly or not at all.
func TestOddResponses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		status  int
		body    string
		op      provider.Op
		want    provider.Kind
		code    string
		message string
		reqID   string
	}{
		// The SDK's own parser panics on a numeric RequestId.
		{"numeric_request_id", 404, `{"RequestId":42,"Code":"NotFoundOrder","Message":"gone"}`, provider.OpDelete, provider.KindNotFound, "NotFoundOrder", "gone", "42"},
		{"numeric_code", 400, `{"RequestId":"r","Code":7,"Message":"odd"}`, provider.OpStatus, provider.KindOther, "7", "odd", "r"},
		{"object_message", 500, `{"RequestId":"r","Code":"X","Message":{"a":1}}`, provider.OpCancel, provider.KindOutcomeUnknown, "X", "", "r"},
		{"text_503", 503, "upstream unavailable", provider.OpStatus, provider.KindUnavailable, "", "upstream unavailable", ""},
		{"text_502_renew", 502, "<html>bad gateway</html>", provider.OpRenew, provider.KindOutcomeUnknown, "", "<html>bad gateway</html>", ""},
		{"empty_429", 429, "", provider.OpRevoke, provider.KindThrottled, "", "HTTP 429", ""},
		{"renew_without_order_id", 200, `{"RequestId":"r"}`, provider.OpRenew, provider.KindOutcomeUnknown, "", "", "r"},
		{"status_without_type", 200, `{"RequestId":"r"}`, provider.OpStatus, provider.KindUnavailable, "", "", "r"},
		{"truncated_json_200", 200, `{"RequestId":"r","Type":`, provider.OpStatus, provider.KindUnavailable, "", "", ""},
		{"truncated_json_200_cancel", 200, `{"RequestId":`, provider.OpCancel, provider.KindOutcomeUnknown, "", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := cannedAdapter(t, cannedServerFor(t, tc.op, tc.status, tc.body), "")
			_, err := callOp(t, a, tc.op, "77")
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v (kind %s), want %s", err, provider.KindOf(err), tc.want)
			}
			var pe *provider.Error
			if !errors.As(err, &pe) {
				t.Fatalf("%T is not a *provider.Error", err)
			}
			if pe.Code != tc.code || pe.RequestID != tc.reqID || (tc.message != "" && pe.Message != tc.message) {
				t.Errorf("Code %q RequestID %q Message %q; want %q %q %q", pe.Code, pe.RequestID, pe.Message, tc.code, tc.reqID, tc.message)
			}
			if tc.status >= 300 {
				var se *sdkerrors.ServerError
				if !errors.As(err, &se) || se.HttpStatus() != tc.status {
					t.Errorf("errors.As did not reach a ServerError with status %d", tc.status)
				}
			}
		})
	}
}

// TestKindForServer is the code table itself, for every operation.
func TestKindForServer(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status int
		code   string
		want   provider.Kind // for a mutating op; Status differs only for 5xx
	}{
		{404, "NotFoundOrder", provider.KindNotFound},
		{500, "NotFoundOrder", provider.KindNotFound}, // code first
		{403, "OrderStateError", provider.KindInvalidState},
		{403, "DeleteFail", provider.KindInvalidState},
		{403, "CreateCertificateRequestFailed", provider.KindInvalidState},
		{404, "NotFoundPackage", provider.KindQuotaExceeded},
		{404, "NotRemainCount", provider.KindQuotaExceeded},
		{400, "Throttling", provider.KindThrottled},
		{400, "Throttling.User", provider.KindThrottled},
		{503, "Throttling.Api", provider.KindThrottled},
		{400, "SignatureDoesNotMatch", provider.KindUnauthorized},
		{400, "IncompleteSignature", provider.KindUnauthorized},
		{404, "InvalidAccessKeyId.NotFound", provider.KindUnauthorized},
		{400, "InvalidAccessKeyId", provider.KindUnauthorized},
		{400, "InvalidTimeStamp.Expired", provider.KindUnauthorized},
		{400, "SignatureNonceUsed", provider.KindUnauthorized},
		{400, "InvalidSecurityToken.Malformed", provider.KindUnauthorized},
		{403, "Forbidden", provider.KindForbidden},
		{403, "Forbidden.RAM", provider.KindForbidden},
		{403, "NoPermission.Cas", provider.KindForbidden},
		{400, "MissingParameter", provider.KindInvalidArgument},
		{400, "MissingOrderId", provider.KindOther}, // not a documented prefix
		{400, "InvalidParameter.Format", provider.KindInvalidArgument},
		{500, "", provider.KindOutcomeUnknown},
		{503, "ServiceUnavailable", provider.KindOutcomeUnknown},
		{429, "", provider.KindThrottled},
		{401, "", provider.KindUnauthorized},
		{403, "", provider.KindForbidden},
		{404, "", provider.KindOther},
		{400, "", provider.KindOther},
		// Below 400: a success whose body could not be decoded
		// (internal/classify), which may have been applied.
		{200, "", provider.KindOutcomeUnknown},
	} {
		for _, op := range provider.Ops() {
			want := tc.want
			if op == provider.OpStatus && want == provider.KindOutcomeUnknown {
				want = provider.KindUnavailable
			}
			if got := adapterkit.ResponseKind(codeKind, tc.code, tc.status, op.Mutating()); got != want {
				t.Errorf("ResponseKind(%s, %d, %q) = %s, want %s", op, tc.status, tc.code, got, want)
			}
		}
	}
}

// TestSignatureMismatchDoesNotLeakToken: Alibaba echoes its string to
// sign, which holds the STS token, in SignatureDoesNotMatch messages.
func TestSignatureMismatchDoesNotLeakToken(t *testing.T) {
	t.Parallel()
	sts := "POST&%2F&AccessKeyId%3D" + testKeyID + "%26SecurityToken%3D" + strings.ReplaceAll(testToken, "/", "%252F") + "%26Version%3D2020-04-07"
	body := fmt.Sprintf(`{"RequestId":"r1","Code":"SignatureDoesNotMatch","Message":"Specified signature is not matched with our calculation. server string to sign is:%s","Raw":"%s %s"}`,
		sts, testToken, testSecret)
	a := cannedAdapter(t, cannedServer(t, 400, body), testToken)
	_, err := a.Status(t.Context(), provider.StatusRequest{ID: "1"})
	if !errors.Is(err, provider.ErrUnauthorized) {
		t.Fatalf("got %v, want unauthorized", err)
	}
	var se *sdkerrors.ServerError
	if !errors.As(err, &se) || se.ErrorCode() != "SignatureDoesNotMatch" {
		t.Fatalf("errors.As did not reach the ServerError")
	}
	for _, text := range errorTexts(err) {
		assertNoSecrets(t, text, testToken, testSecret, "SecurityToken%3D")
	}
}

// errorTexts renders err and every error in its chain in every way a
// caller might print it.
func errorTexts(err error) []string {
	var out []string
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		out = append(out, e.Error(), fmt.Sprintf("%v", e), fmt.Sprintf("%+v", e), fmt.Sprintf("%#v", e))
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		case interface{ Unwrap() []error }:
			for _, c := range u.Unwrap() {
				walk(c)
			}
		}
	}
	walk(err)
	return out
}

func assertNoSecrets(t *testing.T, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(text, s) {
			t.Errorf("text contains %q:\n%s", s, text)
		}
	}
}

// TestRedirectsAreNotFollowed: CAS never redirects, and a redirect could
// carry a signed call elsewhere.
func TestRedirectsAreNotFollowed(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits++
		mu.Unlock()
		http.Redirect(w, r, "/elsewhere?"+r.URL.RawQuery, http.StatusTemporaryRedirect)
	}))
	t.Cleanup(srv.Close)
	a := cannedAdapter(t, srv, "")
	for op, want := range map[provider.Op]provider.Kind{provider.OpStatus: provider.KindUnavailable, provider.OpRenew: provider.KindOutcomeUnknown} {
		_, err := callOp(t, a, op, "5")
		if !errors.Is(err, want) || !errors.Is(err, errRedirect) {
			t.Errorf("%s through a redirect: %v, want %s", op, err, want)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if hits != 2 {
		t.Errorf("the server saw %d requests, want 2 (one per call)", hits)
	}
}
