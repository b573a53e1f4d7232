package huawei

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/certbroker/certbroker/internal/adapterkit"
	"github.com/certbroker/certbroker/internal/classify"
	"github.com/certbroker/certbroker/provider"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
)

func scmError(code, msg string) string {
	return `{"error_code":"` + code + `","error_msg":"` + msg + `"}`
}

// TestErrorMapping drives the real SDK against a server answering with each
// documented error and checks the classification, for a read (Status) and
// a mutating call (Cancel).
func TestErrorMapping(t *testing.T) {
	t.Parallel()
	const (
		K = provider.KindOutcomeUnknown
		U = provider.KindUnavailable
	)
	cases := []struct {
		name           string
		status         int
		body           string
		read, mutating provider.Kind
		code           string
	}{
		{"invalid_state", 400, scmError("SCM.0010", "status does not allow"), provider.KindInvalidState, provider.KindInvalidState, "SCM.0010"},
		{"bad_param", 400, scmError("SCM.0005", "bad parameter"), provider.KindInvalidArgument, provider.KindInvalidArgument, "SCM.0005"},
		{"cert_abnormal", 400, scmError("SCM.0008", "certificate id abnormal"), provider.KindNotFound, provider.KindNotFound, "SCM.0008"},
		{"cert_id_wrong", 400, scmError("SCM.0020", "certificate id wrong"), provider.KindInvalidArgument, provider.KindInvalidArgument, "SCM.0020"},
		{"free_quota", 400, scmError("SCM.0011", "free quota reached"), provider.KindQuotaExceeded, provider.KindQuotaExceeded, "SCM.0011"},
		{"domain_mismatch", 400, scmError("SCM.0015", "domain count"), provider.KindInvalidArgument, provider.KindInvalidArgument, "SCM.0015"},
		{"not_owner", 400, scmError("SCM.0003", "not your certificate"), provider.KindForbidden, provider.KindForbidden, "SCM.0003"},
		{"token", 401, scmError("SCM.1000", "not authenticated"), provider.KindUnauthorized, provider.KindUnauthorized, "SCM.1000"},
		{"gateway_sig", 401, scmError("APIGW.0301", "verify aksk signature fail"), provider.KindUnauthorized, provider.KindUnauthorized, "APIGW.0301"},
		{"gateway_sig_apig", 401, scmError("APIG.0301", "verify aksk signature fail"), provider.KindUnauthorized, provider.KindUnauthorized, "APIG.0301"},
		{"bare_401", 401, "unauthorized", provider.KindUnauthorized, provider.KindUnauthorized, ""},
		{"policy", 401, scmError("SCM.4002", "no permission policy"), provider.KindForbidden, provider.KindForbidden, "SCM.4002"},
		{"beta", 401, scmError("SCM.1004", "open beta"), provider.KindForbidden, provider.KindForbidden, "SCM.1004"},
		{"restricted", 401, scmError("SCM.1009", "restricted"), provider.KindForbidden, provider.KindForbidden, "SCM.1009"},
		{"frozen", 401, scmError("SCM.1010", "frozen"), provider.KindForbidden, provider.KindForbidden, "SCM.1010"},
		{"project", 403, scmError("SCM.0002", "project mismatch"), provider.KindForbidden, provider.KindForbidden, "SCM.0002"},
		{"bare_403", 403, "forbidden", provider.KindForbidden, provider.KindForbidden, ""},
		{"throttle", 429, scmError("APIGW.0308", "The throttling threshold has been reached"), provider.KindThrottled, provider.KindThrottled, "APIGW.0308"},
		{"bare_429", 429, "slow down", provider.KindThrottled, provider.KindThrottled, ""},
		{"no_route", 404, scmError("APIGW.0101", "API not found"), provider.KindUnsupported, provider.KindUnsupported, "APIGW.0101"},
		// A 404 is not_found only with SCM's not-found code (SCM.0008); a
		// code-less one (a proxy's page, an empty body), a gateway code or
		// an SCM code the adapter does not know never is (the rule of every
		// adapter: a Delete is never taken as done on an unknown code).
		{"bare_404", 404, "not found", provider.KindOther, provider.KindOther, ""},
		{"html_404", 404, "<html><body><h1>404 Not Found</h1></body></html>", provider.KindOther, provider.KindOther, ""},
		{"empty_404", 404, "", provider.KindOther, provider.KindOther, ""},
		{"scm_404", 404, scmError("SCM.0008", "The certificate does not exist"), provider.KindNotFound, provider.KindNotFound, "SCM.0008"},
		{"unknown_code_404", 404, scmError("SCM.0404", "certificate does not exist"), provider.KindOther, provider.KindOther, "SCM.0404"},
		{"clock_skew", 401, scmError("APIGW.0303", "request expired"), provider.KindUnauthorized, provider.KindUnauthorized, "APIGW.0303"},
		// Codes before statuses (fidelity H16): SCM.0010 answered as a 500
		// is still invalid_state, not outcome_unknown.
		{"code_over_status", 500, scmError("SCM.0010", "not allowed"), provider.KindInvalidState, provider.KindInvalidState, "SCM.0010"},
		{"server", 500, scmError("SCM.4001", "pdp failed"), U, K, "SCM.4001"},
		{"server_encrypt", 500, scmError("SCM.0037", "encrypt failed"), U, K, "SCM.0037"},
		{"unavailable", 503, scmError("APIGW.0613", "unavailable"), U, K, "APIGW.0613"},
		{"bad_gateway_html", 502, "<html>bad gateway</html>", U, K, ""},
		{"malformed_2xx", 200, `{"status": "ISS`, U, K, ""},
		{"unknown_code", 400, scmError("SCM.9999", "something new"), provider.KindOther, provider.KindOther, "SCM.9999"},
		{"iam_form", 400, `{"error":{"message":"bad","title":"Bad Request"}}`, provider.KindOther, provider.KindOther, ""},
		{"code_message_form", 400, `{"code":"SCM.0010","message":"not allowed"}`, provider.KindInvalidState, provider.KindInvalidState, "SCM.0010"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := newStub(t, answer(c.status, c.body))
			a := mustNew(t, stubConfig(s.URL))
			for _, op := range []provider.Op{provider.OpStatus, provider.OpCancel} {
				var err error
				want := c.read
				if op == provider.OpStatus {
					_, err = a.Status(t.Context(), provider.StatusRequest{ID: testCertID})
				} else {
					want = c.mutating
					_, err = a.Cancel(t.Context(), provider.CancelRequest{ID: testCertID})
				}
				pe := asProviderError(t, err)
				if pe.Kind != want || !errors.Is(err, want) {
					t.Errorf("%s: kind %s, want %s (%v)", op, pe.Kind, want, err)
				}
				if pe.Code != c.code {
					t.Errorf("%s: Code %q, want %q", op, pe.Code, c.code)
				}
				if pe.HTTPStatus != c.status || pe.RequestID != "req-stub-1" {
					t.Errorf("%s: HTTPStatus %d, RequestID %q; want %d, req-stub-1", op, pe.HTTPStatus, pe.RequestID, c.status)
				}
				if pe.Op != op || pe.ID != testCertID || pe.Origin != DefaultOrigin {
					t.Errorf("%s: Op/ID/Origin = %s/%s/%s", op, pe.Op, pe.ID, pe.Origin)
				}
				var sre *sdkerr.ServiceResponseError
				if !errors.As(err, &sre) || sre.StatusCode != c.status {
					t.Errorf("%s: errors.As does not reach the SDK error with status %d: %v", op, c.status, err)
				}
				if pe.Message == "" {
					t.Errorf("%s: empty Message", op)
				}
			}
			// One request per call: no retries, and Status stops after
			// the failed details request.
			if n := len(s.requests()); n != 2 {
				t.Errorf("server saw %d requests, want 2", n)
			}
		})
	}
}

// TestErrorMessageKept checks that the cloud's message survives verbatim.
func TestErrorMessageKept(t *testing.T) {
	t.Parallel()
	s := newStub(t, answer(400, scmError("SCM.0010", "The certificate status does not support this operation.")))
	a := mustNew(t, stubConfig(s.URL))
	_, err := a.Revoke(t.Context(), provider.RevokeRequest{ID: testCertID})
	pe := asProviderError(t, err)
	if pe.Message != "The certificate status does not support this operation." {
		t.Errorf("Message = %q", pe.Message)
	}
	if !strings.Contains(err.Error(), "SCM.0010") || !strings.Contains(err.Error(), "req-stub-1") {
		t.Errorf("Error() = %q lacks the code or request ID", err)
	}
}

// TestLongBodyMessageBounded checks that a huge non-JSON error body does
// not end up whole in the message.
func TestLongBodyMessageBounded(t *testing.T) {
	t.Parallel()
	body := strings.Repeat("ошибка\n", 1000)
	s := newStub(t, answer(502, body))
	a := mustNew(t, stubConfig(s.URL))
	_, err := a.Status(t.Context(), provider.StatusRequest{ID: testCertID})
	pe := asProviderError(t, err)
	if len(pe.Message) > adapterkit.MaxMessageLen+len("…") || strings.ContainsRune(pe.Message, '\n') {
		t.Errorf("Message not bounded to one line: %d bytes", len(pe.Message))
	}
}

// FuzzDecodeError feeds arbitrary error responses through the SDK's own
// decoder and the adapter's classifier, checking invariants that hold for
// any body.
func FuzzDecodeError(f *testing.F) {
	seeds := []struct {
		status int
		body   string
	}{
		{400, scmError("SCM.0010", "not allowed")},
		{400, scmError("SCM.0008", "abnormal")},
		{401, scmError("APIGW.0301", "verify aksk signature fail")},
		{429, scmError("APIGW.0308", "throttled")},
		{500, scmError("SCM.4001", "pdp")},
		{503, "<html>"},
		{404, `{"code":"APIGW.0101","message":"no route"}`},
		{400, `{"error":{"message":"m","title":"t"}}`},
		{400, `{"error_code":1,"error_msg":null}`},
		{400, `{"details":[{"error_code":"SCM.0005","error_msg":"x"}]}`},
		{200, `{"status":`},
		{403, ""},
		{418, "\x00\xff"},
	}
	for _, s := range seeds {
		f.Add(s.status, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 200 || status > 599 {
			status = 200 + (status%400+400)%400
		}
		var sre *sdkerr.ServiceResponseError
		if status >= 400 {
			resp := &http.Response{
				StatusCode: status,
				Header:     http.Header{"X-Request-Id": {"req-" + strconv.Itoa(status)}},
				Body:       io.NopCloser(bytes.NewReader(body)),
			}
			sre = sdkerr.NewServiceResponseError(resp)
		} else {
			sre = &sdkerr.ServiceResponseError{StatusCode: status, ErrorMessage: string(body)}
		}
		for _, mutating := range []bool{false, true} {
			op := provider.OpStatus
			if mutating {
				op = provider.OpRevoke
			}
			e := classifyResponse(op, mutating, sre)
			if !slices.Contains(provider.Kinds(), e.Kind) || e.Kind == provider.KindCanceled {
				t.Fatalf("kind %v for status %d body %q", e.Kind, status, body)
			}
			var got *sdkerr.ServiceResponseError
			if !errors.As(e, &got) || got != sre {
				t.Fatalf("errors.As does not reach the SDK error")
			}
			if e.HTTPStatus != status || e.Op != op {
				t.Fatalf("HTTPStatus %d Op %s", e.HTTPStatus, e.Op)
			}
			if strings.ContainsFunc(e.Message, unicode.IsControl) || len(e.Message) > adapterkit.MaxMessageLen+100 {
				t.Fatalf("message not one bounded line: %q", e.Message)
			}
			if _, known := codeKind(e.Code); !known && status >= 400 {
				if want := classify.HTTP(status, mutating); e.Kind != want {
					t.Fatalf("unknown code %q, status %d: kind %s, want %s", e.Code, status, e.Kind, want)
				}
			}
			if e.Kind == provider.KindNotFound && !strings.EqualFold(strings.TrimSpace(e.Code), "SCM.0008") {
				t.Fatalf("not_found without SCM's own answer: status %d code %q", status, e.Code)
			}
			if (status >= 500 || status < 300) && mutating && e.Kind == provider.KindUnavailable {
				t.Fatalf("a mutating %d must never be unavailable", status)
			}
			if e.Kind == provider.KindOutcomeUnknown && !mutating {
				t.Fatalf("a read classified outcome unknown")
			}
			_ = e.Error()
		}
	})
}
