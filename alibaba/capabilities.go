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
			Note: "CancelOrderRequest: withdraws an application in domain_verify or process; " +
				"the order returns to payed synchronously and may then be deleted",
		},
		Revoke: provider.OpCapability{
			Supported: true,
			From:      []provider.State{provider.StateIssued, provider.StateExpiring},
			Lands:     provider.StateRevoked,
			Settles:   provider.StateRevoked,
			// No ReportedAs: the revocation is sent only for Type
			// certificate, so a cancelled pending order never results.
			Note: "CancelCertificateForPackageRequest: sent only after DescribeCertificateState answers Type " +
				"certificate (one extra read), because on a pending (payed) order it cancels the order and " +
				"returns its quota instead of revoking; any other Type is refused with invalid_state before " +
				"it is sent; the quota comes back only within 30 days of issuance; Alibaba takes no reason",
		},
		Delete: provider.OpCapability{
			Supported: true,
			From:      []provider.State{provider.StateReviewFailed, provider.StateCancelled},
			Lands:     provider.StateUnknown,
			Settles:   provider.StateUnknown,
			Note: "DeleteCertificateRequest: removes an order whose review failed (verify_fail) or that " +
				"was cancelled back to payed; Status reports both fresh and cancelled orders as payed " +
				"(pending application), so for a payed order the cloud decides and refuses a fresh one " +
				"with OrderStateError",
		},
		Renew: provider.OpCapability{
			Supported: true,
			From:      []provider.State{provider.StateExpiring},
			Lands:     provider.StatePendingApplication,
			Settles:   provider.StatePendingApplication,
			Note: "RenewCertificateOrderForPackageRequest: creates a new order in payed from one in its " +
				"renewal window and uses package quota; the old order is unchanged; never retried, " +
				"since every success creates an order",
		},
	}
}

// Documented request quotas per second, per API, region and parent
// account (fidelity review A17), checked against the pages: the CAS
// 2020-04-07 quota page (alibabacloud.com/help/.../api-cas-2020-04-07-quota)
// gives DescribeCertificateState, DeleteCertificateRequest and
// RenewCertificateOrderForPackageRequest 10/1(s); the action pages give
// CancelOrderRequest 100, CancelCertificateForPackageRequest 10 and
// ListUserCertificateOrder 10 a second per user. Origins sharing an
// account share them. alibabatest.WithDocumentedQPS enforces the same
// table.
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
