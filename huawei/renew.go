package huawei

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/certbroker/certbroker/provider"
)

// Renew buys a certificate with the identical spec of an expiring one, the
// only renewal Huawei SCM offers; it is billed. It is disabled unless
// Config.RenewByPurchase is set, and then fails with KindUnsupported.
//
// When enabled it
//
//  1. refuses a CSR or tags with KindInvalidArgument: the purchase API
//     takes neither, and dropping them silently would hand back a
//     certificate that is not what was asked for;
//  2. reads the details (GET …/cert/{cert_id}) and requires ISSUED
//     (anything else, UPLOAD included, is KindInvalidState);
//  3. derives the purchase spec from the details (see purchaseSpec);
//     a free certificate is KindInvalidState, a type the v2 purchase API
//     does not sell or a spec it cannot reproduce is KindUnsupported;
//  4. finds the expiry in the certificate list (see Status) and requires
//     it to be in the future and at most 30 days away (KindInvalidState
//     otherwise, or when the expiry cannot be found);
//  5. sends exactly one POST /v2/{project_id}/scm/cert/purchase with
//     cert_brand, cert_type, domain_type and domain_numbers copied,
//     effective_time 1, order_number 1 and agree_privacy_protection true.
//
// The result's NewID is the new certificate (state PAID, that is
// StatePendingApplication: its application still has to be completed).
// Its State, NativeState and NotAfter describe the renewed certificate,
// which is unchanged (expiring, ISSUED). Failures of steps 2 and 4 are reads:
// a 5xx or a transport failure there is KindUnavailable. A failure of the
// purchase after it may have reached the cloud is KindOutcomeUnknown and
// must not be retried blindly: look for a new PAID certificate first.
func (a *Adapter) Renew(ctx context.Context, req provider.RenewRequest) (*provider.Result, error) {
	if e := a.precheck(req); e != nil {
		return nil, e
	}

	d, _, err := a.details(ctx, provider.OpRenew, req.ID)
	if err != nil {
		return nil, err
	}
	native := normalizeNative(d.Status)
	if native != nativeIssued {
		st := stateOf(native, time.Time{}, a.now())
		return nil, a.fail(provider.KindInvalidState, req.ID, fmt.Sprintf(
			"certificate is %s (%s); only an ISSUED certificate bought in SCM can be renewed, within 30 days of expiry",
			native, st))
	}
	body, kind, msg := purchaseSpec(d)
	if msg != "" {
		return nil, a.fail(kind, req.ID, msg)
	}
	notAfter, err := a.expiry(ctx, provider.OpRenew, req.ID, d)
	if err != nil {
		return nil, err
	}
	now := a.now()
	switch {
	case notAfter.IsZero():
		return nil, a.fail(provider.KindInvalidState, req.ID,
			"the certificate's expiry could not be found in the certificate list, so the 30-day renewal window cannot be confirmed")
	case !notAfter.After(now):
		return nil, a.fail(provider.KindInvalidState, req.ID, fmt.Sprintf(
			"the certificate expired at %s; an expired certificate cannot be renewed, only bought again",
			notAfter.Format(time.RFC3339)))
	case notAfter.Sub(now) > RenewalWindow:
		return nil, a.fail(provider.KindInvalidState, req.ID, fmt.Sprintf(
			"the certificate expires at %s, more than 30 days from now; renewal opens 30 days before expiry",
			notAfter.Format(time.RFC3339)))
	}

	out, rid, err := a.do(ctx, request{
		op: provider.OpRenew, id: req.ID, api: apiPurchase, mutating: true,
		body: &purchaseReq{Body: body}, def: purchaseDef(),
	})
	if err != nil {
		return nil, err
	}
	p, _ := out.(*purchaseResp)
	var newID string
	if p != nil && len(p.Cert) > 0 {
		newID = strings.TrimSpace(p.Cert[0].CertID)
	}
	if checkID(newID) != nil {
		e := a.fail(provider.KindOutcomeUnknown, req.ID, fmt.Sprintf(
			"the purchase was answered with success but no usable cert_id (%q): a certificate may have been bought", newID))
		e.RequestID = rid
		return nil, e
	}
	// The result describes the renewed (old) certificate, which is
	// unchanged; the new one is PAID (StatePendingApplication).
	r := a.result(provider.OpRenew, req.ID, stateOf(native, notAfter, now), native, rid)
	r.NewID = newID
	r.NotAfter = notAfter
	return r, nil
}

// fail builds an error of kind k for a Renew.
func (a *Adapter) fail(k provider.Kind, id, msg string) *provider.Error {
	return &provider.Error{Kind: k, Op: provider.OpRenew, Origin: a.origin, ID: id, Message: msg}
}

// purchaseBrands lists the cert_brand values the purchase API documents.
const purchaseBrands = "GLOBALSIGN, GEOTRUST, SYMANTEC, CFCA, TRUSTASIA, VTRUS"

func isPurchaseBrand(b string) bool {
	switch b {
	case "GLOBALSIGN", "GEOTRUST", "SYMANTEC", "CFCA", "TRUSTASIA", "VTRUS":
		return true
	}
	return false
}

// purchaseSpec derives the purchase body that reproduces the spec of d.
// When it cannot, it returns the error kind and message instead.
//
// cert_type (details → purchase; explicit, nothing else is guessed):
//
//	OV, OV_SSL_CERT             → OV_SSL_CERT
//	EV, EV_SSL_CERT             → EV_SSL_CERT
//	DV_SSL_CERT_BASIC, DV_BASIC, or containing FREE
//	                            → refused, KindInvalidState: treated as free
//	                              (SCM's free certificates are DigiCert
//	                              DV (Basic)) [unverified]
//	DV, DV_SSL_CERT, *_PRO      → refused, KindUnsupported: the v2 purchase
//	                              API sells only OV_SSL_CERT and EV_SSL_CERT
//	anything else               → refused, KindUnsupported
//
// domain_type: SINGLE_DOMAIN and WILDCARD (domain_numbers 1; a details
// domain_number other than 0 or 1 is refused), MULTI_DOMAIN or the
// reference sample's MUILT_DOMAIN (domain_numbers = domain_number, 2 to
// 100). cert_brand must be one the purchase API documents: GLOBALSIGN,
// GEOTRUST, SYMANTEC, CFCA, TRUSTASIA, VTRUS.
func purchaseSpec(d *detailsResp) (*purchaseBody, provider.Kind, string) {
	typ := normalizeNative(d.CertType)
	var certType string
	switch {
	case typ == "OV" || typ == "OV_SSL_CERT":
		certType = "OV_SSL_CERT"
	case typ == "EV" || typ == "EV_SSL_CERT":
		certType = "EV_SSL_CERT"
	case typ == "DV_SSL_CERT_BASIC" || typ == "DV_BASIC" || strings.Contains(typ, "FREE"):
		return nil, provider.KindInvalidState, fmt.Sprintf(
			"certificate type %s is treated as free (DV Basic); free certificates cannot be renewed", typ)
	case typ == "DV" || typ == "DV_SSL_CERT" || strings.HasSuffix(typ, "_PRO"):
		return nil, provider.KindUnsupported, fmt.Sprintf(
			"certificate type %s cannot be bought through the v2 purchase API, which sells only OV_SSL_CERT and EV_SSL_CERT", typ)
	default:
		return nil, provider.KindUnsupported, fmt.Sprintf(
			"unknown certificate type %q; refusing to guess the purchase spec", d.CertType)
	}

	brand := normalizeNative(d.CertBrand)
	if !isPurchaseBrand(brand) {
		return nil, provider.KindUnsupported, fmt.Sprintf(
			"certificate brand %q is not one the purchase API documents (%s); refusing to guess",
			d.CertBrand, purchaseBrands)
	}

	n := int(d.DomainNumber)
	var domainType string
	switch normalizeNative(d.DomainType) {
	case "SINGLE_DOMAIN", "WILDCARD":
		domainType = normalizeNative(d.DomainType)
		if n > 1 || n < 0 {
			return nil, provider.KindUnsupported, fmt.Sprintf(
				"domain type %s with %d domains is not a spec the purchase API sells", domainType, n)
		}
		n = 1
	case "MULTI_DOMAIN", "MUILT_DOMAIN":
		domainType = "MULTI_DOMAIN"
		if n < 2 || n > 100 {
			return nil, provider.KindUnsupported, fmt.Sprintf(
				"multi-domain certificate with %d domains: the purchase API sells 2 to 100", n)
		}
	default:
		return nil, provider.KindUnsupported, fmt.Sprintf(
			"unknown domain type %q; refusing to guess the purchase spec", d.DomainType)
	}
	return &purchaseBody{
		CertBrand:              brand,
		CertType:               certType,
		DomainType:             domainType,
		EffectiveTime:          1,
		DomainNumbers:          n,
		OrderNumber:            1,
		AgreePrivacyProtection: true,
	}, provider.KindOther, ""
}
