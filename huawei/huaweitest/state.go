package huaweitest

import (
	"slices"
	"strings"
	"time"

	"github.com/certbroker/certbroker/provider"
)

// Native certificate statuses of SCM v2 (order_status in the list, status
// in the details).
const (
	StatusPaid                = "PAID"                // paid, no application submitted yet
	StatusChecking            = "CHECKING"            // application under review
	StatusCancelChecking      = "CANCELCHECKING"      // cancel of the review in progress
	StatusUnpassed            = "UNPASSED"            // application rejected
	StatusIssued              = "ISSUED"              // issued
	StatusExpired             = "EXPIRED"             // past its validity
	StatusRevoking            = "REVOKING"            // revocation in progress
	StatusRevoked             = "REVOKED"             // revoked
	StatusUpload              = "UPLOAD"              // uploaded by the user and hosted
	StatusSupplementChecking  = "SUPPLEMENTCHECKING"  // extra domains under review
	StatusCancelSupplementing = "CANCELSUPPLEMENTING" // cancel of the extra-domain review in progress
	// StatusIssuing is the v3 status of an approved application about to
	// be issued ("ISSUING", a v3 list filter value). Only SeedCert
	// creates it; cancel-cert refuses it (see the package documentation).
	StatusIssuing = "ISSUING"
	// StatusCancelRevoking (sic, as the v3 reference spells it): the
	// withdrawal of a revocation is under review; it settles back to
	// ISSUED. Only SeedCert creates it [unverified how a withdrawal is
	// started; the console offers it].
	StatusCancelRevoking = "CANCLEREVOKING"
)

var statuses = []string{
	StatusPaid, StatusChecking, StatusCancelChecking, StatusUnpassed, StatusIssued, StatusExpired,
	StatusRevoking, StatusRevoked, StatusUpload, StatusSupplementChecking, StatusCancelSupplementing,
	StatusCancelRevoking, StatusIssuing, StatusUnpaid,
}

func knownStatus(st string) bool { return slices.Contains(statuses, st) }

// Source says where a certificate came from. Only purchased certificates
// can be renewed.
type Source string

// The sources.
const (
	SourcePurchased Source = "purchased" // bought in SCM
	SourceUploaded  Source = "uploaded"  // uploaded by the user (status UPLOAD)
	SourceFree      Source = "free"      // a free test certificate
)

// The spec SeedCert gives a free certificate whose fields are empty.
const (
	// freeType is cert_type / type of the free DigiCert DV (Basic)
	// certificate, the only free one (fidelity H10).
	freeType = "DV_SSL_CERT_BASIC"
	// freeBrand is its brand [unverified spelling: the v3 details document
	// only GLOBALSIGN, SYMANTEC, GEOTRUST and CFCA].
	freeBrand = "DIGICERT"
)

// ExpiringWindow is how close to NotAfter an issued, purchased certificate
// counts as expiring (provider.StateExpiring): the 30 calendar days in
// which SCM allows renewal.
const ExpiringWindow = 30 * 24 * time.Hour

// Cert is one certificate as the emulator holds it. SeedCert takes one and
// Cert returns a copy.
//
// Cert types: purchase takes the purchase vocabulary (OV_SSL_CERT,
// EV_SSL_CERT, and the v3 names DV_SSL_CERT, DV_SSL_CERT_BASIC,
// OV_SSL_CERT_PRO, EV_SSL_CERT_PRO); details and list report cert_type in
// the short form of the documentation sample, with "_SSL_CERT" removed:
// "OV", "EV", "DV", "OV_PRO", "EV_PRO", "DV_BASIC"; the v3 details report
// the purchase form, as documented. Type holds the purchase form. Free
// certificates (Source free) are DV_SSL_CERT_BASIC, SINGLE_DOMAIN, brand
// DIGICERT unless seeded otherwise.
type Cert struct {
	// ID is the cert_id, "scs" followed by 13 digits.
	ID string
	// OrderID is the order_id, "CS" followed by 15 characters.
	OrderID string
	// ProjectID is the project the certificate belongs to.
	ProjectID string
	// Status is the native status, one of the StatusXxx constants.
	Status string
	// Cancelled is set when the certificate reached PAID through
	// cancel-cert (normalized: provider.StateCancelled).
	Cancelled bool
	// Brand is cert_brand: GLOBALSIGN, SYMANTEC, GEOTRUST or CFCA.
	Brand string
	// Type is the certificate type in the purchase vocabulary, e.g.
	// OV_SSL_CERT. Details and list report it shortened ("OV").
	Type string
	// DomainType is SINGLE_DOMAIN, MULTI_DOMAIN or WILDCARD.
	DomainType string
	// DomainCount is the number of domains bought (domain_number).
	DomainCount int
	// DomainName is the primary domain; empty until applied for.
	DomainName string
	// AltNames are the additional domains of a multi-domain certificate.
	AltNames []string
	// Name is cert_name.
	Name string
	// Description is cert_describe / cert_des.
	Description string
	// EffectiveTime is the validity bought, in years (purchase_period).
	EffectiveTime int
	// NotAfter is the expiry; zero while the certificate is not issued.
	NotAfter time.Time
	// Source says whether the certificate was purchased, uploaded or free.
	Source Source
	// RevokeReason is the reason given to revoke.
	RevokeReason string
	// AutoRenew is set when auto-renew is on: SCM then buys the next
	// certificate itself (user guide, 自动续费). The API does not show it.
	AutoRenew bool
	// Tags are the certificate's tags: those of the v3 purchase that
	// created it (Purchase.Tags), or seeded. ListCertificatesByTag
	// (tags.go) filters on them.
	Tags []Tag
}

func (c Cert) clone() Cert {
	c.AltNames = slices.Clone(c.AltNames)
	c.Tags = slices.Clone(c.Tags)
	return c
}

// domains returns the primary and additional domains.
func (c *Cert) domains() []string {
	var d []string
	if c.DomainName != "" {
		d = append(d, c.DomainName)
	}
	return append(d, c.AltNames...)
}

// shortType is cert_type as details and list report it: "OV_SSL_CERT" ->
// "OV", "DV_SSL_CERT_BASIC" -> "DV_BASIC".
func shortType(t string) string { return strings.Replace(t, "_SSL_CERT", "", 1) }

// cert is the emulator's record of a certificate.
type cert struct {
	Cert
	seq          int       // creation order
	updated      time.Time // certUpdateTime
	pendingSince time.Time // when the current pending status began
	// cancelFails is drawn when cancel-cert moves the certificate to
	// CANCELCHECKING: the CA had already approved, so the withdrawal
	// fails late and the certificate settles to ISSUED, not PAID.
	cancelFails bool
	// sweepLate keeps an ISSUED certificate ISSUED past its NotAfter
	// (SeedListed).
	sweepLate bool
}

func isPending(status string) bool {
	return status == StatusCancelChecking || status == StatusCancelSupplementing || status == StatusRevoking ||
		status == StatusCancelRevoking
}

// settle completes a pending transition.
func (c *cert) settle(now time.Time) {
	switch c.Status {
	case StatusCancelChecking:
		if c.cancelFails {
			c.settleIssued(now)
		} else {
			c.Status, c.Cancelled = StatusPaid, true
		}
	case StatusCancelSupplementing, StatusCancelRevoking:
		c.Status = StatusIssued
	case StatusRevoking:
		c.Status = StatusRevoked
	default:
		return
	}
	c.updated = now
}

// settleIssued ends a failed withdrawal: the certificate is issued, with
// a year of validity unless it already had an expiry.
func (c *cert) settleIssued(now time.Time) {
	c.Status, c.Cancelled, c.cancelFails = StatusIssued, false, false
	if c.NotAfter.IsZero() {
		c.NotAfter = now.Add(365 * 24 * time.Hour)
	}
}

// setStatus moves the certificate to st and records when.
func (c *cert) setStatus(st string, now time.Time) {
	c.Status = st
	c.updated = now
	if isPending(st) {
		c.pendingSince = now
	}
}

// normalize maps the native status onto provider.State.
func (c *Cert) normalize(now time.Time) provider.State {
	switch c.Status {
	case StatusPaid:
		if c.Cancelled {
			return provider.StateCancelled
		}
		return provider.StatePendingApplication
	case StatusChecking, StatusIssuing:
		return provider.StateUnderReview
	case StatusCancelChecking:
		return provider.StateCancelling
	case StatusUnpassed:
		return provider.StateReviewFailed
	case StatusIssued, StatusSupplementChecking, StatusCancelSupplementing:
		if c.expiring(now) {
			return provider.StateExpiring
		}
		return provider.StateIssued
	case StatusRevoking:
		return provider.StateRevoking
	case StatusRevoked:
		return provider.StateRevoked
	case StatusExpired:
		return provider.StateExpired
	case StatusUpload:
		return provider.StateHosted
	}
	// CANCLEREVOKING: a revocation being withdrawn is neither revoked nor
	// settled back to issued.
	return provider.StateUnknown
}

// expiring reports whether the certificate is inside the renewal window:
// purchased, with an expiry at most ExpiringWindow away.
func (c *Cert) expiring(now time.Time) bool {
	return c.Source == SourcePurchased && !c.NotAfter.IsZero() && c.NotAfter.Sub(now) <= ExpiringWindow
}
