package huawei

import "github.com/certbroker/certbroker/provider"

// Notes shown in Capabilities.
const (
	noteCancel = "POST /v2/{project_id}/scm/cert/{cert_id}/cancel-cert: asynchronous; the certificate shows " +
		"CANCELCHECKING until the CA accepts, then PAID (which Status reports as pending_application: SCM does not " +
		"tell a cancelled order from a fresh one). It can fail late: if the CA had already approved, it ends ISSUED. " +
		"From SUPPLEMENTCHECKING it withdraws only the extra domains and settles back to ISSUED. Documented " +
		"prerequisites: pending domain or organisation validation, or CA review of added domains; not ISSUING " +
		"(about to issue), which Status also reports as under_review and which SCM is expected to refuse " +
		"(invalid_state) [unverified]. pending_application, issued and expiring after a cancel prove nothing."
	noteRevoke = "POST /v2/{project_id}/scm/cert/{cert_id}/revoke with the reason (0-63 characters): asynchronous " +
		"(REVOKING, then REVOKED); OV/EV revocations also need the contact's e-mail confirmation. Refused (SCM.0010) " +
		"within one month before expiry (the renewal period, reported as expiring) and for uploaded certificates."
	noteDelete = "DELETE /v3/scm/certificates/{certificate_id}: the user guide allows paid certificates that are " +
		"ISSUED, REVOKED or EXPIRED, free (DigiCert DV Basic single-domain) certificates that are PAID, REVOKED or " +
		"EXPIRED, and uploaded ones. From lists what holds for paid certificates; in addition a free certificate " +
		"pending application (PAID) can be deleted, which From cannot say without claiming every PAID certificate " +
		"is deletable: a paid one is refused (invalid_state), and so is a free one that is issued or expiring. " +
		"Status's type field (DV_SSL_CERT_BASIC, SINGLE_DOMAIN) tells free from paid. Deleting an issued " +
		"certificate does not revoke it."
	noteRenewOff = "Huawei SCM has no renewal API: renewing is buying a new certificate with the identical spec, " +
		"which is billed. Disabled; set Config.RenewByPurchase to enable it."
	noteRenewOn = "Renewal by purchase (billed): POST /v3/scm/certificates/buy with the identical spec (brand, type, " +
		"domain type, domain count; one year; one certificate), is_auto_pay and the request's tags, for an ISSUED " +
		"certificate within 30 days of expiry that is not the free DigiCert DV (Basic) single-domain one and not " +
		"multi-year (those apply for their next certificate themselves). Auto-renew must be off: the API does not " +
		"show it, so the adapter cannot check it, and with it on a renewal buys a second certificate. No CSR. The " +
		"new certificate starts PAID: its application still has to be completed. If the order is left unpaid, the " +
		"result has NewID, State unknown and NativeState the new certificate's status (e.g. UNPAID; empty when the " +
		"payment could not be confirmed): pay it in the console, and do not renew again. The console's bonus days for renewing through its renewal entry point are not granted."
)

// capabilities describes the adapter. Delete follows the SCM user guide
// (删除SSL证书; fidelity H11), per source: paid ISSUED, REVOKED, EXPIRED;
// free PAID, REVOKED, EXPIRED; UPLOAD. UNPASSED, once suggested by the issue
// that asked for this adapter, is refused with SCM.0010.
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
			// already approved; fidelity H12), and one from
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
			// period (fidelity H2).
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
// second per API (API gateway error codes, APIGW.0308; fidelity review
// H15). The adapter advises a tenth of that, 20/s with a burst of 10, for
// every API, and 1/s for the purchase that Renew makes, which is billed.
func (a *Adapter) SuggestedRate(api string) (float64, int) {
	if api == apiPurchase {
		return 1, 1
	}
	return 20, 10
}
