package huawei

import "github.com/certbroker/certbroker/provider"

// Notes shown in Capabilities.
const (
	noteCancel = "POST /v2/{project_id}/scm/cert/{cert_id}/cancel-cert: asynchronous (CANCELCHECKING, then PAID, " +
		"read as pending_application), accepted while validation or an added-domain review is pending. " +
		"It can fail late and end ISSUED, so pending_application, issued and expiring prove nothing after it."
	noteRevoke = "POST /v2/{project_id}/scm/cert/{cert_id}/revoke with a reason of 0-63 characters: asynchronous " +
		"(REVOKING, then REVOKED). Refused within a month of expiry and for uploaded certificates."
	noteDelete = "DELETE /v3/scm/certificates/{certificate_id}: paid certificates when ISSUED, REVOKED or EXPIRED, " +
		"uploaded ones, and a free certificate pending application too. It does not revoke an issued certificate."
	noteRenewOff = "Huawei SCM has no renewal API: renewing is a billed purchase of the identical spec. " +
		"Disabled; set Config.RenewByPurchase to enable it."
	noteRenewOn = "POST /v3/scm/certificates/buy (billed): buys the identical spec for a paid, single-year ISSUED " +
		"certificate within 30 days of expiry; no CSR, and an unpaid order is reported with NewID and State unknown. " +
		"Auto-renew must be off, which the API cannot show."
)

// capabilities describes the adapter. Delete follows the SCM user guide,
// per source: paid ISSUED, REVOKED, EXPIRED; free PAID, REVOKED, EXPIRED;
// UPLOAD. UNPASSED is refused with SCM.0010.
func capabilities(renew bool) provider.Capabilities {
	c := provider.Capabilities{
		Paced: true,
		Cancel: provider.OpCapability{
			Supported: true,
			From:      []provider.State{provider.StateUnderReview},
			Lands:     provider.StateCancelling,
			Settles:   provider.StateCancelled,
			// SCM shows a cancelled certificate as PAID, like a fresh one.
			// A withdrawal can fail late and end ISSUED (the CA had
			// already approved), and one from
			// SUPPLEMENTCHECKING settles back to ISSUED, so issued (and
			// expiring, near the end of validity) prove nothing either:
			// no documented field tells those apart from a certificate
			// nobody tried to cancel.
			ReportedAs: []provider.State{provider.StatePendingApplication, provider.StateIssued, provider.StateExpiring},
			Note:       noteCancel,
		},
		Revoke: provider.OpCapability{
			Supported: true,
			// Not expiring: SCM refuses revocation in the renewal
			// period.
			From:    []provider.State{provider.StateIssued},
			Lands:   provider.StateRevoking,
			Settles: provider.StateRevoked,
			Note:    noteRevoke,
		},
		Delete: provider.OpCapability{
			Supported: true,
			// By normalized state, for paid certificates; a free one is
			// also deletable while pending application, and not while
			// issued (see noteDelete). pending_application is left out
			// so that nothing claims a paid PAID certificate deletable.
			From: []provider.State{
				provider.StateIssued, provider.StateExpiring,
				provider.StateRevoked, provider.StateExpired, provider.StateHosted,
			},
			Lands:   provider.StateUnknown,
			Settles: provider.StateUnknown,
			Note:    noteDelete,
		},
		Renew: provider.OpCapability{
			Supported: false,
			Billable:  true,
			Note:      noteRenewOff,
		},
	}
	if renew {
		c.Renew = provider.OpCapability{
			Supported: true,
			From:      []provider.State{provider.StateExpiring},
			Lands:     provider.StatePendingApplication,
			Settles:   provider.StatePendingApplication,
			Billable:  true,
			Note:      noteRenewOn,
		}
	}
	return c
}

// Capabilities implements provider.Provider. It returns a fresh copy, so
// callers cannot change what the adapter reports.
func (a *Adapter) Capabilities() provider.Capabilities {
	return capabilities(a.renew)
}

// SuggestedRate implements provider.RateAdvisor. SCM publishes no quota
// of its own; the API gateway's documented default is 200 requests per
// second per API (API gateway error codes, APIGW.0308). The adapter advises a tenth of that, 20/s with a burst of 10, for
// every API (the list, "list-certificates", and FindRenewal's search by
// tag, "list-certificates-by-tag", included: one request per 50 rows),
// and 1/s for the purchase that Renew makes, which is billed.
func (a *Adapter) SuggestedRate(api string) (perSecond float64, burst int) {
	if api == apiPurchase {
		return 1, 1
	}
	return 20, 10
}
