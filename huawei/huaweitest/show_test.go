package huaweitest

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	hwconfig "github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	scm "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/scm/v3"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/scm/v3/model"

	"github.com/certbroker/certbroker/provider"
)

// newScmClient is the SDK's own SCM v3 client with basic credentials,
// pointed at s.
func newScmClient(t testing.TB, s *Server) *scm.ScmClient {
	t.Helper()
	cred, err := basic.NewCredentialsBuilder().WithAk(s.AccessKeyID()).WithSk(s.AccessKeySecret()).WithProjectId(s.ProjectID()).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	hc, err := scm.ScmClientBuilder().
		WithEndpoints([]string{s.URL()}).
		WithCredential(cred).
		WithHttpConfig(hwconfig.DefaultHttpConfig().WithTimeout(10 * time.Second).WithUserAgent(testUserAgent)).
		SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	return scm.NewScmClient(hc)
}

// TestShowCertificate reads the v3 details of every seeded state through
// the SDK's ShowCertificate and checks the documented fields (api-ccm
// ShowCertificate): status, type in the purchase vocabulary, not_after
// set exactly when the certificate has been issued, validity_period in
// months.
func TestShowCertificate(t *testing.T) {
	t.Parallel()
	for _, f := range []TimeFormat{TimeMillis, TimeDateTime, TimeRFC3339, TimeListSample} {
		t.Run("format="+strconv.Itoa(int(f)), func(t *testing.T) {
			t.Parallel()
			clk := newFakeClock()
			s := NewServer(WithClock(clk.Now), WithTimeFormat(f))
			t.Cleanup(s.Close)
			c := newScmClient(t, s)
			for _, st := range States() {
				id := s.Seed(st)
				cert, _ := s.Cert(id)
				resp, err := c.ShowCertificate(&model.ShowCertificateRequest{CertificateId: id})
				if err != nil {
					t.Fatalf("%s: %v", st, err)
				}
				if deref(resp.Id) != id || deref(resp.Status) != cert.Status || deref(resp.Type) != cert.Type ||
					deref(resp.Brand) != cert.Brand || resp.ValidityPeriod == nil || *resp.ValidityPeriod != 12 {
					t.Fatalf("%s: %+v", st, resp)
				}
				na := deref(resp.NotAfter)
				if cert.NotAfter.IsZero() != (na == "") {
					t.Fatalf("%s: not_after %q for NotAfter %v", st, na, cert.NotAfter)
				}
				if na != "" {
					if got := parseTimeFormat(t, f, na); !got.Equal(cert.NotAfter.Truncate(time.Second)) {
						t.Fatalf("%s: not_after %q is %v, want %v", st, na, got, cert.NotAfter)
					}
				}
			}
		})
	}
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func parseTimeFormat(t *testing.T, f TimeFormat, s string) time.Time {
	t.Helper()
	var (
		v   time.Time
		err error
	)
	switch f {
	case TimeMillis:
		var n int64
		n, err = strconv.ParseInt(s, 10, 64)
		v = time.UnixMilli(n).Truncate(time.Second)
	case TimeDateTime:
		v, err = time.Parse("2006-01-02 15:04:05", s)
	case TimeListSample:
		if !strings.HasSuffix(s, ".0") {
			t.Fatalf("not_after %q lacks the sample's \".0\"", s)
		}
		v, err = time.Parse("2006-01-02 15:04:05", strings.TrimSuffix(s, ".0"))
	default:
		v, err = time.Parse(time.RFC3339, s)
	}
	if err != nil {
		t.Fatalf("not_after %q in format %d: %v", s, f, err)
	}
	return v
}

// TestShowAndDeleteV3NotFound: v3 answers a missing or deleted
// certificate with 404 and SCM's error body (CCM API status codes; fidelity
// H7); v3 delete answers 204 and follows the same state rules as v2.
func TestShowAndDeleteV3NotFound(t *testing.T) {
	t.Parallel()
	s := NewServer()
	t.Cleanup(s.Close)
	c := newScmClient(t, s)
	id := s.Seed(provider.StateRevoked)
	if _, err := c.DeleteCertificate(&model.DeleteCertificateRequest{CertificateId: id}); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if q := s.Requests()[0]; q.HTTPStatus != http.StatusNoContent || q.Action != ActionDelete {
		t.Fatalf("delete logged %+v", q)
	}
	for _, missing := range []string{id, s.UnknownID()} {
		_, err := c.ShowCertificate(&model.ShowCertificateRequest{CertificateId: missing})
		wantCode(t, err, http.StatusNotFound, codeCertNotFound)
		_, err = c.DeleteCertificate(&model.DeleteCertificateRequest{CertificateId: missing})
		wantCode(t, err, http.StatusNotFound, codeCertNotFound)
	}
	pending := s.Seed(provider.StateUnderReview)
	_, err := c.DeleteCertificate(&model.DeleteCertificateRequest{CertificateId: pending})
	wantCode(t, err, http.StatusBadRequest, codeInvalidStatus)
}

// TestCancelRevokingSettlesToIssued: CANCLEREVOKING (v3 details only) is a
// withdrawal of a revocation; it settles back to ISSUED, and the emulator
// does not count it as revoking.
func TestCancelRevokingSettlesToIssued(t *testing.T) {
	t.Parallel()
	s := NewServer()
	t.Cleanup(s.Close)
	id := s.SeedCert(Cert{Status: StatusCancelRevoking})
	if st, _ := s.State(id); st != provider.StateUnknown {
		t.Fatalf("state %s, want unknown", st)
	}
	resp, err := newScmClient(t, s).ShowCertificate(&model.ShowCertificateRequest{CertificateId: id})
	if err != nil || deref(resp.Status) != "CANCLEREVOKING" {
		t.Fatalf("%+v, %v", resp, err)
	}
	s.Settle(id)
	wantNative(t, s, id, StatusIssued)
}
