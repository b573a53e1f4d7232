package alibaba

import "github.com/certbroker/certbroker/provider"

// Capabilities describes what Alibaba CAS allows; see the package doc for
// the native states behind each normalized one. It makes no call.
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
			Note:       "CancelOrderRequest: withdraws an application in domain_verify or process; the order returns to payed at once and may then be deleted.",
		},
		Revoke: provider.OpCapability{
			Supported: true,
			From:      []provider.State{provider.StateIssued, provider.StateExpiring},
			Lands:     provider.StateRevoked,
			Settles:   provider.StateRevoked,
			// No ReportedAs: the revocation is sent only for Type
			// certificate, so a cancelled pending order never results.
			Note: "CancelCertificateForPackageRequest: sent only after DescribeCertificateState reads Type certificate, " +
				"since on a pending order it cancels instead of revoking. Quota returns only within 30 days of issuance; no reason is taken.",
		},
		Delete: provider.OpCapability{
			Supported: true,
			From:      []provider.State{provider.StateReviewFailed, provider.StateCancelled},
			Lands:     provider.StateUnknown,
			Settles:   provider.StateUnknown,
			Note: "DeleteCertificateRequest: removes an order whose review failed or that was cancelled back to payed. " +
				"Status reads fresh and cancelled orders alike as payed, so for those the cloud decides.",
		},
		Renew: provider.OpCapability{
			Supported: true,
			From:      []provider.State{provider.StateExpiring},
			Lands:     provider.StatePendingApplication,
			Settles:   provider.StatePendingApplication,
			Note: "RenewCertificateOrderForPackageRequest: creates a new payed order from one in its renewal window, " +
				"using package quota. Never retried, since every success creates an order.",
		},
	}
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
