package alibaba

import (
	"context"
	"strings"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/cas"
	"github.com/certbroker/certbroker/provider"
)

// Status falls back on ListUserCertificateOrder when DescribeCertificateState
// answers unknow (as it does for a revoked order) or a Type this adapter
// does not know. This is the one place the fallback is explained.
//
// It uses documented filters only (help.aliyun.com/document_detail/455804):
// Status REVOKED, OrderType CPACK (orders from a resource plan) and then
// BUY, CurrentPage and ShowSize, and Keyword as documented, a fuzzy match on
// the domain: the Domain DescribeCertificateState named, if any; the order
// ID is never sent as Keyword. Only the row whose OrderId is exactly the ID
// counts, and up to maxListPages pages of listShowSize rows are read per
// order type, newest first. A row proves the order is revoked (Result
// then carries the row's Status, CertEndTime and the list call's request
// ID); no row proves nothing, and Status stays StateUnknown with the Type
// as NativeState. Each request is paced as ListUserCertificateOrder.
const (
	listAction    = "ListUserCertificateOrder"
	listShowSize  = 50 // the documented default page size
	maxListPages  = 4  // per order type
	listStatusArg = statusRevoked
)

// listOrderTypes are the OrderType values that list orders (CERT and
// UPLOAD list certificates), in the order they are searched.
var listOrderTypes = []string{"CPACK", "BUY"}

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

// listStatus looks order n (id is its text form, domain its domain if
// known) up among the revoked orders of ListUserCertificateOrder. It returns nil without error when no
// row has that OrderId within the pages it reads: at most
// maxListPages*len(listOrderTypes) requests, each paced as
// ListUserCertificateOrder by invoke. Its errors are classified as Status
// errors.
func (a *Adapter) listStatus(ctx context.Context, id string, n int64, domain string) (*listedOrder, error) {
	for _, orderType := range listOrderTypes {
		seen := 0
		for page := 1; page <= maxListPages; page++ {
			req := cas.CreateListUserCertificateOrderRequest()
			req.Status = listStatusArg
			req.Keyword = domain // empty: not sent
			req.OrderType = orderType
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

// listKeyword is the Keyword for the fallback: the domain
// DescribeCertificateState named, if it is one (Keyword is documented as
// a fuzzy match on the domain or the resource ID). Anything else, the
// order's own ID included, gives "" (no Keyword).
func listKeyword(domain, id string) string {
	domain = strings.TrimSpace(domain)
	if domain == "" || domain == id || len(domain) > 253 ||
		strings.ContainsFunc(domain, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return ""
	}
	return domain
}
