package alibaba

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/cas"
	"github.com/certbroker/certbroker/provider"
)

var _ provider.Lister = (*Adapter)(nil)

// List lists the certificate orders of the account with
// ListUserCertificateOrder (help.aliyun.com/document_detail/455804), one
// page per call: the orders of OrderType CPACK (from resource plans)
// first, then those of OrderType BUY (bought one by one). OrderType CERT
// and UPLOAD list certificates, not orders, and are not read; instances
// of the CAS instance model are not orders either and are not listed
// [unverified: the page does not say whether their orders appear under
// CPACK].
//
// Only documented parameters are sent: OrderType, CurrentPage, ShowSize,
// Status when req.States maps to exactly one documented Status (see
// listStatusFor), and Keyword, documented as a fuzzy match on the domain,
// set to req.Domain. Every entry is then filtered again exactly on the
// client side with [provider.ListRequest.Keeps]: the states with no
// documented Status (cancelled, which lists as PAYED; unknown), several
// states at once, ExpiringWithin (no documented filter) and the exact
// domain match. Keyword may or may not search the SANs [unverified]; an
// order whose only matching name is a SAN the cloud does not search is
// not listed.
//
// Entries carry OrderId as ID, Status as NativeState and its mapping as
// State (mapListStatus, the mapping Status's fallback uses), Domain and
// then the names of Sans as Domains, CertEndTime as NotAfter, and
// CertType (else ProductName) as Type.
//
// The page size is req.PageSize, or listShowSize, capped at
// maxListShowSize [unverified: the page documents the default of 50, not
// the cap]. A page may hold fewer entries than asked, even none, because
// of the client-side filters and the switch from CPACK to BUY.
//
// # Paging under changes
//
// The API pages by offset. The adapter assumes, as the emulator does, that
// rows come newest (highest OrderId) first and that new orders get higher
// IDs [unverified: the page documents neither]. The opaque page token
// holds the order type, the next CurrentPage, the last OrderId listed (a
// cursor) and the TotalCount seen. On the next page, rows whose OrderId is
// not below the cursor are dropped: an order is never listed twice in one
// listing, even when creations shift rows forward. When TotalCount has
// fallen by d since the previous page, rows may have shifted back by up to
// d: the adapter then re-reads from the page holding the offset d rows
// earlier and drops what the cursor already covers, so that an order
// present throughout is not skipped when orders before it are deleted.
// That costs one more request. What it cannot see is a shift hidden by a
// count that did not fall: an order moving out of a Status filter before
// the offset while another moves into it after the offset may make one
// order present throughout be skipped. Without a Status filter sent to the
// cloud, only deletes and creations move rows, and the guarantee of
// [provider.Lister] holds under the assumptions above.
//
// Each request is paced as ListUserCertificateOrder and goes through the
// pooled clients like every other call. req is validated first, with
// [provider.ListRequest.Validate] and a check that the page token was
// issued by this adapter for the same filters.
func (a *Adapter) List(ctx context.Context, req provider.ListRequest) (*provider.ListPage, error) {
	if err := req.Validate(); err != nil {
		var perr *provider.Error
		if errors.As(err, &perr) {
			return nil, a.kit.Stamp(perr, provider.OpList, "")
		}
		return nil, err
	}
	size := req.PageSize
	if size == 0 {
		size = listShowSize
	}
	size = min(size, maxListShowSize)
	tok := listToken{Page: 1, Size: size, Filter: filterHash(req)}
	if req.PageToken != "" {
		t, err := decodeListToken(req.PageToken)
		if err != nil || t.Filter != tok.Filter || t.Type < 0 || t.Type >= len(listOrderTypes) ||
			t.Page < 1 || t.Size < 1 || t.Size > maxListShowSize || t.Cursor < 0 || t.Total < 0 {
			return nil, a.listInvalid("page token %q was not issued by this adapter for these filters", truncateToken(req.PageToken))
		}
		tok = t
	}
	status := listStatusFor(req.States)
	keyword := strings.ToLower(strings.TrimSuffix(req.Domain, "."))
	now := a.now()
	page := &provider.ListPage{}
	rows, total, requestID, err := a.listRows(ctx, listOrderTypes[tok.Type], status, keyword, tok.Page, tok.Size)
	if err != nil {
		return nil, err
	}
	if req.PageToken != "" && total < tok.Total && tok.Page > 1 {
		// Rows before the offset were removed: step back by the fall in
		// the count and read again; the cursor drops what was listed.
		back := (tok.Page-1)*tok.Size - (tok.Total - total)
		tok.Page = max(back, 0)/tok.Size + 1
		rows, total, requestID, err = a.listRows(ctx, listOrderTypes[tok.Type], status, keyword, tok.Page, tok.Size)
		if err != nil {
			return nil, err
		}
	}
	page.RequestID = requestID
	for _, row := range rows {
		if tok.Cursor != 0 && row.OrderId >= tok.Cursor {
			continue // listed already, or created during the listing
		}
		tok.Cursor = row.OrderId
		if e := listEntry(row); req.Keeps(e, now) {
			page.Entries = append(page.Entries, e)
		}
	}
	tok.Total = total
	switch {
	case len(rows) == tok.Size && tok.Page*tok.Size < total:
		tok.Page++
	case tok.Type+1 < len(listOrderTypes):
		tok = listToken{Type: tok.Type + 1, Page: 1, Size: tok.Size, Filter: tok.Filter}
	default:
		return page, nil
	}
	page.Next = tok.encode()
	return page, nil
}

// listRows reads one page of ListUserCertificateOrder.
func (a *Adapter) listRows(ctx context.Context, orderType, status, keyword string, page, size int) (
	[]cas.CertificateOrderListItem, int, string, error) {
	req := cas.CreateListUserCertificateOrderRequest()
	req.OrderType = orderType
	req.Status = status   // empty: not sent
	req.Keyword = keyword // empty: not sent
	req.CurrentPage = requests.NewInteger(page)
	req.ShowSize = requests.NewInteger(size)
	resp := cas.CreateListUserCertificateOrderResponse()
	if err := a.invoke(ctx, provider.OpList, "", false, req, resp); err != nil {
		return nil, 0, "", err
	}
	return resp.CertificateOrderList, int(resp.TotalCount), resp.RequestId, nil
}

// maxListShowSize is the largest ShowSize List sends [unverified].
const maxListShowSize = 100

// listEntry turns a list row into an entry.
func listEntry(row cas.CertificateOrderListItem) provider.ListEntry {
	e := provider.ListEntry{
		ID:          formatOrderID(row.OrderId),
		State:       mapListStatus(row.Status),
		NativeState: row.Status,
		Type:        row.CertType,
	}
	if e.Type == "" {
		e.Type = row.ProductName
	}
	for _, d := range append([]string{row.Domain}, strings.Split(row.Sans, ",")...) {
		if d = strings.TrimSpace(d); d != "" && !slices.Contains(e.Domains, d) {
			e.Domains = append(e.Domains, d)
		}
	}
	if row.CertEndTime > 0 {
		e.NotAfter = time.UnixMilli(row.CertEndTime).UTC()
	}
	if row.BuyDate > 0 {
		e.Created = time.UnixMilli(row.BuyDate).UTC()
	}
	return e
}

// listStatusFor is the documented Status to send for a state filter: the
// one Status of the one state asked, or "" (filter on the client side).
// Cancelled orders list as PAYED and unknown ones under NOTACTIVATED or
// undocumented values, so neither has a Status of its own.
func listStatusFor(states []provider.State) string {
	var status string
	for _, st := range states {
		s, ok := nativeListStatus[st]
		if !ok || (status != "" && s != status) {
			return ""
		}
		status = s
	}
	return status
}

// nativeListStatus is the inverse of mapListStatus, for the states one
// documented Status stands for.
var nativeListStatus = map[provider.State]string{
	provider.StatePendingApplication: statusPayed,
	provider.StateUnderReview:        statusChecking,
	provider.StateReviewFailed:       statusCheckedFail,
	provider.StateIssued:             statusIssued,
	provider.StateExpiring:           statusWillExpire,
	provider.StateExpired:            statusExpired,
	provider.StateRevoked:            statusRevoked,
}

// listToken is the state of a listing between pages, opaque to callers.
type listToken struct {
	Type   int    `json:"t"` // index in listOrderTypes
	Page   int    `json:"p"` // next CurrentPage
	Size   int    `json:"s"` // ShowSize
	Cursor int64  `json:"c"` // last OrderId read of this order type, 0 for none
	Total  int    `json:"n"` // TotalCount of the last page read
	Filter uint64 `json:"f"` // filterHash of the request
}

func (t listToken) encode() string {
	b, _ := json.Marshal(t) // cannot fail: plain fields
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeListToken(s string) (listToken, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return listToken{}, err
	}
	var t listToken
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return listToken{}, err
	}
	return t, nil
}

// filterHash ties a token to the filters it was issued for.
func filterHash(req provider.ListRequest) uint64 {
	h := fnv.New64a()
	states := slices.Clone(req.States)
	slices.Sort(states)
	fmt.Fprintf(h, "%v|%d|%s", states, req.ExpiringWithin, strings.ToLower(strings.TrimSuffix(req.Domain, ".")))
	return h.Sum64()
}

func (a *Adapter) listInvalid(format string, args ...any) error {
	return a.kit.Fail(provider.KindInvalidArgument, provider.OpList, "", fmt.Sprintf(format, args...))
}

func truncateToken(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
