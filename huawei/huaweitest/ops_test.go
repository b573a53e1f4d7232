package huaweitest

import (
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/certbroker/certbroker/provider"
)

// TestEveryAPIFromEveryStatus runs cancel-cert, revoke, delete and details
// on a certificate in each native status and checks the answer and the
// status the certificate ends in.
func TestEveryAPIFromEveryStatus(t *testing.T) {
	t.Parallel()
	s, c := newServer(t)
	soon := time.Now().Add(10 * 24 * time.Hour)
	const invalid = codeInvalidStatus
	tests := []struct {
		name                string
		cert                Cert
		cancel, revoke, del string // status after success, "gone", or an error code
	}{
		{"PAID", Cert{Status: StatusPaid}, invalid, invalid, invalid},
		{"PAID cancelled", Cert{Status: StatusPaid, Cancelled: true}, invalid, invalid, invalid},
		{"CHECKING", Cert{Status: StatusChecking}, StatusCancelChecking, invalid, invalid},
		{"CANCELCHECKING", Cert{Status: StatusCancelChecking}, invalid, invalid, invalid},
		{"UNPASSED", Cert{Status: StatusUnpassed}, invalid, invalid, invalid},
		{"ISSUED", Cert{Status: StatusIssued}, invalid, StatusRevoking, "gone"},
		// No revocation in the renewal period (user guide, 吊销SSL证书;
		// fidelity H2), whatever the source.
		{"ISSUED expiring", Cert{Status: StatusIssued, NotAfter: soon}, invalid, invalid, "gone"},
		// Deletion by source (user guide, 删除SSL证书; fidelity H11): free
		// certificates in PAID, REVOKED, EXPIRED, never ISSUED.
		{"ISSUED free, expiring", Cert{Status: StatusIssued, NotAfter: soon, Source: SourceFree}, invalid, invalid, invalid},
		{"ISSUED free", Cert{Status: StatusIssued, Source: SourceFree}, invalid, StatusRevoking, invalid},
		{"PAID free", Cert{Status: StatusPaid, Source: SourceFree}, invalid, invalid, "gone"},
		{"REVOKED free", Cert{Status: StatusRevoked, Source: SourceFree}, invalid, invalid, "gone"},
		{"EXPIRED free", Cert{Status: StatusExpired, Source: SourceFree}, invalid, invalid, "gone"},
		{"EXPIRED", Cert{Status: StatusExpired}, invalid, invalid, "gone"},
		{"REVOKING", Cert{Status: StatusRevoking}, invalid, invalid, invalid},
		{"REVOKED", Cert{Status: StatusRevoked}, invalid, invalid, "gone"},
		{"UPLOAD", Cert{Status: StatusUpload}, invalid, invalid, "gone"},
		{"SUPPLEMENTCHECKING", Cert{Status: StatusSupplementChecking, DomainType: "MULTI_DOMAIN"},
			StatusCancelSupplementing, invalid, invalid},
		{"CANCELSUPPLEMENTING", Cert{Status: StatusCancelSupplementing, DomainType: "MULTI_DOMAIN"},
			invalid, invalid, invalid},
	}
	for _, tt := range tests {
		for _, op := range []struct{ api, want string }{
			{ActionCancelCert, tt.cancel},
			{ActionRevoke, tt.revoke},
			{ActionDelete, tt.del},
			{ActionDetails, tt.cert.Status},
		} {
			t.Run(tt.name+"/"+op.api, func(t *testing.T) {
				t.Parallel()
				id := s.SeedCert(tt.cert)
				err := c.call(op.api, id)
				switch {
				case strings.HasPrefix(op.want, "SCM."):
					wantCode(t, err, http.StatusBadRequest, op.want)
					wantNative(t, s, id, tt.cert.Status)
				case op.want == "gone":
					if err != nil {
						t.Fatalf("%s: %v", op.api, err)
					}
					wantNative(t, s, id, "")
					_, err = c.details(id)
					wantCode(t, err, http.StatusBadRequest, codeCertNotFound)
				default:
					if err != nil {
						t.Fatalf("%s: %v", op.api, err)
					}
					wantNative(t, s, id, op.want)
					d, err := c.details(id)
					if err != nil {
						t.Fatalf("details: %v", err)
					}
					if d.Status != op.want || d.CertId != id {
						t.Fatalf("details say %s %s; want %s %s", d.CertId, d.Status, id, op.want)
					}
				}
			})
		}
	}
}

func TestSuccessBodies(t *testing.T) {
	t.Parallel()
	s, c := newServer(t)
	id := s.SeedCert(Cert{Status: StatusChecking})
	out, err := c.cancel(id)
	if err != nil {
		t.Fatal(err)
	}
	if out.HttpStatusCode != http.StatusOK || out.CertId == nil || *out.CertId != id || out.Message == nil || *out.Message != "success" {
		t.Fatalf("cancel-cert answered %+v", out)
	}
	if out.XRequestId == nil || len(*out.XRequestId) != 32 {
		t.Fatalf("success response has X-Request-Id %v; want 32 hex characters", out.XRequestId)
	}
	last := s.Requests()[s.RequestCount()-1]
	if last.RequestID != *out.XRequestId || last.Action != ActionCancelCert || last.ID != id ||
		last.HTTPStatus != http.StatusOK || !last.Applied || last.AccessKeyID != s.AccessKeyID() || last.ProjectID != s.ProjectID() {
		t.Fatalf("request log entry %+v does not match the response", last)
	}

	issued := s.Seed(provider.StateIssued)
	rv, err := c.revoke(issued, ptr(""))
	if err != nil {
		t.Fatalf("revoke with an empty reason: %v", err)
	}
	if rv.Message == nil || *rv.Message != "success" || rv.CertId != nil {
		t.Fatalf("revoke answered %+v; want only message success", rv)
	}
}

func TestDetailsFields(t *testing.T) {
	t.Parallel()
	s, c := newServer(t)
	id := s.SeedCert(Cert{
		Status: StatusIssued, Brand: "GEOTRUST", Type: "EV_SSL_CERT", DomainType: "MULTI_DOMAIN",
		DomainCount: 3, DomainName: "a.example.com", AltNames: []string{"b.example.com", "c.example.com"}, Name: "shop",
	})
	d, err := c.details(id)
	if err != nil {
		t.Fatal(err)
	}
	want := detailsResp{
		CertId: id, CertType: "EV", CertBrand: "GEOTRUST", DomainType: "MULTI_DOMAIN",
		DomainName: "a.example.com;b.example.com;c.example.com", DomainNumber: 3, Status: "ISSUED",
		CertName: "shop", EncryptType: "SHA256withRSA2048", PushSupport: "on",
		OrderId: d.OrderId, XRequestId: d.XRequestId, HttpStatusCode: 200,
	}
	if *d != want {
		t.Fatalf("details\n got %+v\nwant %+v", *d, want)
	}
	if !strings.HasPrefix(d.OrderId, "CS") || len(d.OrderId) != 17 {
		t.Fatalf("order_id %q is not shaped like CS1803192259ROA8U", d.OrderId)
	}
}

func TestRevokeReason(t *testing.T) {
	t.Parallel()
	s, c := newServer(t)
	longest := strings.Repeat("密", 63) // 63 characters, 189 bytes
	tests := []struct {
		name string
		body *revokeBody
		code string
	}{
		{"63 characters", &revokeBody{Reason: ptr(longest)}, ""},
		{"empty", &revokeBody{Reason: ptr("")}, ""},
		{"64 characters", &revokeBody{Reason: ptr(longest + "x")}, codeInvalidParameter},
		{"reason missing", &revokeBody{}, codeInvalidParameter},
		{"no body", nil, codeInvalidParameter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id := s.SeedCert(Cert{Status: StatusIssued})
			_, err := c.revokeAs(id, tt.body, "application/json")
			if tt.code != "" {
				wantCode(t, err, http.StatusBadRequest, tt.code)
				wantNative(t, s, id, StatusIssued)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, _ := s.Cert(id)
			if got.Status != StatusRevoking || got.RevokeReason != *tt.body.Reason {
				t.Fatalf("cert is %s with reason %q (%d chars)", got.Status, got.RevokeReason, utf8.RuneCountInString(got.RevokeReason))
			}
			d, err := c.details(id)
			if err != nil || d.RevokeReason != *tt.body.Reason {
				t.Fatalf("details revoke_reason %q, %v", d.RevokeReason, err)
			}
		})
	}
}

func TestBadCertIDs(t *testing.T) {
	t.Parallel()
	s, c := newServer(t)
	other := NewServer(WithProjectID(s.ProjectID()), WithProjectID("proj2"))
	t.Cleanup(other.Close)
	foreign := other.SeedCert(Cert{ProjectID: "proj2", Status: StatusIssued})
	otherClient := newClient(t, other.URL(), other.AccessKeyID(), other.AccessKeySecret(), other.ProjectID(), nil)

	for _, api := range []string{ActionCancelCert, ActionRevoke, ActionDelete, ActionDetails} {
		t.Run(api, func(t *testing.T) {
			t.Parallel()
			for _, id := range []string{"scs123", "SCS1481110651012", "scs148111065101x", "abc", "scs14811106510123"} {
				wantCode(t, c.call(api, id), http.StatusBadRequest, codeCertIDWrong)
			}
			wantCode(t, c.call(api, s.UnknownID()), http.StatusBadRequest, codeCertNotFound)
			// A certificate of another project is not visible.
			wantCode(t, otherClient.call(api, foreign), http.StatusBadRequest, codeCertNotFound)
			wantNative(t, other, foreign, StatusIssued)
		})
	}
}
