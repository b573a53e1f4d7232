package huawei

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/certbroker/certbroker/internal/adapterkit"
	"github.com/certbroker/certbroker/provider"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/def"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
)

// Listing over SCM v3 GET /v3/scm/certificates (API reference "Querying
// the Certificate List", ListCertificates:
// https://support.huaweicloud.com/intl/en-us/api-ccm/ListCertificates.html;
// the SDK's services/scm/v3 model ListCertificatesRequest/Response).
//
// The API pages by offset (limit 10, 20 or 50; offset documented as
// "Query offset", 0 to 100) and filters by one status (or ALL), by
// content ("certificate name or domain" keyword) and by
// expired_days_since ("within validity and expired at most that many
// days"), with sort_key certExpiredTime, certStatus or certUpdateTime and
// sort_dir ASC or DESC.
const (
	apiList      = "list-certificates" // v3
	pathV3List   = "/v3/scm/certificates"
	listLimit    = 50 // the largest documented limit; every request asks for it
	listBack     = 5  // rows re-read before the anchor's own, to find it again
	listMaxPage  = listLimit - listBack - 1
	listRequests = 4 // requests one page may send while client-side filters drop rows
	listSortKey  = "certExpiredTime"
	listSortDir  = "ASC"
	tokenVersion = "h1"
)

// listStatuses are the status filter values the reference documents.
var listStatuses = []string{
	nativePaid, nativeIssued, nativeChecking, nativeCancelChecking, nativeUnpassed, nativeExpired,
	nativeRevoking, nativeRevoked, nativeUpload, nativeCheckingOrg, nativeIssuing, nativeSupplementChecking,
}

// knownNatives are every status nativeState maps.
var knownNatives = []string{
	nativePaid, nativeChecking, nativeCheckingDomain, nativeCheckingOrg, nativeIssuing, nativeCancelChecking,
	nativeUnpassed, nativeIssued, nativeExpired, nativeRevoking, nativeCancelRevoking, nativeRevoked,
	nativeUpload, nativeSupplementChecking, nativeCancelSupplementing,
}

// listReq is the query of GET /v3/scm/certificates; empty fields are not
// sent (listDef declares only the set ones).
type listReq struct {
	Limit   string `json:"limit"`
	Offset  string `json:"offset"`
	SortKey string `json:"sort_key"`
	SortDir string `json:"sort_dir"`
	Status  string `json:"status"`
	Content string `json:"content"`
}

func listDef(q *listReq) *def.HttpRequestDef {
	var fields []*def.FieldDef
	for _, f := range []struct{ name, tag, v string }{
		{"Limit", "limit", q.Limit}, {"Offset", "offset", q.Offset}, {"SortKey", "sort_key", q.SortKey},
		{"SortDir", "sort_dir", q.SortDir}, {"Status", "status", q.Status}, {"Content", "content", q.Content},
	} {
		if f.v != "" {
			fields = append(fields, def.NewFieldDef().WithName(f.name).WithJsonTag(f.tag).WithLocationType(def.Query))
		}
	}
	return newDef(http.MethodGet, pathV3List, new(rawBody), fields...)
}

// listRow is one row of the list, every field lenient.
type listRow struct {
	ID         looseString `json:"id"`
	Domain     looseString `json:"domain"`
	Sans       looseString `json:"sans"`
	Type       looseString `json:"type"`
	Brand      looseString `json:"brand"`
	ExpireTime looseTime   `json:"expire_time"`
	Status     looseString `json:"status"`
	// DomainType and DomainCount are read by FindRenewal only.
	DomainType  looseString `json:"domain_type"`
	DomainCount looseInt    `json:"domain_count"`
}

// listResp is the list's answer. A certificates value that is not an
// array of objects reads as no rows; a row that is not an object is
// skipped (see rows).
type listResp struct {
	Certificates json.RawMessage `json:"certificates"`
}

func (r listResp) rows() []listRow {
	var raw []json.RawMessage
	if json.Unmarshal(r.Certificates, &raw) != nil {
		return nil
	}
	out := make([]listRow, 0, len(raw))
	for _, m := range raw {
		var row listRow
		if json.Unmarshal(m, &row) != nil {
			row = listRow{} // kept, so offsets still count it; skipped as ID-less
		}
		out = append(out, row)
	}
	return out
}

// listToken is the position a page token carries: the offset of the next
// row to read and the ID of the last row read (the anchor).
type listToken struct {
	offset int
	anchor string
}

// filterPrint fingerprints the filters of req, so a token is refused
// with other filters.
func filterPrint(req provider.ListRequest) string {
	h := fnv.New32a()
	states := slices.Clone(req.States)
	slices.Sort(states)
	states = slices.Compact(states)
	fmt.Fprintf(h, "%v|%d|%s|%s,%s", states, req.ExpiringWithin, normDomain(req.Domain), listSortKey, listSortDir)
	return strconv.FormatUint(uint64(h.Sum32()), 36)
}

func (t listToken) encode(req provider.ListRequest) string {
	s := strings.Join([]string{tokenVersion, strconv.Itoa(t.offset), t.anchor, filterPrint(req)}, ".")
	return base64.RawURLEncoding.EncodeToString([]byte(s))
}

func decodeToken(tok string, req provider.ListRequest) (listToken, error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return listToken{}, fmt.Errorf("page token %q was not issued by this provider", truncate(tok))
	}
	parts := strings.Split(string(b), ".")
	if len(parts) != 4 || parts[0] != tokenVersion {
		return listToken{}, fmt.Errorf("page token %q was not issued by this provider", truncate(tok))
	}
	off, err := strconv.Atoi(parts[1])
	if err != nil || off < 0 || checkID(parts[2]) != nil {
		return listToken{}, fmt.Errorf("page token %q was not issued by this provider", truncate(tok))
	}
	if parts[3] != filterPrint(req) {
		return listToken{}, fmt.Errorf("page token %q was issued for other filters", truncate(tok))
	}
	return listToken{offset: off, anchor: parts[2]}, nil
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

func normDomain(d string) string { return strings.ToLower(strings.TrimSuffix(d, ".")) }

// statusFilter returns the status to send for states: the one documented
// filter value every status that can map to one of states shares, or ""
// (ALL) when there are several, when one is not a documented filter value,
// or when StateUnknown is asked for (any unmapped status). none is true
// when no status maps to any of states: nothing can match.
func statusFilter(states []provider.State) (status string, none bool) {
	if len(states) == 0 || slices.Contains(states, provider.StateUnknown) {
		return "", false
	}
	var natives []string
	for _, n := range knownNatives {
		s, _ := nativeState(n)
		if slices.Contains(states, s) || (n == nativeIssued && slices.Contains(states, provider.StateExpiring)) {
			natives = append(natives, n)
		}
	}
	switch {
	case len(natives) == 0:
		return "", true
	case len(natives) == 1 && slices.Contains(listStatuses, natives[0]):
		return natives[0], false
	}
	return "", false
}

// List implements provider.Lister over GET /v3/scm/certificates, sorted
// by certExpiredTime ascending (an order whose status changes keeps its
// place, unlike with the default certUpdateTime). Every request asks for
// 50 rows and is paced under the API name "list-certificates"; a page
// holds at most 44 entries (the default too) and sends at most 4 requests
// while filters applied here drop rows, so a page may be short or empty
// without being the last.
//
// Filters: States becomes the status parameter when all the native
// statuses that map to them are one documented filter value (PAID for
// pending application, ISSUED for issued and/or expiring, and EXPIRED,
// UNPASSED, REVOKING, REVOKED, UPLOAD; not under review or cancelling,
// which are several statuses: see statusFilter), and is applied here too; a state no native status maps
// to (StateCancelled, which SCM shows as PAID) lists nothing without a
// request. Domain is sent as content (documented as a keyword of name or
// domain; whether it searches every SAN is [unverified]) and matched
// exactly here (provider.DomainMatches on the domain and sans).
// ExpiringWithin is applied here only: expired_days_since is documented
// as "within validity and expired at most N days", a bound on how long
// ago, not how soon.
//
// Entries: ID (id), NativeState (status), State as Status maps it (ISSUED
// within ExpiringWindow of expire_time is StateExpiring), Domains (domain,
// then sans split at ";" or ","), NotAfter (expire_time, zero when it
// cannot be read: never an error), Type ("BRAND TYPE", e.g. "GLOBALSIGN
// OV_SSL_CERT"). A row without a valid certificate ID is skipped.
//
// Paging and changes: the token holds the offset after the last row read
// and that row's ID. The next page re-reads the anchor's row and the 5
// before it and resumes after the anchor wherever it now is in those 50
// rows, so up to 5 orders deleted
// (or moved) before it, or any number inserted before it within the
// 50-row window, shift nothing. When the anchor itself is gone or moved
// out of the window, the page resumes at the plain offset and may skip or
// repeat the rows the shift moved; an ID is never listed twice within one
// page. An order whose expiry changes during the listing (issued,
// renewed) moves in the sort and may be listed twice or not at all.
//
// The reference bounds offset to 100 without saying whether it counts
// rows or pages; the adapter sends row offsets beyond it [unverified: a
// real inventory over 150 certificates may not list past the bound].
func (a *Adapter) List(ctx context.Context, req provider.ListRequest) (*provider.ListPage, error) {
	if err := req.Validate(); err != nil {
		var pe *provider.Error
		if e, ok := err.(*provider.Error); ok {
			pe = e
		} else {
			pe = &provider.Error{Kind: provider.KindInvalidArgument, Op: provider.OpList, Message: err.Error(), Err: err}
		}
		return nil, a.kit.Stamp(pe, provider.OpList, "")
	}
	var pos listToken
	if req.PageToken != "" {
		t, err := decodeToken(req.PageToken, req)
		if err != nil {
			return nil, a.kit.Invalid(provider.OpList, "", err)
		}
		pos = t
	}
	status, none := statusFilter(req.States)
	if none {
		return &provider.ListPage{Entries: []provider.ListEntry{}}, nil
	}
	want := req.PageSize
	if want == 0 || want > listMaxPage {
		want = listMaxPage
	}
	q := listReq{Limit: strconv.Itoa(listLimit), SortKey: listSortKey, SortDir: listSortDir,
		Status: status, Content: normDomain(req.Domain)}
	page := &provider.ListPage{Entries: []provider.ListEntry{}}
	seen := map[string]bool{}
	now := a.now()
	for range listRequests {
		start := pos.offset
		if pos.anchor != "" {
			start = max(0, pos.offset-1-listBack)
		}
		q.Offset = strconv.Itoa(start)
		rows, rid, err := a.listRows(ctx, provider.OpList, q)
		if err != nil {
			return nil, err
		}
		page.RequestID = rid
		resume := min(pos.offset-start, len(rows))
		if pos.anchor != "" {
			if i := slices.IndexFunc(rows, func(r listRow) bool { return string(r.ID) == pos.anchor }); i >= 0 {
				resume = i + 1
			}
		}
		for j := resume; j < len(rows); j++ {
			pos = listToken{offset: start + j + 1, anchor: pos.anchor}
			e, ok := a.entryOf(rows[j], now)
			if !ok {
				continue
			}
			pos.anchor = e.ID
			if seen[e.ID] || !req.Keeps(e, now) {
				continue
			}
			seen[e.ID] = true
			page.Entries = append(page.Entries, e)
			if len(page.Entries) == want {
				if j == len(rows)-1 && len(rows) < listLimit {
					return page, nil // the last row of the last page
				}
				page.Next = a.token(pos, req)
				return page, nil
			}
		}
		if len(rows) < listLimit {
			return page, nil
		}
		if resume >= len(rows) {
			// Nothing new in a full window (cannot happen with
			// listBack < listLimit, but never loop on it).
			pos.offset = start + len(rows)
		}
	}
	page.Next = a.token(pos, req)
	return page, nil
}

// token encodes pos; an anchor-less position (only ID-less rows read so
// far) is written with an anchor that matches no row.
func (a *Adapter) token(pos listToken, req provider.ListRequest) string {
	if pos.anchor == "" {
		pos.anchor = noAnchor
	}
	return pos.encode(req)
}

// noAnchor is a well-formed certificate ID no row carries in practice:
// the page resumes at the plain offset.
const noAnchor = "scs0000000000000"

// entryOf maps a row; ok is false for a row without a valid ID.
func (a *Adapter) entryOf(r listRow, now time.Time) (provider.ListEntry, bool) {
	id := strings.TrimSpace(string(r.ID))
	if checkID(id) != nil {
		return provider.ListEntry{}, false
	}
	native := normalizeNative(string(r.Status))
	e := provider.ListEntry{
		ID:          id,
		NativeState: native,
		NotAfter:    r.ExpireTime.Time,
		State:       stateOf(native, r.ExpireTime.Time, now),
	}
	for _, d := range append([]string{string(r.Domain)}, strings.FieldsFunc(string(r.Sans), func(c rune) bool { return c == ';' || c == ',' })...) {
		if d = strings.TrimSpace(d); d != "" && !slices.Contains(e.Domains, d) {
			e.Domains = append(e.Domains, d)
		}
	}
	var kind []string
	for _, s := range []looseString{r.Brand, r.Type} {
		if v := strings.TrimSpace(string(s)); v != "" {
			kind = append(kind, v)
		}
	}
	e.Type = strings.Join(kind, " ")
	return e, true
}

// listRows sends one list request for op (List, or FindRenewal's
// candidates) and decodes its rows leniently.
func (a *Adapter) listRows(ctx context.Context, op provider.Op, q listReq) ([]listRow, string, error) {
	out, rid, err := a.do(ctx, request{op: op, api: apiList, body: &q, def: listDef(&q)})
	if err != nil {
		return nil, rid, err
	}
	raw, ok := out.(*rawBody)
	if !ok || raw == nil {
		return nil, rid, a.kit.Stamp(&provider.Error{Kind: provider.KindUnavailable, RequestID: rid,
			Message: fmt.Sprintf("unexpected list response type %T", out)}, op, "")
	}
	var r listResp
	if err := json.Unmarshal(raw.data, &r); err != nil {
		msg := "the response body could not be decoded: " + adapterkit.CleanMessage(err.Error())
		return nil, rid, a.kit.Stamp(&provider.Error{Kind: provider.KindUnavailable, RequestID: rid,
			HTTPStatus: raw.HttpStatusCode, Message: msg,
			Err: &sdkerr.ServiceResponseError{StatusCode: raw.HttpStatusCode, RequestId: rid, ErrorMessage: msg}}, op, "")
	}
	return r.rows(), rid, nil
}

var _ provider.Lister = (*Adapter)(nil)
