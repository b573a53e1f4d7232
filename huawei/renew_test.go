package huawei

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/certbroker/certbroker/huawei/huaweitest"
	"github.com/certbroker/certbroker/provider"
)

// TestRenewIdenticalSpec: Renew sends exactly one purchase with the spec of
// the renewed certificate.
func TestRenewIdenticalSpec(t *testing.T) {
	t.Parallel()
	cases := []huaweitest.Cert{
		{Brand: "GEOTRUST", Type: "EV_SSL_CERT", DomainType: "MULTI_DOMAIN", DomainCount: 5,
			DomainName: "a.example.com", AltNames: []string{"b.example.com", "c.example.com"}},
		{Brand: "GLOBALSIGN", Type: "OV_SSL_CERT", DomainType: "WILDCARD", DomainCount: 1, DomainName: "*.example.com"},
		{Brand: "CFCA", Type: "OV_SSL_CERT", DomainType: "SINGLE_DOMAIN", DomainCount: 1},
	}
	for _, c := range cases {
		t.Run(c.Brand+"_"+c.Type+"_"+c.DomainType, func(t *testing.T) {
			t.Parallel()
			h := newEmulated(t, true)
			c.Status = huaweitest.StatusIssued
			c.NotAfter = time.Now().Add(20 * 24 * time.Hour)
			id := h.srv.SeedCert(c)
			res, err := h.a.Renew(t.Context(), provider.RenewRequest{ID: id})
			if err != nil {
				t.Fatal(err)
			}
			ps := h.srv.Purchases()
			if len(ps) != 1 {
				t.Fatalf("%d purchases, want 1", len(ps))
			}
			p := ps[0]
			if p.Brand != c.Brand || p.Type != c.Type || p.DomainType != c.DomainType ||
				p.DomainNumbers != c.DomainCount || p.EffectiveTime != 1 || p.OrderNumber != 1 {
				t.Errorf("purchased %+v, want the spec of %+v", p, c)
			}
			if p.From != id || len(p.CertIDs) != 1 || res.NewID != p.CertIDs[0] {
				t.Errorf("purchase %+v, result NewID %s", p, res.NewID)
			}
			if res.ID != id || res.Op != provider.OpRenew || res.State != provider.StateExpiring ||
				res.NativeState != "ISSUED" || res.NotAfter.IsZero() || res.RequestID == "" {
				t.Errorf("result %+v", res)
			}
			if st, _ := h.srv.State(res.NewID); st != provider.StatePendingApplication {
				t.Errorf("new certificate in %s", st)
			}
			if st, _ := h.srv.State(id); st != provider.StateExpiring {
				t.Errorf("old certificate in %s", st)
			}
			var actions []string
			for _, r := range h.srv.Requests() {
				actions = append(actions, r.Action)
			}
			if strings.Join(actions, ",") != "details,list,purchase" {
				t.Errorf("requests %v, want details,list,purchase", actions)
			}
		})
	}
}

// TestRenewOutcomeUnknown: a purchase applied and then answered with 500
// (or a reset) is outcome_unknown, not retryable, and bought exactly once.
func TestRenewOutcomeUnknown(t *testing.T) {
	t.Parallel()
	for _, kind := range []huaweitest.FaultKind{huaweitest.FaultServerError, huaweitest.FaultReset, huaweitest.FaultMalformed} {
		t.Run(kind.String(), func(t *testing.T) {
			t.Parallel()
			h := newEmulated(t, true)
			id := h.srv.Seed(provider.StateExpiring)
			h.srv.InjectFault(huaweitest.Fault{Action: huaweitest.APIPurchase, Kind: kind, AfterApply: true})
			_, err := h.a.Renew(t.Context(), provider.RenewRequest{ID: id})
			pe := asProviderError(t, err)
			if pe.Kind != provider.KindOutcomeUnknown || provider.Retryable(provider.OpRenew, err) {
				t.Fatalf("got %v (retryable %t), want outcome_unknown, not retryable", err, provider.Retryable(provider.OpRenew, err))
			}
			if n := len(h.srv.Purchases()); n != 1 {
				t.Errorf("%d purchases, want exactly 1", n)
			}
			n := 0
			for _, r := range h.srv.Requests() {
				if r.Action == huaweitest.APIPurchase {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%d purchase requests, want 1", n)
			}
		})
	}
}

// TestRenewReadFailure: a 500 on a read before the purchase is unavailable
// (retryable) and buys nothing.
func TestRenewReadFailure(t *testing.T) {
	t.Parallel()
	for _, api := range []string{huaweitest.APIDetails, huaweitest.APIList} {
		h := newEmulated(t, true)
		id := h.srv.Seed(provider.StateExpiring)
		h.srv.InjectFault(huaweitest.Fault{Action: api, Kind: huaweitest.FaultServerError})
		_, err := h.a.Renew(t.Context(), provider.RenewRequest{ID: id})
		if pe := asProviderError(t, err); pe.Kind != provider.KindUnavailable || !provider.Retryable(provider.OpRenew, err) {
			t.Errorf("%s: %v, want unavailable", api, err)
		}
		if len(h.srv.Purchases()) != 0 {
			t.Errorf("%s: purchased", api)
		}
	}
}

// TestRenewRefusals: every precondition failure, and that none of them
// buys anything.
func TestRenewRefusals(t *testing.T) {
	t.Parallel()
	soon := time.Now().Add(10 * 24 * time.Hour)
	cases := []struct {
		name string
		cert huaweitest.Cert
		req  provider.RenewRequest
		want provider.Kind
		text string
		reqs int // requests expected before the refusal
	}{
		{"csr", huaweitest.Cert{Status: huaweitest.StatusIssued, NotAfter: soon},
			provider.RenewRequest{CSR: "-----BEGIN CERTIFICATE REQUEST-----"}, provider.KindInvalidArgument, "CSR", 0},
		{"tags", huaweitest.Cert{Status: huaweitest.StatusIssued, NotAfter: soon},
			provider.RenewRequest{Tags: []provider.Tag{{Key: "k", Value: "v"}}}, provider.KindInvalidArgument, "tags", 0},
		{"not_yet", huaweitest.Cert{Status: huaweitest.StatusIssued, NotAfter: time.Now().Add(60 * 24 * time.Hour)},
			provider.RenewRequest{}, provider.KindInvalidState, "more than 30 days", 2},
		{"uploaded", huaweitest.Cert{Status: huaweitest.StatusUpload},
			provider.RenewRequest{}, provider.KindInvalidState, "UPLOAD", 1},
		{"expired", huaweitest.Cert{Status: huaweitest.StatusExpired},
			provider.RenewRequest{}, provider.KindInvalidState, "EXPIRED", 1},
		{"free", huaweitest.Cert{Status: huaweitest.StatusIssued, NotAfter: soon, Type: "DV_SSL_CERT_BASIC", Source: huaweitest.SourceFree, Brand: "GEOTRUST"},
			provider.RenewRequest{}, provider.KindInvalidState, "free", 1},
		{"dv", huaweitest.Cert{Status: huaweitest.StatusIssued, NotAfter: soon, Type: "DV_SSL_CERT", Brand: "GEOTRUST"},
			provider.RenewRequest{}, provider.KindUnsupported, "OV_SSL_CERT and EV_SSL_CERT", 1},
		{"ov_pro", huaweitest.Cert{Status: huaweitest.StatusIssued, NotAfter: soon, Type: "OV_SSL_CERT_PRO"},
			provider.RenewRequest{}, provider.KindUnsupported, "OV_PRO", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			h := newEmulated(t, true)
			c.req.ID = h.srv.SeedCert(c.cert)
			_, err := h.a.Renew(t.Context(), c.req)
			pe := asProviderError(t, err)
			if pe.Kind != c.want || !strings.Contains(pe.Message, c.text) {
				t.Errorf("got %v, want %s mentioning %q", err, c.want, c.text)
			}
			if n := h.srv.RequestCount(); n != c.reqs {
				t.Errorf("%d requests, want %d", n, c.reqs)
			}
			if len(h.srv.Purchases()) != 0 {
				t.Errorf("purchased")
			}
		})
	}
}

// TestRenewDisabled: off by default, unsupported with the reason, nothing
// sent.
func TestRenewDisabled(t *testing.T) {
	t.Parallel()
	h := newEmulated(t, false)
	id := h.srv.Seed(provider.StateExpiring)
	_, err := h.a.Renew(t.Context(), provider.RenewRequest{ID: id})
	if !errors.Is(err, provider.ErrUnsupported) || !strings.Contains(err.Error(), "RenewByPurchase") ||
		!strings.Contains(err.Error(), "billed") {
		t.Errorf("got %v", err)
	}
	if h.srv.RequestCount() != 0 {
		t.Errorf("requests sent")
	}
	caps := h.a.Capabilities()
	if caps.Renew.Supported || !caps.Renew.Billable || len(caps.Renew.From) != 0 {
		t.Errorf("renew capability %+v", caps.Renew)
	}
	on := newEmulated(t, true).a.Capabilities().Renew
	if !on.Supported || !on.Billable || len(on.From) != 1 || on.From[0] != provider.StateExpiring ||
		on.Lands != provider.StatePendingApplication {
		t.Errorf("enabled renew capability %+v", on)
	}
}

func TestPurchaseSpecTable(t *testing.T) {
	t.Parallel()
	cases := []struct {
		d    detailsResp
		want string // cert_type/domain_type/n, or the kind on refusal
	}{
		{detailsResp{CertType: "OV", CertBrand: "GLOBALSIGN", DomainType: "SINGLE_DOMAIN", DomainNumber: 1}, "OV_SSL_CERT/SINGLE_DOMAIN/1"},
		{detailsResp{CertType: " ov_ssl_cert ", CertBrand: "globalsign", DomainType: "SINGLE_DOMAIN"}, "OV_SSL_CERT/SINGLE_DOMAIN/1"},
		{detailsResp{CertType: "EV", CertBrand: "SYMANTEC", DomainType: "MUILT_DOMAIN", DomainNumber: 7}, "EV_SSL_CERT/MULTI_DOMAIN/7"},
		{detailsResp{CertType: "EV_SSL_CERT", CertBrand: "TRUSTASIA", DomainType: "WILDCARD"}, "EV_SSL_CERT/WILDCARD/1"},
		{detailsResp{CertType: "DV_BASIC", CertBrand: "GEOTRUST", DomainType: "SINGLE_DOMAIN"}, "invalid_state"},
		{detailsResp{CertType: "FREE_DV", CertBrand: "GEOTRUST", DomainType: "SINGLE_DOMAIN"}, "invalid_state"},
		{detailsResp{CertType: "DV", CertBrand: "GEOTRUST", DomainType: "SINGLE_DOMAIN"}, "unsupported"},
		{detailsResp{CertType: "EV_PRO", CertBrand: "GEOTRUST", DomainType: "SINGLE_DOMAIN"}, "unsupported"},
		{detailsResp{CertType: "GE00V01", CertBrand: "GEOTRUST", DomainType: "SINGLE_DOMAIN"}, "unsupported"},
		{detailsResp{CertType: "", CertBrand: "GEOTRUST", DomainType: "SINGLE_DOMAIN"}, "unsupported"},
		{detailsResp{CertType: "OV", CertBrand: "DIGICERT", DomainType: "SINGLE_DOMAIN"}, "unsupported"},
		{detailsResp{CertType: "OV", CertBrand: "GLOBALSIGN", DomainType: "SINGLE_DOMAIN", DomainNumber: 3}, "unsupported"},
		{detailsResp{CertType: "OV", CertBrand: "GLOBALSIGN", DomainType: "MULTI_DOMAIN", DomainNumber: 1}, "unsupported"},
		{detailsResp{CertType: "OV", CertBrand: "GLOBALSIGN", DomainType: "MULTI_DOMAIN", DomainNumber: 101}, "unsupported"},
		{detailsResp{CertType: "OV", CertBrand: "GLOBALSIGN", DomainType: "ANY"}, "unsupported"},
	}
	for _, c := range cases {
		b, kind, msg := purchaseSpec(&c.d)
		var got string
		if msg != "" {
			got = kind.String()
		} else {
			if !b.AgreePrivacyProtection || b.EffectiveTime != 1 || b.OrderNumber != 1 || b.CertBrand != strings.ToUpper(strings.TrimSpace(c.d.CertBrand)) {
				t.Errorf("%+v: body %+v", c.d, b)
			}
			got = b.CertType + "/" + b.DomainType + "/" + strconv.Itoa(b.DomainNumbers)
		}
		if got != c.want {
			t.Errorf("%+v: %s (%s), want %s", c.d, got, msg, c.want)
		}
	}
}
