package huaweitest

import (
	"net/http"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/scm/v3/model"

	"github.com/certbroker/certbroker/provider"
)

// TestBuyV3 drives POST /v3/scm/certificates/buy through the SDK's own
// SubscribeCertificate: payment follows is_auto_pay and SetAutoPay, an
// unpaid certificate shows StatusUnpaid until PayOrder, and the body is
// validated as the purchase page documents it.
func TestBuyV3(t *testing.T) {
	t.Parallel()
	body := func(autoPay *bool) *model.PurchaseCertificateRequestBody {
		return &model.PurchaseCertificateRequestBody{
			CertBrand: "TRUSTASIA", CertType: "OV_SSL_CERT", DomainType: "SINGLE_DOMAIN",
			EffectiveTime: 1, DomainNumbers: 1, OrderNumber: 1, AgreePrivacyProtection: true, IsAutoPay: autoPay,
			Tags: &[]model.ScsResourceTag{{Key: ptr("env"), Value: ptr("prod")}},
		}
	}
	tests := []struct {
		name    string
		autoPay *bool
		fails   bool
		want    string
	}{
		{"auto-pay", ptr(true), false, StatusPaid},
		{"auto-pay fails", ptr(true), true, StatusUnpaid},
		{"no auto-pay", ptr(false), false, StatusUnpaid},
		{"flag absent", nil, false, StatusUnpaid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := NewServer()
			t.Cleanup(s.Close)
			s.SetAutoPay(!tt.fails)
			resp, err := newScmClient(t, s).SubscribeCertificate(&model.SubscribeCertificateRequest{Body: body(tt.autoPay)})
			if err != nil {
				t.Fatal(err)
			}
			if resp.Cert == nil || len(*resp.Cert) != 1 || resp.OrderId == nil {
				t.Fatalf("response %+v", resp)
			}
			id := (*resp.Cert)[0].CertId
			wantNative(t, s, id, tt.want)
			p := s.Purchases()[0]
			if !p.V3 || p.Paid != (tt.want == StatusPaid) || len(p.Tags) != 1 || p.Tags[0].Value != "prod" {
				t.Fatalf("purchase %+v", p)
			}
			if tt.want == StatusUnpaid {
				if st, _ := s.State(id); st != provider.StateUnknown {
					t.Fatalf("unpaid reads as %s", st)
				}
				if s.PayOrder(*resp.OrderId) != 1 {
					t.Fatal("PayOrder paid nothing")
				}
				wantNative(t, s, id, StatusPaid)
			}
		})
	}
	t.Run("validation", func(t *testing.T) {
		t.Parallel()
		s := NewServer()
		t.Cleanup(s.Close)
		c := newScmClient(t, s)
		for _, edit := range []func(*model.PurchaseCertificateRequestBody){
			func(b *model.PurchaseCertificateRequestBody) { b.EffectiveTime = 4 },
			func(b *model.PurchaseCertificateRequestBody) { b.CertBrand = "DIGICERT" },
			func(b *model.PurchaseCertificateRequestBody) { b.OrderNumber = 101 },
			func(b *model.PurchaseCertificateRequestBody) { b.AgreePrivacyProtection = false },
			func(b *model.PurchaseCertificateRequestBody) {
				b.Tags = &[]model.ScsResourceTag{{Value: ptr("no key")}}
			},
		} {
			b := body(ptr(true))
			edit(b)
			_, err := c.SubscribeCertificate(&model.SubscribeCertificateRequest{Body: b})
			wantCode(t, err, http.StatusBadRequest, codeInvalidParameter)
		}
		if len(s.Purchases()) != 0 {
			t.Fatal("an invalid purchase was recorded")
		}
	})
}

// TestBuySelfRenewing: a purchase that renews a certificate with
// auto-renew on, or a multi-year one, is marked SelfRenewing: SCM would
// buy the next certificate itself (fidelity H8).
func TestBuySelfRenewing(t *testing.T) {
	t.Parallel()
	for _, c := range []Cert{{AutoRenew: true}, {EffectiveTime: 3}, {}} {
		s := NewServer()
		t.Cleanup(s.Close)
		c.Status, c.NotAfter = StatusIssued, time.Now().Add(20*24*time.Hour)
		id := s.SeedCert(c)
		_, err := newScmClient(t, s).SubscribeCertificate(&model.SubscribeCertificateRequest{Body: &model.PurchaseCertificateRequestBody{
			CertBrand: "GLOBALSIGN", CertType: "OV_SSL_CERT", DomainType: "SINGLE_DOMAIN",
			EffectiveTime: 1, DomainNumbers: 1, OrderNumber: 1, AgreePrivacyProtection: true, IsAutoPay: ptr(true),
		}})
		if err != nil {
			t.Fatal(err)
		}
		p := s.Purchases()[0]
		if want := c.AutoRenew || c.EffectiveTime > 1; p.From != id || p.SelfRenewing != want {
			t.Errorf("%+v: purchase %+v, want From %s SelfRenewing %t", c, p, id, want)
		}
	}
}
