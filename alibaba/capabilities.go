package alibaba

import "github.com/certbroker/certbroker/provider"

// Capabilities describes what Alibaba CAS allows; see the package doc for
// the native states behind each normalized one. It makes no call.
func (a *Adapter) Capabilities() provider.Capabilities {
	return provider.Capabilities{
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
			Note: "CancelCertificateForPackageRequest: revokes the certificate and cancels its order " +
				"(Type certificate); the quota is returned only within 30 days of issuance; " +
				"Alibaba takes no reason, so the reason is ignored",
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

// Documented or chosen request rates per account, per second. Alibaba
// documents 100/s for CancelOrderRequest and 10/s for
// CancelCertificateForPackageRequest and for ListUserCertificateOrder,
// which Status also calls when DescribeCertificateState answers unknow
// (a revoked order) or an unrecognised Type. No quota is documented for
// DeleteCertificateRequest, RenewCertificateOrderForPackageRequest or
// DescribeCertificateState; the adapter suggests a conservative 10/s for
// them, which for Status also keeps within the list quota when every
// order needs the fallback. The quotas are per account: origins sharing
// an account share them.
const (
	rateCancelOrder       = 100
	rateCancelCertificate = 10
	rateUndocumented      = 10
)

// SuggestedRate implements [provider.RateAdvisor] with the rates above and
// a burst of a tenth of a second's worth (at least 1).
func (a *Adapter) SuggestedRate(op provider.Op) (perSecond float64, burst int) {
	switch op {
	case provider.OpCancel:
		return rateCancelOrder, rateCancelOrder / 10
	case provider.OpRevoke:
		return rateCancelCertificate, 1
	case provider.OpDelete, provider.OpRenew, provider.OpStatus:
		return rateUndocumented, 1
	}
	return 0, 0
}
