package alibaba

import "github.com/certbroker/certbroker/provider"

// Capabilities describes what Alibaba CAS allows; see the package doc for
// the native states behind each normalized one. It makes no call.
//
// One adapter serves two models (order IDs and instance IDs, see
// [Adapter.CheckID]); [Adapter.CapabilitiesFor] tells them apart. Cancel,
// Revoke and Delete's From, Lands and Settles hold for both: the instance
// actions were mapped so that, over the states an instance can be in,
// they accept and leave exactly what the order actions do. Renew, which
// the instance model lacks, is unsupported for instance IDs. So [provider.Capabilities.Evidence] reads alike for both: a
// withdrawn instance reads inactive like a fresh one, as a cancelled order
// reads payed, and Cancel lists pending application in ReportedAs for
// both; revoked is left only by a revocation in either model.
func (a *Adapter) Capabilities() provider.Capabilities {
	return provider.Capabilities{
		Paced: true,
		Cancel: provider.OpCapability{
			Supported: true,
			From:      []provider.State{provider.StateUnderReview},
			Lands:     provider.StateCancelled,
			Settles:   provider.StateCancelled,
			// DescribeCertificateState reports a cancelled order as payed,
			// exactly like a fresh one.
			ReportedAs: []provider.State{provider.StatePendingApplication},
			Note: "Order IDs: CancelOrderRequest withdraws an application in domain_verify or process; the order returns to payed at once and may then be deleted. " +
				"Instance IDs: CancelPendingCertificate withdraws an application under review (Status pending); the instance returns to inactive, " +
				"which Status reads as pending application, exactly like a fresh one (hence ReportedAs).",
		},
		Revoke: provider.OpCapability{
			Supported: true,
			From:      []provider.State{provider.StateIssued, provider.StateExpiring},
			Lands:     provider.StateRevoked,
			Settles:   provider.StateRevoked,
			// No ReportedAs: the revocation is sent only for Type
			// certificate, so a cancelled pending order never results.
			Note: "Order IDs: CancelCertificateForPackageRequest, sent only after DescribeCertificateState reads Type certificate, " +
				"since on a pending order it cancels instead of revoking. Quota returns only within 30 days of issuance. " +
				"Instance IDs: RevokeCertificate (certificate status issued or willExpire; the cloud refuses the rest); " +
				"CertificateStatus revoked is left by nothing else. Neither takes a reason.",
		},
		Delete: provider.OpCapability{
			Supported: true,
			From:      []provider.State{provider.StateReviewFailed, provider.StateCancelled},
			Lands:     provider.StateUnknown,
			Settles:   provider.StateUnknown,
			Note: "Order IDs: DeleteCertificateRequest removes an order whose review failed or that was cancelled back to payed. " +
				"Instance IDs: DeleteInstance; its page names no states, and the adapter expects [unverified] it to remove a withdrawn " +
				"application (and refund or closed instances) and to refuse an instance holding a certificate. " +
				"Status reads fresh and cancelled orders (payed) and instances (inactive) alike, so for those the cloud decides.",
		},
		Renew: provider.OpCapability{
			Supported: true,
			From:      []provider.State{provider.StateExpiring},
			Lands:     provider.StatePendingApplication,
			Settles:   provider.StatePendingApplication,
			Note: "Order IDs: RenewCertificateOrderForPackageRequest creates a new payed order from one in its renewal window, " +
				"using package quota. Never retried, since every success creates an order. " +
				"Instance IDs: see CapabilitiesFor (the instance model has no renewal action).",
		},
	}
}

// noteInstanceRenew says why an instance ID cannot be renewed.
const noteInstanceRenew = "the CAS instance model has no renewal action (buy a new certificate instance); " +
	"Renew of an instance ID is refused before anything is sent"

// CapabilitiesFor implements [provider.IDCapabilities]: an order number
// has the capabilities above; an instance ID the same, except Renew,
// which the instance model lacks and which is refused before sending.
func (a *Adapter) CapabilitiesFor(id string) provider.Capabilities {
	c := a.Capabilities()
	if isInstanceShaped(id) {
		c.Renew = provider.OpCapability{Note: noteInstanceRenew}
	}
	return c
}

// apiRates are the documented request quotas per second, per API, region
// and parent account (the CAS 2020-04-07 quota page and the action
// pages). Origins sharing an account share them.
var apiRates = map[string]float64{
	"CancelOrderRequest":                     100,
	"CancelCertificateForPackageRequest":     10,
	"DescribeCertificateState":               10,
	"DeleteCertificateRequest":               10,
	"RenewCertificateOrderForPackageRequest": 10,
	listAction:                               10,
	// Instance model: GetInstanceDetail's page states 10 per second
	// per user; the other instance actions' pages state no quota, so
	// they get none here (0: unknown) [unverified].
	actionInstanceDetail: 10,
}

// SuggestedRate implements [provider.RateAdvisor] per CAS action, with
// the documented quotas above and a burst of a tenth of a second's worth
// (at least 1). An action without a documented quota gets 0 (unknown).
func (a *Adapter) SuggestedRate(api string) (perSecond float64, burst int) {
	r, ok := apiRates[api]
	if !ok {
		return 0, 0
	}
	return r, max(int(r/10), 1)
}
