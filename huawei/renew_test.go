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

// TestRenewIdenticalSpec: Renew sends exactly one v3 buy with the spec of
// the renewed certificate, is_auto_pay and the tags, then reads the new
// certificate to confirm it is paid.
func TestRenewIdenticalSpec(t *testing.T) {
	t.Parallel()
	cases := []huaweitest.Cert{
		{Brand: "GEOTRUST", Type: "EV_SSL_CERT", DomainType: "MULTI_DOMAIN", DomainCount: 5,
			DomainName: "a.example.com", AltNames: []string{"b.example.com", "c.example.com"}},
		{Brand: "GLOBALSIGN", Type: "OV_SSL_CERT", DomainType: "WILDCARD", DomainCount: 1, DomainName: "*.example.com"},
		{Brand: "CFCA", Type: "OV_SSL_CERT", DomainType: "SINGLE_DOMAIN", DomainCount: 1},
		{Brand: "GEOTRUST", Type: "DV_SSL_CERT", DomainType: "SINGLE_DOMAIN", DomainCount: 1},
		{Brand: "TRUSTASIA", Type: "OV_SSL_CERT_PRO", DomainType: "SINGLE_DOMAIN", DomainCount: 1},
		// The DV (Basic) wildcard is paid and renewable (fidelity H10).
		{Brand: "GEOTRUST", Type: "DV_SSL_CERT_BASIC", DomainType: "WILDCARD", DomainCount: 1, DomainName: "*.example.org"},
	}
	tags := []provider.Tag{{Key: "team", Value: "edge"}, {Key: "renewed-by", Value: ""}}
	for _, c := range cases {
		t.Run(c.Brand+"_"+c.Type+"_"+c.DomainType, func(t *testing.T) {
			t.Parallel()
			h := newEmulated(t, true)
			c.Status = huaweitest.StatusIssued
			c.NotAfter = time.Now().Add(20 * 24 * time.Hour)
			id := h.srv.SeedCert(c)
			res, err := h.a.Renew(t.Context(), provider.RenewRequest{ID: id, Tags: tags})
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
			if !p.V3 || !p.AutoPay || !p.Paid || len(p.Tags) != 2 || p.Tags[0] != (huaweitest.Tag{Key: "team", Value: "edge"}) {
				t.Errorf("purchase %+v: want v3, is_auto_pay, paid, the two tags", p)
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
				actions = append(actions, r.Action+" "+r.Path)
			}
			want := "details /v3/scm/certificates/" + id + ",purchase /v3/scm/certificates/buy,details /v3/scm/certificates/" + res.NewID
			if strings.Join(actions, ",") != want {
				t.Errorf("requests %v, want %s", actions, want)
			}
		})
	}
}

// TestRenewUnpaid: a purchase whose automatic payment fails leaves an
// unpaid certificate (fidelity H9). Renew succeeds, since the purchase was
// made, but does not report a plain renewal: State unknown, NativeState
// the new certificate's status, NotAfter of the old one not claimed.
func TestRenewUnpaid(t *testing.T) {
	t.Parallel()
	h := newEmulated(t, true)
	id := h.srv.Seed(provider.StateExpiring)
	h.srv.SetAutoPay(false)
	res, err := h.a.Renew(t.Context(), provider.RenewRequest{ID: id})
	if err != nil {
		t.Fatal(err)
	}
	ps := h.srv.Purchases()
	if len(ps) != 1 || ps[0].Paid || !ps[0].AutoPay || res.NewID != ps[0].CertIDs[0] {
		t.Fatalf("purchases %+v, result %+v", ps, res)
	}
	if res.State != provider.StateUnknown || res.NativeState != huaweitest.StatusUnpaid || !res.NotAfter.IsZero() {
		t.Fatalf("result %+v: want state unknown, native %s", res, huaweitest.StatusUnpaid)
	}
	if h.srv.PayOrder(ps[0].OrderID) != 1 {
		t.Fatal("PayOrder paid nothing")
	}
	if st, err := h.a.Status(t.Context(), statusReq(res.NewID)); err != nil || st.NativeState != "PAID" {
		t.Fatalf("after paying: %+v, %v", st, err)
	}
}

// TestRenewPaymentUnconfirmed: when the new certificate cannot be read
// after the purchase, Renew still reports the purchase, with State
// unknown and no native status, rather than a plain renewal.
func TestRenewPaymentUnconfirmed(t *testing.T) {
	t.Parallel()
	h := newEmulated(t, true)
	id := h.srv.Seed(provider.StateExpiring)
	// The first details read passes; the one after the purchase fails.
	h.srv.InjectFault(huaweitest.Fault{Action: huaweitest.ActionDetails, Kind: huaweitest.FaultLatency, Times: 1})
	h.srv.InjectFault(huaweitest.Fault{Action: huaweitest.ActionDetails, Kind: huaweitest.FaultServerError})
	res, err := h.a.Renew(t.Context(), provider.RenewRequest{ID: id})
	if err != nil || res.NewID == "" || res.State != provider.StateUnknown || res.NativeState != "" {
		t.Fatalf("Renew = %+v, %v", res, err)
	}
	if len(h.srv.Purchases()) != 1 {
		t.Fatal("want exactly one purchase")
	}
}

// TestRenewAutoRenewNotVisible documents a limit: auto-renew is not in the
// details, so the adapter cannot refuse a certificate that renews itself;
// the emulator records that the purchase bought a second renewal.
func TestRenewAutoRenewNotVisible(t *testing.T) {
	t.Parallel()
	h := newEmulated(t, true)
	id := h.srv.SeedCert(huaweitest.Cert{Status: huaweitest.StatusIssued, NotAfter: time.Now().Add(20 * 24 * time.Hour), AutoRenew: true})
	if _, err := h.a.Renew(t.Context(), provider.RenewRequest{ID: id}); err != nil {
		t.Fatal(err)
	}
	if ps := h.srv.Purchases(); len(ps) != 1 || !ps[0].SelfRenewing {
		t.Fatalf("purchases %+v: want one, marked self-renewing", ps)
	}
	if note := h.a.Capabilities().Renew.Note; !strings.Contains(note, "Auto-renew must be off") {
		t.Errorf("the renew note does not warn about auto-renew: %s", note)
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
			h.srv.InjectFault(huaweitest.Fault{Action: huaweitest.ActionPurchase, Kind: kind, AfterApply: true})
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
				if r.Action == huaweitest.ActionPurchase {
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
	for _, api := range []string{huaweitest.ActionDetails} {
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
		{"empty tag key", huaweitest.Cert{Status: huaweitest.StatusIssued, NotAfter: soon},
			provider.RenewRequest{Tags: []provider.Tag{{Key: "", Value: "v"}}}, provider.KindInvalidArgument, "tag key", 0},
		{"repeated tag", huaweitest.Cert{Status: huaweitest.StatusIssued, NotAfter: soon},
			provider.RenewRequest{Tags: []provider.Tag{{Key: "k"}, {Key: "k"}}}, provider.KindInvalidArgument, "twice", 0},
		{"not_yet", huaweitest.Cert{Status: huaweitest.StatusIssued, NotAfter: time.Now().Add(60 * 24 * time.Hour)},
			provider.RenewRequest{}, provider.KindInvalidState, "more than 30 days", 1},
		{"uploaded", huaweitest.Cert{Status: huaweitest.StatusUpload},
			provider.RenewRequest{}, provider.KindInvalidState, "UPLOAD", 1},
		{"expired", huaweitest.Cert{Status: huaweitest.StatusExpired},
			provider.RenewRequest{}, provider.KindInvalidState, "EXPIRED", 1},
		{"free", huaweitest.Cert{Status: huaweitest.StatusIssued, NotAfter: soon, Source: huaweitest.SourceFree},
			provider.RenewRequest{}, provider.KindInvalidState, "free", 1},
		{"multi-year", huaweitest.Cert{Status: huaweitest.StatusIssued, NotAfter: soon, EffectiveTime: 2},
			provider.RenewRequest{}, provider.KindInvalidState, "multi-year", 1},
		{"unknown brand", huaweitest.Cert{Status: huaweitest.StatusIssued, NotAfter: soon, Brand: "DIGICERT", Type: "DV_SSL_CERT"},
			provider.RenewRequest{}, provider.KindUnsupported, "brand", 1},
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

func TestBuySpecTable(t *testing.T) {
	t.Parallel()
	str := func(s string) looseString { return looseString(s) }
	n := func(v int64) looseInt { return looseInt{N: v, OK: true} }
	cases := []struct {
		d    showResp
		want string // cert_type/domain_type/n, or the kind on refusal
	}{
		{showResp{Type: str("OV_SSL_CERT"), Brand: str("GLOBALSIGN"), DomainType: str("SINGLE_DOMAIN"), DomainCount: n(1)}, "OV_SSL_CERT/SINGLE_DOMAIN/1"},
		{showResp{Type: str(" ov_ssl_cert "), Brand: str("globalsign"), DomainType: str("SINGLE_DOMAIN")}, "OV_SSL_CERT/SINGLE_DOMAIN/1"},
		{showResp{Type: str("EV_SSL_CERT"), Brand: str("SYMANTEC"), DomainType: str("MULTI_DOMAIN"), DomainCount: n(7)}, "EV_SSL_CERT/MULTI_DOMAIN/7"},
		{showResp{Type: str("EV_SSL_CERT"), Brand: str("VTRUS"), DomainType: str("MULTI_DOMAIN"), DomainCount: n(3), MultiDomainType: str("primary_single")}, "EV_SSL_CERT/MULTI_DOMAIN/3"},
		{showResp{Type: str("EV_SSL_CERT_PRO"), Brand: str("TRUSTASIA"), DomainType: str("WILDCARD")}, "EV_SSL_CERT_PRO/WILDCARD/1"},
		{showResp{Type: str("DV_SSL_CERT_BASIC"), Brand: str("GEOTRUST"), DomainType: str("WILDCARD")}, "DV_SSL_CERT_BASIC/WILDCARD/1"},
		{showResp{Type: str("OV"), Brand: str("GEOTRUST"), DomainType: str("SINGLE_DOMAIN")}, "unsupported"},
		{showResp{Type: str(""), Brand: str("GEOTRUST"), DomainType: str("SINGLE_DOMAIN")}, "unsupported"},
		{showResp{Type: str("OV_SSL_CERT"), Brand: str("DIGICERT"), DomainType: str("SINGLE_DOMAIN")}, "unsupported"},
		{showResp{Type: str("OV_SSL_CERT"), Brand: str("GLOBALSIGN"), DomainType: str("SINGLE_DOMAIN"), DomainCount: n(3)}, "unsupported"},
		{showResp{Type: str("OV_SSL_CERT"), Brand: str("GLOBALSIGN"), DomainType: str("MULTI_DOMAIN"), DomainCount: n(1)}, "unsupported"},
		{showResp{Type: str("OV_SSL_CERT"), Brand: str("GLOBALSIGN"), DomainType: str("MULTI_DOMAIN"), DomainCount: n(101)}, "unsupported"},
		{showResp{Type: str("OV_SSL_CERT"), Brand: str("GLOBALSIGN"), DomainType: str("MULTI_DOMAIN"), DomainCount: n(4), WildcardCount: n(1)}, "unsupported"},
		{showResp{Type: str("OV_SSL_CERT"), Brand: str("GLOBALSIGN"), DomainType: str("MULTI_DOMAIN"), DomainCount: n(4), MultiDomainType: str("primary_wildcard")}, "unsupported"},
		{showResp{Type: str("OV_SSL_CERT"), Brand: str("GLOBALSIGN"), DomainType: str("ANY")}, "unsupported"},
	}
	for _, c := range cases {
		b, kind, msg := buySpec(&c.d)
		var got string
		if msg != "" {
			got = kind.String()
		} else {
			if !b.AgreePrivacyProtection || !b.IsAutoPay || b.EffectiveTime != 1 || b.OrderNumber != 1 ||
				b.CertBrand != strings.ToUpper(strings.TrimSpace(string(c.d.Brand))) {
				t.Errorf("%+v: body %+v", c.d, b)
			}
			got = b.CertType + "/" + b.DomainType + "/" + strconv.Itoa(b.DomainNumbers)
		}
		if got != c.want {
			t.Errorf("%+v: %s (%s), want %s", c.d, got, msg, c.want)
		}
	}
	free := showResp{Type: str("DV_SSL_CERT_BASIC"), DomainType: str("SINGLE_DOMAIN")}
	wild := showResp{Type: str("DV_SSL_CERT_BASIC"), DomainType: str("WILDCARD")}
	if !isFree(&free) || isFree(&wild) {
		t.Errorf("isFree: single %t, wildcard %t; want true, false", isFree(&free), isFree(&wild))
	}
}

// TestBrandsAgreeWithEmulator: the adapter and the emulator each cite the
// purchase page for the brands and types the buy accepts; their lists
// must be the same, which this checks by buying every one.
func TestBrandsAgreeWithEmulator(t *testing.T) {
	t.Parallel()
	for _, brand := range buyBrands {
		for _, typ := range buyTypes {
			h := newEmulated(t, true)
			id := h.srv.SeedCert(huaweitest.Cert{Status: huaweitest.StatusIssued, NotAfter: time.Now().Add(20 * 24 * time.Hour),
				Brand: brand, Type: typ, DomainType: "WILDCARD"})
			if _, err := h.a.Renew(t.Context(), provider.RenewRequest{ID: id}); err != nil {
				t.Errorf("%s %s: %v", brand, typ, err)
			}
		}
	}
}
