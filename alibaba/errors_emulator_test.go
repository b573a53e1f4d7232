package alibaba

import (
	"crypto/x509"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/provider"
)

// TestErrorsFromEmulator provokes every error the emulator can produce,
// for every operation, and checks its kind and fields.
func TestErrorsFromEmulator(t *testing.T) {
	t.Parallel()
	seeded := func(t *testing.T, s *alibabatest.Server, op provider.Op) string { return s.Seed(allowedFrom(op)) }
	fault := func(k alibabatest.FaultKind) func(*testing.T, *alibabatest.Server, provider.Op) (Config, string) {
		return func(t *testing.T, s *alibabatest.Server, op provider.Op) (Config, string) {
			id := seeded(t, s, op)
			// On the operation's own action: Revoke's preceding state
			// read is covered by TestRevokeStateReadFailures.
			s.InjectFault(alibabatest.Fault{Kind: k, Action: actionOf(op)})
			return emulatorConfig(s), id
		}
	}
	// byOp is the kind for Status, then for the mutating operations.
	type byOp struct{ status, mutating provider.Kind }
	same := func(k provider.Kind) byOp { return byOp{k, k} }
	for _, tc := range []struct {
		name   string
		setup  func(*testing.T, *alibabatest.Server, provider.Op) (Config, string)
		kind   byOp
		code   string
		status int
		sdkErr bool // errors.As reaches *sdkerrors.ServerError
	}{
		{"not_found", func(t *testing.T, s *alibabatest.Server, _ provider.Op) (Config, string) {
			return emulatorConfig(s), "9000000000000000001"
		}, same(provider.KindNotFound), "NotFoundOrder", 404, true},
		{"throttled", fault(alibabatest.FaultThrottle), same(provider.KindThrottled), "Throttling.User", 400, true},
		{"qps_limit", func(t *testing.T, s *alibabatest.Server, op provider.Op) (Config, string) {
			id := seeded(t, s, op)
			s.SetQPS("", 1e-9) // the burst of 1 is used below
			a := adapterFor(t, s)
			if _, err := a.Status(t.Context(), provider.StatusRequest{ID: id}); err != nil {
				t.Fatalf("first call under the QPS limit: %v", err)
			}
			return emulatorConfig(s), id
		}, same(provider.KindThrottled), "Throttling.User", 400, true},
		{"http_500", fault(alibabatest.FaultServerError), byOp{provider.KindUnavailable, provider.KindOutcomeUnknown}, "InternalError", 500, true},
		{"http_503", fault(alibabatest.FaultUnavailable), byOp{provider.KindUnavailable, provider.KindOutcomeUnknown}, "ServiceUnavailable", 503, true},
		{"reset", fault(alibabatest.FaultReset), byOp{provider.KindUnavailable, provider.KindOutcomeUnknown}, "", 0, false},
		{"malformed_200", fault(alibabatest.FaultMalformed), byOp{provider.KindUnavailable, provider.KindOutcomeUnknown}, "", 0, false},
		{"wrong_secret", func(t *testing.T, s *alibabatest.Server, op provider.Op) (Config, string) {
			cfg := emulatorConfig(s)
			cfg.AccessKeySecret = "not-the-secret"
			return cfg, seeded(t, s, op)
		}, same(provider.KindUnauthorized), "SignatureDoesNotMatch", 400, true},
		{"unknown_key_id", func(t *testing.T, s *alibabatest.Server, op provider.Op) (Config, string) {
			cfg := emulatorConfig(s)
			cfg.AccessKeyID = "LTAInobodyhasthis"
			return cfg, seeded(t, s, op)
		}, same(provider.KindUnauthorized), "InvalidAccessKeyId.NotFound", 404, true},
		{"clock_skew", nil, same(provider.KindUnauthorized), "InvalidTimeStamp.Expired", 400, true},
		{"timeout", func(t *testing.T, s *alibabatest.Server, op provider.Op) (Config, string) {
			id := seeded(t, s, op)
			s.InjectFault(alibabatest.Fault{Kind: alibabatest.FaultHang, Action: actionOf(op)})
			cfg := emulatorConfig(s)
			cfg.Timeout = 200 * time.Millisecond
			return cfg, id
		}, byOp{provider.KindUnavailable, provider.KindOutcomeUnknown}, "", 0, false},
		{"connection_refused", func(t *testing.T, s *alibabatest.Server, op provider.Op) (Config, string) {
			id := seeded(t, s, op)
			s.Close()
			return emulatorConfig(s), id
		}, same(provider.KindUnavailable), "", 0, false},
	} {
		for _, op := range provider.Ops() {
			t.Run(tc.name+"/"+string(op), func(t *testing.T) {
				t.Parallel()
				var s *alibabatest.Server
				var cfg Config
				var id string
				if tc.setup == nil { // clock_skew: the emulator's clock is an hour ahead
					s = newEmulator(t, alibabatest.WithClock(func() time.Time { return time.Now().Add(time.Hour) }))
					cfg, id = emulatorConfig(s), s.Seed(allowedFrom(op))
				} else {
					s = newEmulator(t)
					cfg, id = tc.setup(t, s, op)
				}
				before, _ := s.State(id)
				a := newTestAdapter(t, cfg)
				_, err := callOp(t, a, op, id)
				want := tc.kind.mutating
				if op == provider.OpStatus {
					want = tc.kind.status
				}
				if !errors.Is(err, want) {
					t.Fatalf("%s: got %v (kind %s), want kind %s", op, err, provider.KindOf(err), want)
				}
				checkProviderError(t, err, op, id, tc.code, tc.status)
				var se *sdkerrors.ServerError
				if got := errors.As(err, &se); got != tc.sdkErr {
					t.Errorf("errors.As(*ServerError) = %v, want %v", got, tc.sdkErr)
				} else if got && (se.ErrorCode() != tc.code || se.HttpStatus() != tc.status) {
					t.Errorf("ServerError code %q status %d, want %q %d", se.ErrorCode(), se.HttpStatus(), tc.code, tc.status)
				}
				if tc.name == "connection_refused" {
					var ue *url.Error
					if !errors.As(err, &ue) {
						t.Errorf("errors.As(*url.Error) failed for %v", err)
					} else if ue.URL != s.URL()+"/?Action="+firstAction(op) {
						t.Errorf("url.Error URL = %q, want the redacted %q", ue.URL, s.URL()+"/?Action="+firstAction(op))
					}
				}
				if tc.name != "connection_refused" { // no fault applies the request
					if after, _ := s.State(id); after != before {
						t.Errorf("order moved from %s to %s", before, after)
					}
				}
			})
		}
	}
}

// actionOf names the CAS action behind op.
func actionOf(op provider.Op) string {
	return map[provider.Op]string{
		provider.OpCancel: alibabatest.ActionCancel, provider.OpRevoke: alibabatest.ActionRevoke,
		provider.OpDelete: alibabatest.ActionDelete, provider.OpRenew: alibabatest.ActionRenew,
		provider.OpStatus: alibabatest.ActionDescribe,
	}[op]
}

// firstAction names the first CAS action op sends: Revoke reads the
// order's state first.
func firstAction(op provider.Op) string {
	if op == provider.OpRevoke {
		return alibabatest.ActionDescribe
	}
	return actionOf(op)
}

// TestTLSFailures checks that failures during the TLS handshake
// count as unsent (KindUnavailable even for Renew), and that a private CA
// given through WithHTTPTransport is trusted.
func TestTLSFailures(t *testing.T) {
	t.Parallel()
	s := newEmulator(t)
	tlsFront := httptest.NewTLSServer(s.Handler())
	t.Cleanup(tlsFront.Close)
	id := s.Seed(provider.StateExpiring)

	for _, tc := range []struct{ name, endpoint string }{
		{"plain_http_server", "https://" + s.Endpoint()},
		{"untrusted_certificate", tlsFront.URL},
	} {
		cfg := emulatorConfig(s)
		cfg.Endpoint = tc.endpoint
		a := newTestAdapter(t, cfg)
		before := s.RequestCount()
		_, err := a.Renew(t.Context(), provider.RenewRequest{ID: id})
		if !errors.Is(err, provider.ErrUnavailable) {
			t.Errorf("%s: renew = %v (kind %s), want unavailable", tc.name, err, provider.KindOf(err))
		}
		if n := s.RequestCount() - before; n != 0 {
			t.Errorf("%s: the emulator received %d requests", tc.name, n)
		}
	}

	pool := x509.NewCertPool()
	pool.AddCert(tlsFront.Certificate())
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig.RootCAs = pool
	cfg := emulatorConfig(s)
	cfg.Endpoint = tlsFront.URL
	a := newTestAdapter(t, cfg, WithHTTPTransport(tr))
	res, err := a.Status(t.Context(), provider.StatusRequest{ID: id})
	if err != nil || res.State != provider.StateExpiring {
		t.Fatalf("Status over TLS with the CA trusted = %+v, %v", res, err)
	}
	if tr.TLSClientConfig.InsecureSkipVerify || tr.DialContext == nil {
		t.Errorf("the template transport was modified")
	}
}
