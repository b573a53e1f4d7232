package huawei

import (
	"strings"
	"time"

	"github.com/certbroker/certbroker/provider"
)

// ExpiringWindow is how close to expiry an issued certificate must be for
// Huawei to let it be renewed (user guide: within 30 calendar days before
// expiry). The adapter reports such certificates as StateExpiring.
const ExpiringWindow = 30 * 24 * time.Hour

// Native SCM statuses, as the v2 and v3 references spell them (including
// the v3 misspelling CANCLEREVOKING).
const (
	nativePaid                = "PAID"
	nativeChecking            = "CHECKING"
	nativeCheckingDomain      = "CHECKING_DOMAIN"
	nativeCheckingOrg         = "CHECKING_ORG"
	nativeIssuing             = "ISSUING"
	nativeCancelChecking      = "CANCELCHECKING"
	nativeUnpassed            = "UNPASSED"
	nativeIssued              = "ISSUED"
	nativeExpired             = "EXPIRED"
	nativeRevoking            = "REVOKING"
	nativeCancelRevoking      = "CANCLEREVOKING"
	nativeRevoked             = "REVOKED"
	nativeUpload              = "UPLOAD"
	nativeSupplementChecking  = "SUPPLEMENTCHECKING"
	nativeCancelSupplementing = "CANCELSUPPLEMENTING"
)

// nativeState maps every documented status to a normalized state; ok is
// false for anything else. ISSUED becomes StateExpiring by expiry (see
// stateOf).
func nativeState(native string) (s provider.State, ok bool) {
	switch native {
	case nativePaid:
		return provider.StatePendingApplication, true
	case nativeChecking, nativeCheckingDomain, nativeCheckingOrg, nativeIssuing, nativeSupplementChecking:
		return provider.StateUnderReview, true
	case nativeCancelChecking, nativeCancelSupplementing:
		return provider.StateCancelling, true
	case nativeUnpassed:
		return provider.StateReviewFailed, true
	case nativeIssued:
		return provider.StateIssued, true
	case nativeExpired:
		return provider.StateExpired, true
	case nativeRevoking:
		return provider.StateRevoking, true
	case nativeCancelRevoking:
		// A revocation being withdrawn: neither revoking (which would
		// count as proof of an applied Revoke) nor issued. Unknown proves
		// nothing either way; NativeState says which it is.
		return provider.StateUnknown, true
	case nativeRevoked:
		return provider.StateRevoked, true
	case nativeUpload:
		return provider.StateHosted, true
	}
	return provider.StateUnknown, false
}

// normalizeNative trims the spaces the reference's samples pad statuses
// with and upper-cases the rest.
func normalizeNative(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// stateOf maps a native status; notAfter (zero when unknown) and now turn
// ISSUED into StateExpiring when the certificate expires within
// ExpiringWindow (or already has, while SCM still says ISSUED).
func stateOf(native string, notAfter, now time.Time) provider.State {
	s, ok := nativeState(normalizeNative(native))
	if !ok {
		return provider.StateUnknown
	}
	if s == provider.StateIssued && !notAfter.IsZero() && notAfter.Sub(now) <= ExpiringWindow {
		return provider.StateExpiring
	}
	return s
}
