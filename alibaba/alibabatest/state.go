package alibabatest

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/certbroker/certbroker/provider"
)

// Native DescribeCertificateState Type values. "unknow" is the cloud's own
// spelling.
const (
	TypePayed        = "payed"
	TypeDomainVerify = "domain_verify"
	TypeProcess      = "process"
	TypeVerifyFail   = "verify_fail"
	TypeCertificate  = "certificate"
	TypeUnknown      = "unknow"
)

// Native ListUserCertificateOrder Status values.
const (
	StatusPayed        = "PAYED"
	StatusChecking     = "CHECKING"
	StatusCheckedFail  = "CHECKED_FAIL"
	StatusIssued       = "ISSUED"
	StatusWillExpire   = "WILLEXPIRED"
	StatusExpired      = "EXPIRED"
	StatusNotActivated = "NOTACTIVATED"
	StatusRevoked      = "REVOKED"
)

// ExpiringWindow is how long before NotAfter an issued certificate turns
// WILLEXPIRED (the documentation does not give the window; 30 days is the
// usual one [unverified]).
const ExpiringWindow = 30 * 24 * time.Hour

// quotaReturnWindow is how long after issuance a revocation still gives
// the order's quota back (CancelCertificateForPackageRequest: "within 30
// calendar days after the issuance date").
const quotaReturnWindow = 30 * 24 * time.Hour

// Order types of ListUserCertificateOrder that hold orders.
const (
	OrderTypePackage = "CPACK"
	OrderTypeBuy     = "BUY"
)

// defaultProductCode is the product of orders seeded without one.
const defaultProductCode = "digicert-free-1-free"

// Tag is one resource tag of an order (RenewCertificateOrderForPackageRequest
// parameters Tags.N.Key and Tags.N.Value).
type Tag struct {
	Key, Value string
}

// Order is one certificate order as the emulator holds it. [Server.SeedOrder]
// takes one and [Server.Order] returns one.
type Order struct {
	// ID is the order ID, a positive int64. Zero in SeedOrder allocates one.
	ID int64
	// Type is the DescribeCertificateState Type (TypePayed, …).
	Type string
	// Status is the ListUserCertificateOrder Status (StatusPayed, …). For
	// Type certificate it follows the clock and NotAfter: ISSUED, then
	// WILLEXPIRED within ExpiringWindow, then EXPIRED. In SeedOrder either
	// Type or Status may be left empty and is then derived from the other.
	Status string
	// Cancelled marks a payed order that was reached through
	// CancelOrderRequest; only such payed orders may be deleted.
	Cancelled bool
	// Domain is the order's (first) domain, the certificate's CN.
	Domain string
	// Sans are the order's other domains, listed after Domain in the
	// list item's Sans.
	Sans []string
	// ProductCode is the CAS product; "digicert-free-1-free" if empty.
	ProductCode string
	// OrderType is OrderTypePackage (default) or OrderTypeBuy.
	OrderType string
	// BuyDate is when the order was created; the clock's now if zero.
	BuyDate time.Time
	// NotBefore and NotAfter bound the certificate's validity. For Type
	// certificate (and REVOKED) a zero NotAfter is filled to match Status:
	// a year ahead for ISSUED, 20 days ahead for WILLEXPIRED, a day ago for
	// EXPIRED. A zero NotBefore is NotAfter minus 365 days.
	NotBefore, NotAfter time.Time
	// CSR is the PEM CSR given to the renewal that created the order.
	CSR string
	// Tags are the tags given to the renewal that created the order.
	Tags []Tag
	// RenewedFrom is the source order of a renewal order, else zero.
	RenewedFrom int64
}

// typeOfStatus gives the Type an order has for a list Status.
var typeOfStatus = map[string]string{
	StatusPayed: TypePayed, StatusChecking: TypeDomainVerify, StatusCheckedFail: TypeVerifyFail,
	StatusIssued: TypeCertificate, StatusWillExpire: TypeCertificate, StatusExpired: TypeCertificate,
	StatusRevoked: TypeUnknown, StatusNotActivated: TypeUnknown,
}

// statusesOfType lists the Statuses an order of a Type may have; the first
// is the default.
var statusesOfType = map[string][]string{
	TypePayed:        {StatusPayed},
	TypeDomainVerify: {StatusChecking},
	TypeProcess:      {StatusChecking},
	TypeVerifyFail:   {StatusCheckedFail},
	TypeCertificate:  {"", StatusIssued, StatusWillExpire, StatusExpired},
	TypeUnknown:      {"", StatusRevoked, StatusNotActivated},
}

// certStatus is the list Status of an issued certificate at now: ISSUED
// while more than ExpiringWindow remains, then WILLEXPIRED, then EXPIRED
// once NotAfter has passed, by the injectable clock (WithClock).
func certStatus(notAfter, now time.Time) string {
	switch {
	case !now.Before(notAfter):
		return StatusExpired
	case notAfter.Sub(now) <= ExpiringWindow:
		return StatusWillExpire
	default:
		return StatusIssued
	}
}

// current returns o as seen at now: the Status of a certificate follows the
// clock. Tags are copied.
func (o Order) current(now time.Time) Order {
	if o.Type == TypeCertificate {
		o.Status = certStatus(o.NotAfter, now)
	}
	o.Tags = slices.Clone(o.Tags)
	o.Sans = slices.Clone(o.Sans)
	return o
}

// normalize fills o's defaults and checks it is consistent. It does not
// allocate an ID.
func (o Order) normalize(now time.Time) (Order, error) {
	if o.ID < 0 {
		return o, fmt.Errorf("order ID %d is negative", o.ID)
	}
	if o.Type == "" && o.Status == "" {
		return o, errors.New("order has neither Type nor Status")
	}
	if o.Type == "" {
		t, ok := typeOfStatus[o.Status]
		if !ok {
			return o, fmt.Errorf("unknown Status %q", o.Status)
		}
		o.Type = t
	}
	allowed, ok := statusesOfType[o.Type]
	if !ok {
		return o, fmt.Errorf("unknown Type %q", o.Type)
	}
	if o.Status != "" && !slices.Contains(allowed, o.Status) {
		return o, fmt.Errorf("order Status %q does not go with Type %q", o.Status, o.Type)
	}
	if o.Status == "" {
		o.Status = allowed[0]
	}
	if o.Cancelled && o.Type != TypePayed {
		return o, fmt.Errorf("only a payed order can be cancelled, not %q", o.Type)
	}
	if o.Type == TypeCertificate || o.Status == StatusRevoked {
		if o.NotAfter.IsZero() {
			switch o.Status {
			case StatusWillExpire:
				o.NotAfter = now.Add(20 * 24 * time.Hour)
			case StatusExpired:
				o.NotAfter = now.Add(-24 * time.Hour)
			default:
				o.NotAfter = now.Add(365 * 24 * time.Hour)
			}
		}
		if o.Type == TypeCertificate {
			got := certStatus(o.NotAfter, now)
			if o.Status != "" && o.Status != got {
				return o, fmt.Errorf("order Status %q contradicts NotAfter %s (%s at %s)", o.Status, o.NotAfter.Format(time.RFC3339), got, now.Format(time.RFC3339))
			}
			o.Status = got
		}
		if o.NotBefore.IsZero() {
			o.NotBefore = o.NotAfter.Add(-365 * 24 * time.Hour)
		}
	}
	if o.ProductCode == "" {
		o.ProductCode = defaultProductCode
	}
	switch o.OrderType {
	case "":
		o.OrderType = OrderTypePackage
	case OrderTypePackage, OrderTypeBuy:
	default:
		return o, fmt.Errorf("unknown OrderType %q", o.OrderType)
	}
	if o.BuyDate.IsZero() {
		o.BuyDate = now
	}
	o.Tags = slices.Clone(o.Tags)
	o.Sans = slices.Clone(o.Sans)
	return o, nil
}

// stateOf is the normalized view of an order as current returns it
// ([Server.State]): payed is provider.StatePendingApplication, or
// provider.StateCancelled when reached through CancelOrderRequest;
// domain_verify and process are provider.StateUnderReview; verify_fail
// provider.StateReviewFailed; ISSUED, WILLEXPIRED, EXPIRED and REVOKED are
// provider.StateIssued, StateExpiring, StateExpired and StateRevoked;
// anything else (unknow, NOTACTIVATED) provider.StateUnknown. Alibaba has
// no Cancelling, Revoking or Hosted states.
func stateOf(o Order) provider.State {
	switch o.Type {
	case TypePayed:
		if o.Cancelled {
			return provider.StateCancelled
		}
		return provider.StatePendingApplication
	case TypeDomainVerify, TypeProcess:
		return provider.StateUnderReview
	case TypeVerifyFail:
		return provider.StateReviewFailed
	case TypeCertificate:
		switch o.Status {
		case StatusIssued:
			return provider.StateIssued
		case StatusWillExpire:
			return provider.StateExpiring
		case StatusExpired:
			return provider.StateExpired
		}
	}
	if o.Status == StatusRevoked {
		return provider.StateRevoked
	}
	return provider.StateUnknown
}
