package huawei

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/certbroker/certbroker/provider"
)

// Renew buys a certificate with the identical spec of an expiring one, the
// only renewal Huawei SCM offers; it is billed. It is disabled unless
// Config.RenewByPurchase is set, and then fails with KindUnsupported.
//
// When enabled it
//
//  1. refuses a CSR (KindInvalidArgument: the purchase takes none, and
//     dropping it silently would hand back a certificate that is not what
//     was asked for), tags outside Huawei's limits, and a
//     provider.RenewalTagKey mark that FindRenewal could not search for
//     (see checkMark);
//  2. reads the v3 details (GET /v3/scm/certificates/{id}) and requires,
//     from the user guide's renewal rules (手动续费, 自动续费): status ISSUED; not_after in the future and at most 30
//     days away; not the free certificate (DigiCert DV (Basic) single
//     domain: type DV_SSL_CERT_BASIC, SINGLE_DOMAIN); not a multi-year
//     certificate (validity_period over 12 months), which applies for its
//     next certificate by itself 30 days before expiry, so that buying
//     would buy a second one. Each refusal is KindInvalidState; a spec the
//     purchase cannot reproduce is KindUnsupported (see buySpec);
//  3. sends exactly one POST /v3/scm/certificates/buy with the same brand,
//     type, domain type and domain count, one year, one certificate,
//     agree_privacy_protection and is_auto_pay true, and the tags;
//  4. reads the new certificate's v3 details to learn whether the order
//     was paid: a purchase may stay unpaid even with is_auto_pay (an
//     account without balance).
//
// Auto-renew must be off too (user guide): with it on, SCM buys the next
// certificate itself and a Renew buys a second. The details do not show
// the setting, so the adapter cannot check it; the capability note says so.
//
// On success NewID is the new certificate. When it is PAID
// (StatePendingApplication: its application still has to be completed),
// State, NativeState and NotAfter describe the renewed certificate, which
// is unchanged. When it is not PAID, the result says so instead of
// reporting a plain renewal: State is StateUnknown and NativeState is the
// new certificate's status (for example UNPAID), or "" when that read
// failed and the payment could not be confirmed; the order has to be paid
// in the console, and renewing again would buy another certificate. It is
// still a success, because the purchase was made (an error kind would
// claim it was not; see provider's outcome rule), and the adapter logs a
// warning. The check reads before the purchase are reads: a 5xx or a
// transport failure there is KindUnavailable. A failure of the purchase
// after it may have reached the cloud is KindOutcomeUnknown and must not
// be retried blindly: look for a new certificate first ([Adapter.FindRenewal]
// proves it by the provider.RenewalTagKey tag, which Renew sends with the
// other tags).
func (a *Adapter) Renew(ctx context.Context, req provider.RenewRequest) (*provider.Result, error) {
	if e := a.precheck(req); e != nil {
		return nil, e
	}
	d, _, err := a.show(ctx, provider.OpRenew, req.ID)
	if err != nil {
		return nil, err
	}
	native := normalizeNative(string(d.Status))
	now := a.now()
	notAfter := d.NotAfter.Time
	if e := a.renewable(req.ID, d, native, notAfter, now); e != nil {
		return nil, e
	}
	body, kind, msg := buySpec(d)
	if msg != "" {
		return nil, a.kit.Fail(kind, provider.OpRenew, req.ID, msg)
	}
	for _, t := range req.Tags {
		body.Tags = append(body.Tags, buyTag{Key: t.Key, Value: t.Value})
	}

	out, rid, err := a.do(ctx, request{
		op: provider.OpRenew, id: req.ID, api: apiPurchase, mutating: true,
		body: &buyReq{Body: body}, def: buyDef(),
	})
	if err != nil {
		return nil, err
	}
	p, _ := out.(*purchaseResp)
	var newID, orderID string
	if p != nil {
		orderID = strings.TrimSpace(p.OrderID)
		if len(p.Cert) > 0 {
			newID = strings.TrimSpace(p.Cert[0].CertID)
		}
	}
	if checkID(newID) != nil {
		e := a.kit.Fail(provider.KindOutcomeUnknown, provider.OpRenew, req.ID, fmt.Sprintf(
			"the purchase was answered with success but no usable cert_id (%q): a certificate may have been bought", newID))
		e.RequestID = rid
		return nil, e
	}
	if paid, status := a.paid(ctx, newID); !paid {
		a.kit.Log.LogAttrs(ctx, slog.LevelWarn, "huawei: renewal bought a certificate that is not paid",
			slog.String("origin", a.kit.Origin), slog.String("id", req.ID), slog.String("new_id", newID),
			slog.String("order_id", orderID), slog.String("status", status))
		r := a.result(provider.OpRenew, req.ID, provider.StateUnknown, status, rid)
		r.NewID = newID
		return r, nil
	}
	// The result describes the renewed (old) certificate, which is
	// unchanged; the new one is PAID (StatePendingApplication).
	r := a.result(provider.OpRenew, req.ID, stateOf(native, notAfter, now), native, rid)
	r.NewID = newID
	r.NotAfter = notAfter
	return r, nil
}

// renewable applies the renewal prerequisites of step 2 to details d.
func (a *Adapter) renewable(id string, d *showResp, native string, notAfter, now time.Time) *provider.Error {
	switch {
	case native != nativeIssued:
		return a.kit.Fail(provider.KindInvalidState, provider.OpRenew, id, fmt.Sprintf(
			"certificate is %s (%s); only an ISSUED certificate bought in SCM can be renewed, within 30 days of expiry",
			native, stateOf(native, time.Time{}, now)))
	case isFree(d):
		return a.kit.Fail(provider.KindInvalidState, provider.OpRenew, id,
			"the free DigiCert DV (Basic) single-domain certificate (DV_SSL_CERT_BASIC, SINGLE_DOMAIN) cannot be renewed")
	case d.ValidityPeriod.OK && d.ValidityPeriod.N > 12:
		return a.kit.Fail(provider.KindInvalidState, provider.OpRenew, id, fmt.Sprintf(
			"multi-year certificate (validity_period %d months): SCM applies for its next certificate by itself 30 days "+
				"before expiry, so buying one now could buy a second; renew its last year in the console", d.ValidityPeriod.N))
	case notAfter.IsZero():
		return a.kit.Fail(provider.KindInvalidState, provider.OpRenew, id, fmt.Sprintf(
			"the certificate's not_after (%q) could not be read, so the 30-day renewal window cannot be confirmed",
			d.NotAfter.Raw))
	case !notAfter.After(now):
		return a.kit.Fail(provider.KindInvalidState, provider.OpRenew, id, fmt.Sprintf(
			"the certificate expired at %s; an expired certificate cannot be renewed, only bought again",
			notAfter.Format(time.RFC3339)))
	case notAfter.Sub(now) > ExpiringWindow:
		return a.kit.Fail(provider.KindInvalidState, provider.OpRenew, id, fmt.Sprintf(
			"the certificate expires at %s, more than 30 days from now; renewal opens 30 days before expiry",
			notAfter.Format(time.RFC3339)))
	}
	return nil
}

// paid reads the new certificate's details: true when it is PAID;
// otherwise false and its native status, "" when the read failed.
func (a *Adapter) paid(ctx context.Context, newID string) (bool, string) {
	d, _, err := a.show(ctx, provider.OpRenew, newID)
	if err != nil {
		return false, ""
	}
	status := normalizeNative(string(d.Status))
	return status == nativePaid, status
}

// The v3 buy's documented vocabularies (the SDK's
// PurchaseCertificateRequestBody, api-ccm purchase page). The emulator
// cites the same source.
var (
	buyBrands = []string{"GEOTRUST", "GLOBALSIGN", "SYMANTEC", "CFCA", "TRUSTASIA", "VTRUS"}
	buyTypes  = []string{"DV_SSL_CERT", "DV_SSL_CERT_BASIC", "EV_SSL_CERT", "EV_SSL_CERT_PRO", "OV_SSL_CERT", "OV_SSL_CERT_PRO"}
)

// isFree reports whether d is the free certificate: DigiCert DV (Basic),
// single domain (the API has no free flag). The DV (Basic)
// wildcard is paid and renewable.
func isFree(d *showResp) bool {
	return normalizeNative(string(d.Type)) == "DV_SSL_CERT_BASIC" && normalizeNative(string(d.DomainType)) == "SINGLE_DOMAIN"
}

// buySpec derives the v3 buy body that reproduces the spec of d, or the
// error kind and message when it cannot:
//
//   - type: one of buyTypes, copied (the v3 details use the purchase
//     vocabulary); anything else is KindUnsupported;
//   - brand: one of buyBrands, copied; anything else is KindUnsupported;
//   - SINGLE_DOMAIN and WILDCARD: domain_numbers 1 (a domain_count other
//     than 0 or 1 is refused); MULTI_DOMAIN: domain_numbers =
//     domain_count, 2 to 100, and only with a single-domain primary
//     (multi_domain_type absent or primary_single) and no wildcard
//     domains, since the mix of added single and wildcard domains has no
//     documented mapping onto the purchase's fields.
func buySpec(d *showResp) (*buyBody, provider.Kind, string) {
	typ := normalizeNative(string(d.Type))
	if !slices.Contains(buyTypes, typ) {
		return nil, provider.KindUnsupported, fmt.Sprintf(
			"certificate type %q is not one the purchase API sells (%s); refusing to guess", string(d.Type), strings.Join(buyTypes, ", "))
	}
	brand := normalizeNative(string(d.Brand))
	if !slices.Contains(buyBrands, brand) {
		return nil, provider.KindUnsupported, fmt.Sprintf(
			"certificate brand %q is not one the purchase API documents (%s); refusing to guess",
			string(d.Brand), strings.Join(buyBrands, ", "))
	}
	n := d.DomainCount.N
	domainType := normalizeNative(string(d.DomainType))
	switch domainType {
	case "SINGLE_DOMAIN", "WILDCARD":
		if n > 1 || n < 0 {
			return nil, provider.KindUnsupported, fmt.Sprintf(
				"domain type %s with %d domains is not a spec the purchase API sells", domainType, n)
		}
		n = 1
	case "MULTI_DOMAIN":
		if n < 2 || n > 100 {
			return nil, provider.KindUnsupported, fmt.Sprintf(
				"multi-domain certificate with %d domains: the purchase API sells 2 to 100", n)
		}
		if d.WildcardCount.N > 0 || (d.MultiDomainType != "" && normalizeNative(string(d.MultiDomainType)) != "PRIMARY_SINGLE") {
			return nil, provider.KindUnsupported, fmt.Sprintf(
				"multi-domain certificate with a %s primary and %d wildcard domains: no documented way to buy the same mix",
				string(d.MultiDomainType), d.WildcardCount.N)
		}
	default:
		return nil, provider.KindUnsupported, fmt.Sprintf(
			"unknown domain type %q; refusing to guess the purchase spec", string(d.DomainType))
	}
	return &buyBody{
		CertBrand:              brand,
		CertType:               typ,
		DomainType:             domainType,
		EffectiveTime:          1,
		DomainNumbers:          int(n),
		OrderNumber:            1,
		AgreePrivacyProtection: true,
		IsAutoPay:              true,
	}, provider.KindOther, ""
}

// Tag limits: Huawei's general tag rules (TMS: key 1 to 128 characters,
// value up to 255) [unverified for SCM], and at most maxTags per request.
const (
	maxTagKey   = 128
	maxTagValue = 255
	maxTags     = 20
)

// checkTags validates renewal tags before anything is sent.
func checkTags(tags []provider.Tag) error {
	if len(tags) > maxTags {
		return fmt.Errorf("%d tags; at most %d", len(tags), maxTags)
	}
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		switch {
		case t.Key == "" || utf8.RuneCountInString(t.Key) > maxTagKey || !utf8.ValidString(t.Key):
			return fmt.Errorf("tag key %q: want 1 to %d characters", t.Key, maxTagKey)
		case utf8.RuneCountInString(t.Value) > maxTagValue || !utf8.ValidString(t.Value):
			return fmt.Errorf("tag %q: value longer than %d characters", t.Key, maxTagValue)
		case strings.ContainsFunc(t.Key+t.Value, func(r rune) bool { return r < 0x20 || r == 0x7f }):
			return fmt.Errorf("tag %q contains a control character", t.Key)
		case seen[t.Key]:
			return fmt.Errorf("tag key %q given twice", t.Key)
		}
		seen[t.Key] = true
	}
	return nil
}
