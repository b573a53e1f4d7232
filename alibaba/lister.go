package alibaba

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/cas"
	"github.com/certbroker/certbroker/provider"
)

var _ provider.Lister = (*Adapter)(nil)

// List lists the certificates of the account, one page per call: the
// orders of ListUserCertificateOrder (help.aliyun.com/document_detail/455804),
// those of OrderType CPACK (from resource plans) first, then those of
// OrderType BUY (bought one by one), and then the instances of the CAS
// instance model, with ListInstances (lister_instances.go; page
// api-cas-2020-04-07-listinstances). OrderType CERT and UPLOAD list
// certificates, not orders, and are not read. Whether a purchase can show
// both as an order and as an instance is not documented [unverified]; if
// it does, it is listed under both IDs, each of which Status takes.
//
// For orders, only documented parameters are sent: OrderType,
// CurrentPage, ShowSize, Status when req.States maps to exactly one
// documented Status (see listStatusFor), and Keyword, documented as a
// fuzzy match on the domain, set to req.Domain. For instances: CurrentPage,
// ShowSize, Keyword, and Status or CertificateStatus where one value
// stands exactly for a one-state filter (instanceFilterFor). Every entry
// is then filtered again exactly on the client side with
// [provider.ListRequest.Keeps]: the states with no documented Status
// (cancelled, which lists as PAYED; unknown), several states at once,
// ExpiringWithin (no documented filter) and the exact domain match.
// Keyword may or may not search the SANs [unverified]; an order whose only
// matching name is a SAN the cloud does not search is not listed. A state
// filter no instance can be in (cancelled, review_failed) sends no
// ListInstances request.
//
// Order entries carry OrderId as ID, Status as NativeState and its
// mapping as State (mapListStatus, the mapping Status's fallback uses),
// Domain and then the names of Sans as Domains, CertEndTime as NotAfter,
// and CertType (else ProductName) as Type. Instance entries carry
// InstanceId as ID, and State, NativeState ("Status" or
// "Status/CertificateStatus") and NotAfter (CertificateNotAfter) exactly
// as Status maps GetInstanceDetail (mapInstance), Domain and then the
// names of CertificateDomain as Domains, CertificateType (else Brand) as
// Type and OrderStartTime as Created.
//
// The page size is req.PageSize, or listShowSize, capped at
// maxListShowSize (for orders [unverified: the page documents the default
// of 50, not the cap]; for instances the documented maximum). A page may
// hold fewer entries than asked, even none, because of the client-side
// filters and the switch from one phase to the next. A phase that ends
// on a page with no entry goes on to the next phase in the same call, so
// an empty inventory is one page of three requests; the orders' last page,
// when it has entries, also reads the first instances, as many as the
// page has room for (at least one, to learn whether there are any), so
// that a listing without instances does not end on an empty page.
//
// # Paging under changes
//
// The API pages by offset. The adapter assumes, as the emulator does, that
// rows come newest (highest OrderId) first and that new orders get higher
// IDs [unverified: the page documents neither]. The opaque page token
// (versioned: listTokenVersion) holds the phase, the next CurrentPage, the
// last OrderId listed (a cursor) and the TotalCount seen. On the next
// page, rows whose OrderId is not below the cursor are dropped: an order
// is never listed twice in one listing, even when creations shift rows
// forward. When TotalCount has fallen by d since the previous page, rows
// may have shifted back by up to d: the adapter then re-reads from the
// page holding the offset d rows earlier and drops what the cursor
// already covers, so that an order present throughout is not skipped when
// orders before it are deleted. That costs one more request. What it
// cannot see is a shift hidden by a count that did not fall: an order
// moving out of a Status filter before the offset while another moves
// into it after the offset may make one order present throughout be
// skipped. Without a Status filter sent to the cloud, only deletes and
// creations move rows, and the guarantee of [provider.Lister] holds under
// the assumptions above. Instance IDs are not ordered, so the instance
// phase keeps anchors (the last instances read) instead of a cursor;
// listInstancePage says how, and what it cannot promise.
//
// Each request is paced under its action's name (ListUserCertificateOrder
// or ListInstances) and goes through the pooled clients like every other
// call. req is validated first, with [provider.ListRequest.Validate] and
// a check that the page token was issued by this adapter, in this token
// version, for the same filters; a token with a byte edited, cut or
// extended fails its checksum and is refused before anything is sent.
func (a *Adapter) List(ctx context.Context, req provider.ListRequest) (*provider.ListPage, error) {
	return a.list(ctx, req, false)
}

// list is List; ordersOnly stops after the orders (CPACK, BUY), without
// the instance phase, and its tokens are not List's (filterHash).
func (a *Adapter) list(ctx context.Context, req provider.ListRequest, ordersOnly bool) (*provider.ListPage, error) {
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
	tok := listToken{V: listTokenVersion, Page: 1, Size: size, Filter: filterHash(req, ordersOnly)}
	if req.PageToken != "" {
		t, err := decodeListToken(req.PageToken)
		if err != nil || !t.valid(tok.Filter, ordersOnly) {
			return nil, a.listInvalid("page token %q was not issued by this adapter for these filters", truncateToken(req.PageToken))
		}
		tok = t
	}
	now := a.now()
	status := listStatusFor(req.States)
	keyword := strings.ToLower(strings.TrimSuffix(req.Domain, "."))
	// A phase (an order type, then the instances) that ends on a page
	// with no entry goes on to the next one in the same call, so that a
	// page is empty only when filters dropped every row it read.
	for {
		if tok.Type == instancePhase {
			return a.listInstancePage(ctx, req, tok, now)
		}
		page, next, err := a.listOrderPage(ctx, req, tok, status, keyword, now)
		if err != nil {
			return nil, err
		}
		if next.Page != 0 { // more of this order type
			page.Next = next.encode()
			return page, nil
		}
		switch {
		case tok.Type+1 < len(listOrderTypes):
			next = listToken{V: listTokenVersion, Type: tok.Type + 1, Page: 1, Size: tok.Size, Filter: tok.Filter}
		case !ordersOnly && instancesMayMatch(req.States):
			if len(page.Entries) > 0 {
				return a.listInstanceHead(ctx, req, page, tok, now)
			}
			next = listToken{V: listTokenVersion, Type: instancePhase, Page: 1, Size: tok.Size, Filter: tok.Filter}
		default:
			return page, nil // the last page
		}
		if len(page.Entries) > 0 {
			page.Next = next.encode()
			return page, nil
		}
		tok = next
	}
}

// listOrderPage reads one page of the order phase tok.Type and returns it
// with the token of the next page of the same order type, or with Page 0
// when the order type has no more.
func (a *Adapter) listOrderPage(ctx context.Context, req provider.ListRequest, tok listToken, status, keyword string,
	now time.Time) (*provider.ListPage, listToken, error) {
	page := &provider.ListPage{}
	rows, total, requestID, err := a.listRows(ctx, listOrderTypes[tok.Type], status, keyword, tok.Page, tok.Size)
	if err != nil {
		return nil, tok, err
	}
	if tok.Total > 0 && total < tok.Total && tok.Page > 1 {
		// Rows before the offset were removed: step back by the fall in
		// the count and read again; the cursor drops what was listed.
		back := (tok.Page-1)*tok.Size - (tok.Total - total)
		tok.Page = max(back, 0)/tok.Size + 1
		rows, total, requestID, err = a.listRows(ctx, listOrderTypes[tok.Type], status, keyword, tok.Page, tok.Size)
		if err != nil {
			return nil, tok, err
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
	if len(rows) == tok.Size && tok.Page*tok.Size < total {
		tok.Page++
	} else {
		tok.Page = 0
	}
	return page, tok, nil
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
// Its version changes whenever its meaning does; a token of another
// version is refused like a forged one.
type listToken struct {
	V       int      `json:"v"`           // listTokenVersion
	Type    int      `json:"t"`           // index in listOrderTypes, or instancePhase
	Page    int      `json:"p"`           // next CurrentPage
	Size    int      `json:"s"`           // ShowSize
	Cursor  int64    `json:"c"`           // last OrderId read of this order type, 0 for none
	Total   int      `json:"n"`           // TotalCount of the last page read
	Filter  uint64   `json:"f"`           // filterHash of the request
	Anchors []uint64 `json:"a,omitempty"` // instance phase: anchorHash of the last instances read, oldest first
}

// listTokenVersion is the version of listToken: 2 added the instance
// phase (ListInstances) after the orders.
const listTokenVersion = 2

// valid reports whether a decoded token could have been issued by list
// for the filters whose hash is filter.
func (t listToken) valid(filter uint64, ordersOnly bool) bool {
	last := instancePhase
	if ordersOnly {
		last = len(listOrderTypes) - 1
	}
	ok := t.V == listTokenVersion && t.Filter == filter && t.Type >= 0 && t.Type <= last &&
		t.Page >= 1 && t.Size >= 1 && t.Size <= maxListShowSize && t.Cursor >= 0 && t.Total >= 0
	if t.Type == instancePhase {
		return ok && t.Cursor == 0 && len(t.Anchors) <= instanceAnchors
	}
	return ok && len(t.Anchors) == 0
}

// encode writes t as a page token: base64url of its JSON, a dot and a
// checksum of the JSON, so that an edited or cut token is refused before
// anything is sent (a check against mistakes, not a secret).
func (t listToken) encode() string {
	b, _ := json.Marshal(t) // cannot fail: plain fields
	return base64.RawURLEncoding.EncodeToString(append(append(b, '.'), tokenSum(b)...))
}

// tokenSum is the checksum a token's JSON ends with.
func tokenSum(b []byte) string {
	h := fnv.New64a()
	h.Write(b)
	return strconv.FormatUint(h.Sum64(), 36)
}

func decodeListToken(s string) (listToken, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return listToken{}, err
	}
	i := bytes.LastIndexByte(raw, '.')
	if i < 0 || string(raw[i+1:]) != tokenSum(raw[:i]) {
		return listToken{}, errors.New("checksum mismatch")
	}
	var t listToken
	dec := json.NewDecoder(bytes.NewReader(raw[:i]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return listToken{}, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return listToken{}, errors.New("data after the token")
	}
	return t, nil
}

// filterHash ties a token to the filters it was issued for, and to the
// listing (List, or the orders-only listing of FindRenewal).
func filterHash(req provider.ListRequest, ordersOnly bool) uint64 {
	h := fnv.New64a()
	states := slices.Clone(req.States)
	slices.Sort(states)
	fmt.Fprintf(h, "%v|%d|%s|%t", states, req.ExpiringWithin, strings.ToLower(strings.TrimSuffix(req.Domain, ".")), ordersOnly)
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
