package huaweitest

import (
	"net/http"
	"testing"
	"time"

	"github.com/certbroker/certbroker/provider"
)

func validPurchase() *sdkPurchaseBody {
	return &sdkPurchaseBody{
		CertBrand: ptr("GLOBALSIGN"), CertType: ptr("OV_SSL_CERT"), DomainType: ptr("SINGLE_DOMAIN"),
		EffectiveTime: ptr(1), DomainNumbers: ptr(1), OrderNumber: ptr(1), AgreePrivacyProtection: ptr(true),
	}
}

func TestPurchase(t *testing.T) {
	t.Parallel()
	s, c := newServer(t)
	b := validPurchase()
	b.CertType, b.DomainType, b.DomainNumbers, b.EffectiveTime, b.OrderNumber = ptr("EV_SSL_CERT"), ptr("MULTI_DOMAIN"), ptr(5), ptr(2), ptr(3)
	out, err := c.purchase(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.OrderId) != 17 || out.OrderId[:2] != "CS" || len(out.Cert) != 3 {
		t.Fatalf("purchase answered %+v; want an order ID and 3 certs", out)
	}
	for _, cert := range out.Cert {
		if !certIDPattern.MatchString(cert.CertId) {
			t.Fatalf("new cert ID %q", cert.CertId)
		}
		got, ok := s.Cert(cert.CertId)
		if !ok || got.Status != StatusPaid || got.Type != "EV_SSL_CERT" || got.DomainType != "MULTI_DOMAIN" ||
			got.DomainCount != 5 || got.EffectiveTime != 2 || got.OrderID != out.OrderId || got.Source != SourcePurchased {
			t.Fatalf("new cert %+v", got)
		}
		if st, _ := s.State(cert.CertId); st != provider.StatePendingApplication {
			t.Fatalf("new cert state %v", st)
		}
		d, err := c.details(cert.CertId)
		if err != nil || d.CertType != "EV" || d.Status != StatusPaid {
			t.Fatalf("details of the new cert: %+v, %v", d, err)
		}
	}
	ps := s.Purchases()
	if len(ps) != 1 || ps[0].OrderID != out.OrderId || len(ps[0].CertIDs) != 3 || ps[0].From != "" || ps[0].OrderNumber != 3 {
		t.Fatalf("Purchases() = %+v", ps)
	}
	if rs := s.Renewals(); len(rs) != 3 || rs[0].NewID != out.Cert[0].CertId || rs[0].From != "" {
		t.Fatalf("Renewals() = %+v", rs)
	}
}

// TestPurchaseAsRenewal: a purchase of the spec of exactly one expiring
// certificate is recorded as its renewal.
func TestPurchaseAsRenewal(t *testing.T) {
	t.Parallel()
	s, c := newServer(t)
	expiring := s.Seed(provider.StateExpiring)
	s.Seed(provider.StateIssued) // same spec, not expiring: no candidate
	s.SeedCert(Cert{Status: StatusIssued, Type: "EV_SSL_CERT", NotAfter: time.Now().Add(time.Hour)})

	out, err := c.purchase(validPurchase())
	if err != nil {
		t.Fatal(err)
	}
	if rs := s.Renewals(); len(rs) != 1 || rs[0] != (Renewal{From: expiring, NewID: out.Cert[0].CertId}) {
		t.Fatalf("Renewals() = %+v; want one from %s", rs, expiring)
	}
	if got, _ := s.State(expiring); got != provider.StateExpiring {
		t.Fatalf("the renewed certificate moved to %v", got)
	}

	s.Seed(provider.StateExpiring) // a second candidate: ambiguous
	if _, err := c.purchase(validPurchase()); err != nil {
		t.Fatal(err)
	}
	if rs := s.Renewals(); len(rs) != 2 || rs[1].From != "" {
		t.Fatalf("ambiguous renewal recorded as %+v", rs[1])
	}
}

func TestPurchaseValidation(t *testing.T) {
	t.Parallel()
	s, c := newServer(t)
	tests := []struct {
		name string
		edit func(*sdkPurchaseBody)
	}{
		{"brand missing", func(b *sdkPurchaseBody) { b.CertBrand = nil }},
		{"brand unknown", func(b *sdkPurchaseBody) { b.CertBrand = ptr("ACME") }},
		{"type short form", func(b *sdkPurchaseBody) { b.CertType = ptr("OV") }},
		{"domain type unknown", func(b *sdkPurchaseBody) { b.DomainType = ptr("MUILT_DOMAIN") }},
		{"effective time 3", func(b *sdkPurchaseBody) { b.EffectiveTime = ptr(3) }},
		{"single with 2 domains", func(b *sdkPurchaseBody) { b.DomainNumbers = ptr(2) }},
		{"multi with 1 domain", func(b *sdkPurchaseBody) { b.DomainType = ptr("MULTI_DOMAIN") }},
		{"multi with 101 domains", func(b *sdkPurchaseBody) { b.DomainType, b.DomainNumbers = ptr("MULTI_DOMAIN"), ptr(101) }},
		{"domain numbers missing", func(b *sdkPurchaseBody) { b.DomainNumbers = nil }},
		{"order number 0", func(b *sdkPurchaseBody) { b.OrderNumber = ptr(0) }},
		{"order number 1001", func(b *sdkPurchaseBody) { b.OrderNumber = ptr(1001) }},
		{"privacy not agreed", func(b *sdkPurchaseBody) { b.AgreePrivacyProtection = nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := validPurchase()
			tt.edit(b)
			_, err := c.purchase(b)
			wantCode(t, err, http.StatusBadRequest, codeInvalidParameter)
		})
	}
	_, err := c.purchase(nil)
	wantCode(t, err, http.StatusBadRequest, codeInvalidParameter)
	t.Cleanup(func() {
		if ps := s.Purchases(); len(ps) != 0 {
			t.Errorf("rejected purchases created %+v", ps)
		}
	})
}
