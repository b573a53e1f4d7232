package alibaba

import (
	"context"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/cas"
	"github.com/certbroker/certbroker/provider"
)

// Status falls back on ListUserCertificateOrder when DescribeCertificateState
// answers unknow (which it does, at least in the emulator, for a revoked
// order) or a Type this adapter does not know.
//
// The list is read with OrderType CPACK, the documented default: "resource
// virtual orders", the orders created from a certificate resource plan,
// which are the ones the adapter's *ForPackage operations act on (the
// emulator lists seeded and renewed orders there too). BUY orders ("sales
// orders", which the documentation says can mostly be ignored) are not
// searched, so an unrecognised Type on one of them stays unknown.
//
// Keyword is the order ID. The documentation says Keyword is a fuzzy
// match on the domain or the resource ID; that it finds an order by its
// OrderId is [unverified] (the emulator matches the order ID exactly), and
// a fuzzy match may return other orders, so only the row whose OrderId is
// the ID counts, and up to maxListPages pages are read to find it.
const (
	listAction    = "ListUserCertificateOrder"
	listOrderType = "CPACK"
	listShowSize  = 50 // the documented default page size
	maxListPages  = 4
)

// The documented values of ListUserCertificateOrder's Status.
const (
	statusPayed        = "PAYED"
	statusChecking     = "CHECKING"
	statusCheckedFail  = "CHECKED_FAIL"
	statusIssued       = "ISSUED"
	statusWillExpire   = "WILLEXPIRED"
	statusExpired      = "EXPIRED"
	statusNotActivated = "NOTACTIVATED"
	statusRevoked      = "REVOKED"
)

// listedOrder is what the fallback learnt about an order from its list
// row.
type listedOrder struct {
	status    string
	notAfter  time.Time
	requestID string
}

// listStatus looks order n (id is its text form) up with
// ListUserCertificateOrder. It returns nil without error when no row has
// that OrderId. Its errors are classified as Status errors: every request
// goes through invoke with provider.OpStatus, on a pooled client, under
// ctx.
func (a *Adapter) listStatus(ctx context.Context, id string, n int64) (*listedOrder, error) {
	seen := 0
	for page := 1; page <= maxListPages; page++ {
		req := cas.CreateListUserCertificateOrderRequest()
		req.Keyword = id
		req.OrderType = listOrderType
		req.CurrentPage = requests.NewInteger(page)
		req.ShowSize = requests.NewInteger(listShowSize)
		resp := cas.CreateListUserCertificateOrderResponse()
		if err := a.invoke(ctx, provider.OpStatus, id, false, req, resp); err != nil {
			return nil, err
		}
		for _, row := range resp.CertificateOrderList {
			if row.OrderId != n {
				continue
			}
			o := &listedOrder{status: row.Status, requestID: resp.RequestId}
			if row.CertEndTime > 0 {
				o.notAfter = time.UnixMilli(row.CertEndTime).UTC()
			}
			return o, nil
		}
		seen += len(resp.CertificateOrderList)
		if len(resp.CertificateOrderList) == 0 || int64(seen) >= resp.TotalCount {
			break
		}
	}
	return nil, nil
}

// mapListStatus maps a ListUserCertificateOrder Status to a normalized
// state. NOTACTIVATED ("not activated") is undocumented beyond its name
// and DescribeCertificateState does not know it either, so it stays
// StateUnknown, from which no operation is offered; so does any value
// not listed in the documentation.
func mapListStatus(status string) provider.State {
	switch status {
	case statusPayed:
		return provider.StatePendingApplication
	case statusChecking:
		return provider.StateUnderReview
	case statusCheckedFail:
		return provider.StateReviewFailed
	case statusIssued:
		return provider.StateIssued
	case statusWillExpire:
		return provider.StateExpiring
	case statusExpired:
		return provider.StateExpired
	case statusRevoked:
		return provider.StateRevoked
	case statusNotActivated:
		return provider.StateUnknown
	}
	return provider.StateUnknown
}
