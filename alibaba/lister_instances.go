package alibaba

import (
	"bytes"
	"context"
	"encoding/json"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/responses"
	"github.com/certbroker/certbroker/internal/adapterkit"
	"github.com/certbroker/certbroker/provider"
)

// The instance phase of List: the instances of the CAS instance model,
// read with ListInstances after the orders. Page
// api-cas-2020-04-07-listinstances under
// help.aliyun.com/zh/ssl-certificate/developer-reference/ (English:
// alibabacloud.com/help/en/ssl-certificate/developer-reference/); field
// names from the Tea SDK, aliyun/alibabacloud-go-sdk
// cas-20200407/client/list_instances_request_model.go and
// list_instances_response_body_model.go. The SDK pinned in go.mod has no
// request struct for it: like the other instance actions it is a generic
// RPC request sent through invoke (paced as ListInstances, pooled, the
// code table).
//
// Parameters sent: CurrentPage, ShowSize (documented: default 10, at most
// 100), Keyword (documented: a fuzzy match on domain names, instance names
// or resource IDs) for a domain filter, and, for a filter of one state
// that one documented value stands for exactly, Status inactive
// (pending_application) or pending (under_review), or CertificateStatus
// revoked (revoked). issued, expiring and expired are placed on the clock
// by the certificate's end (as Status places them), so neither Status nor
// CertificateStatus selects them exactly, and nothing is sent for them.
// Brand, CertificateType, InstanceType and ResourceGroupId are never sent.
const (
	actionListInstances = "ListInstances"

	// instancePhase is listToken.Type of the instance phase: after the
	// order types.
	instancePhase = 2 // len(listOrderTypes)

	// instanceAnchors is how many of the last instances read a token
	// keeps to find its place again (listInstancePage).
	instanceAnchors = 8

	// instanceSearch is how many more pages one List call may read to
	// find the anchors when the rows have moved by more than the first
	// read shows, and instanceReads how many requests one call sends at
	// most.
	instanceSearch = 2
	instanceReads  = 4
)

// instanceRow is the part of a ListInstances InstanceList item the
// adapter reads. Times are decoded as json.Number, read as Unix
// milliseconds as GetInstanceDetail's are (the SDK's comments say
// seconds, its examples are 13-digit milliseconds [unverified]).
type instanceRow struct {
	InstanceID          string      `json:"InstanceId"`
	Status              string      `json:"Status"`
	CertificateStatus   string      `json:"CertificateStatus"`
	CertificateNotAfter json.Number `json:"CertificateNotAfter"`
	Domain              string      `json:"Domain"`
	CertificateDomain   string      `json:"CertificateDomain"`
	CertificateType     string      `json:"CertificateType"`
	Brand               string      `json:"Brand"`
	OrderStartTime      json.Number `json:"OrderStartTime"`
}

// instanceListAnswer is ListInstances' answer.
type instanceListAnswer struct {
	RequestID    string        `json:"RequestId"`
	TotalCount   json.Number   `json:"TotalCount"`
	InstanceList []instanceRow `json:"InstanceList"`

	total int // TotalCount, read
}

// instancesMayMatch reports whether a state filter can keep an instance:
// the states mapInstance yields. A filter of cancelled or review_failed
// alone needs no instance phase.
func instancesMayMatch(states []provider.State) bool {
	if len(states) == 0 {
		return true
	}
	for _, st := range states {
		switch st {
		case provider.StatePendingApplication, provider.StateUnderReview, provider.StateIssued,
			provider.StateExpiring, provider.StateExpired, provider.StateRevoked, provider.StateUnknown:
			return true
		}
	}
	return false
}

// instanceFilterFor is the one documented filter parameter and value
// that selects exactly the instances of a one-state filter, or "" when
// there is none (see the constants' doc).
func instanceFilterFor(states []provider.State) (param, value string) {
	if len(states) == 0 {
		return "", ""
	}
	for _, st := range states[1:] {
		if st != states[0] {
			return "", ""
		}
	}
	switch states[0] {
	case provider.StatePendingApplication:
		return "Status", instInactive
	case provider.StateUnderReview:
		return "Status", instPending
	case provider.StateRevoked:
		return "CertificateStatus", certRevoked
	}
	return "", ""
}

// listInstancePage is one page of List's instance phase.
//
// ListInstances pages by offset and does not document its row order. The
// adapter assumes [unverified] that rows keep their order relative to
// each other and that a new instance comes first (newest first, as the
// emulator lists them). Instance IDs are not ordered, so where the order
// phase keeps a cursor this one keeps anchors: the token holds the hashes
// of the last instanceAnchors instances read, the next CurrentPage and
// the TotalCount seen. A page reads CurrentPage and looks for the anchors
// in it: the rows after the last anchor found are new, those before it
// were read already (or were created during the listing, which may then
// be missed). No anchor on the page means the rows did not move, or moved
// by more than the page: when TotalCount fell, instances before the
// offset may have been deleted and the page reads the pages before; when
// it rose, more than a page of instances may have come first and it reads
// the pages after; at most instanceSearch of them. An anchor that ends a
// page is followed on the next page, read too. When no anchor survives
// (a caller deleting what it lists deletes them all), the page steps back
// by the fall in TotalCount, as the order phase does: exact when the
// deleted instances were all before the offset, and otherwise it may list
// an instance twice. At most instanceReads requests are sent per page.
//
// So an instance present throughout is listed exactly once when
// instances before or after it are created or deleted between pages, as
// long as one of the last eight instances read survives or the deleted
// ones had all been read, and the rows move by at most two pages between
// two pages. A server-side filter (Status, CertificateStatus, Keyword)
// makes an instance that changes in or out of it move like a created or
// deleted one.
func (a *Adapter) listInstancePage(ctx context.Context, req provider.ListRequest, tok listToken, now time.Time) (*provider.ListPage, error) {
	param, value, keyword := instanceQuery(req)
	read := map[int]*instanceListAnswer{}
	get := func(page int) (*instanceListAnswer, error) {
		if ans, ok := read[page]; ok {
			return ans, nil
		}
		ans, err := a.listInstances(ctx, param, value, keyword, page, tok.Size)
		if err != nil {
			return nil, err
		}
		read[page] = ans
		return ans, nil
	}
	cur, err := get(tok.Page)
	if err != nil {
		return nil, err
	}
	pageNo, start := tok.Page, 0
	if len(tok.Anchors) > 0 {
		hit := lastAnchor(cur.InstanceList, tok.Anchors)
		if delta := cur.total - tok.Total; hit < 0 && delta != 0 {
			for _, p := range searchPages(tok.Page, tok.Size, cur.total, delta) {
				ans, err := get(p)
				if err != nil {
					return nil, err
				}
				if h := lastAnchor(ans.InstanceList, tok.Anchors); h >= 0 {
					cur, pageNo, hit = ans, p, h
					break
				}
			}
			if hit < 0 && delta < 0 {
				// No anchor survives: step back by the fall in the count.
				o := max((tok.Page-1)*tok.Size+delta, 0)
				p := o/tok.Size + 1
				ans, err := get(p)
				if err != nil {
					return nil, err
				}
				cur, pageNo, start = ans, p, o-(p-1)*tok.Size
			}
		}
		// An anchor that ends a full page: what follows it is on the next.
		for hit >= 0 && hit == len(cur.InstanceList)-1 && len(cur.InstanceList) == tok.Size &&
			pageNo*tok.Size < cur.total && (len(read) < instanceReads || read[pageNo+1] != nil) {
			ans, err := get(pageNo + 1)
			if err != nil {
				return nil, err
			}
			cur, pageNo, hit = ans, pageNo+1, lastAnchor(ans.InstanceList, tok.Anchors)
		}
		if hit >= 0 {
			start = hit + 1
		}
	}
	rows := cur.InstanceList
	start = min(start, len(rows))
	page := &provider.ListPage{RequestID: adapterkit.Truncate(a.red.clean(cur.RequestID), 128)}
	for _, row := range rows[start:] {
		if row.InstanceID == "" {
			continue
		}
		if e := a.instanceEntry(row); req.Keeps(e, now) {
			page.Entries = append(page.Entries, e)
		}
	}
	if len(rows) < tok.Size || pageNo*tok.Size >= cur.total {
		return page, nil // the last phase's last page
	}
	anchors := slices.Clone(tok.Anchors)
	for _, row := range rows[start:] {
		anchors = append(anchors, anchorHash(row.InstanceID))
	}
	if len(anchors) > instanceAnchors {
		anchors = anchors[len(anchors)-instanceAnchors:]
	}
	next := listToken{V: listTokenVersion, Type: instancePhase, Page: pageNo + 1, Size: tok.Size,
		Total: cur.total, Filter: tok.Filter, Anchors: anchors}
	page.Next = next.encode()
	return page, nil
}

// listInstanceHead ends page, the orders' last page, which has entries:
// it reads the first room instances (the rows page has room for, at
// least one) with ListInstances, lists those it has room for, and returns
// page with the token of the instance phase, or with none when there are
// no more instances. The next page starts again at CurrentPage 1 and finds
// its place by the anchors, whatever the page size.
func (a *Adapter) listInstanceHead(ctx context.Context, req provider.ListRequest, page *provider.ListPage, tok listToken,
	now time.Time) (*provider.ListPage, error) {
	room := tok.Size - len(page.Entries)
	param, value, keyword := instanceQuery(req)
	ans, err := a.listInstances(ctx, param, value, keyword, 1, max(room, 1))
	if err != nil {
		return nil, err
	}
	page.RequestID = adapterkit.Truncate(a.red.clean(ans.RequestID), 128)
	rows := ans.InstanceList
	if ans.total == 0 || len(rows) == 0 {
		return page, nil
	}
	next := listToken{V: listTokenVersion, Type: instancePhase, Page: 1, Size: tok.Size, Filter: tok.Filter}
	if room > 0 {
		rows = rows[:min(len(rows), room)]
		for _, row := range rows {
			if row.InstanceID == "" {
				continue
			}
			if e := a.instanceEntry(row); req.Keeps(e, now) {
				page.Entries = append(page.Entries, e)
			}
			next.Anchors = append(next.Anchors, anchorHash(row.InstanceID))
		}
		if len(rows) < room || room >= ans.total {
			return page, nil // every instance read
		}
		next.Anchors = next.Anchors[max(len(next.Anchors)-instanceAnchors, 0):]
		next.Total = ans.total
	}
	page.Next = next.encode()
	return page, nil
}

// instanceQuery is what ListInstances is sent for req: the one filter
// parameter, if any (instanceFilterFor), and the Keyword.
func instanceQuery(req provider.ListRequest) (param, value, keyword string) {
	param, value = instanceFilterFor(req.States)
	return param, value, strings.ToLower(strings.TrimSuffix(req.Domain, "."))
}

// searchPages are the pages to read, nearest first, for anchors last seen
// at the end of page next-1, when TotalCount changed by delta and page
// next held none. With new rows coming first, the anchors moved by x, no
// less than delta (deletes after them lower the count, not their place)
// and at most the number of rows created. A fall: x may be negative, so
// the anchors are on page next-1 (x = 0 included: deletes after them) or
// before, down to the page holding offset (next-1)*size-1+delta. A rise
// with no anchor on page next: x is more than a page, so they are after
// it, below the count.
func searchPages(next, size, total, delta int) []int {
	var out []int
	switch {
	case delta < 0:
		lowest := max((next-1)*size-1+delta, 0)/size + 1
		for p := next - 1; p >= lowest && p >= 1 && len(out) < instanceSearch; p-- {
			out = append(out, p)
		}
	case delta > 0:
		for p := next + 1; (p-1)*size < total && len(out) < instanceSearch; p++ {
			out = append(out, p)
		}
	}
	return out
}

// lastAnchor returns the index of the last row that is one of the
// anchors, or -1.
func lastAnchor(rows []instanceRow, anchors []uint64) int {
	for i := len(rows) - 1; i >= 0; i-- {
		if slices.Contains(anchors, anchorHash(rows[i].InstanceID)) {
			return i
		}
	}
	return -1
}

// anchorHash is the token's form of an instance ID.
func anchorHash(id string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	return h.Sum64()
}

// listInstances reads one page of ListInstances. A 200 that is not the documented JSON object reads
// as unavailable (the read may be repeated).
func (a *Adapter) listInstances(ctx context.Context, param, value, keyword string, page, size int) (*instanceListAnswer, error) {
	req := requests.NewCommonRequest()
	req.Method = "POST"
	req.Product = "cas"
	req.Version = "2020-04-07"
	req.ApiName = actionListInstances
	req.QueryParams["CurrentPage"] = strconv.Itoa(page)
	req.QueryParams["ShowSize"] = strconv.Itoa(size)
	if keyword != "" {
		req.QueryParams["Keyword"] = keyword
	}
	if param != "" {
		req.QueryParams[param] = value
	}
	req.TransToAcsRequest()
	resp := responses.NewCommonResponse()
	if err := a.invoke(ctx, provider.OpList, "", false, req, resp); err != nil {
		return nil, err
	}
	ans := &instanceListAnswer{}
	dec := json.NewDecoder(bytes.NewReader(resp.GetHttpContentBytes()))
	dec.UseNumber()
	err := dec.Decode(ans)
	total, terr := ans.TotalCount.Int64()
	if err != nil || terr != nil || total < 0 {
		return nil, a.kit.Stamp(&provider.Error{Kind: provider.KindUnavailable, HTTPStatus: resp.GetHttpStatus(),
			RequestID: adapterkit.Truncate(a.red.clean(ans.RequestID), 128),
			Message:   "the answer is not the JSON object ListInstances documents"}, provider.OpList, "")
	}
	ans.total = int(min(total, 1<<31-1))
	return ans, nil
}

// instanceEntry turns a ListInstances row into an entry: InstanceId as ID
// (what Status and the operations take), the state, native state and
// NotAfter exactly as Status maps GetInstanceDetail's Status,
// CertificateStatus and CertificateNotAfter (mapInstance), Domain and then
// the names of CertificateDomain as Domains, CertificateType (else Brand)
// as Type, and OrderStartTime (the purchase) as Created.
func (a *Adapter) instanceEntry(row instanceRow) provider.ListEntry {
	e := provider.ListEntry{ID: row.InstanceID, Type: row.CertificateType}
	e.State, e.NativeState, e.NotAfter = a.mapInstance(&instanceDetail{Status: row.Status,
		CertificateStatus: row.CertificateStatus, CertificateNotAfter: row.CertificateNotAfter})
	if e.Type == "" {
		e.Type = row.Brand
	}
	for _, d := range append([]string{row.Domain}, strings.Split(row.CertificateDomain, ",")...) {
		if d = strings.TrimSpace(d); d != "" && !slices.Contains(e.Domains, d) {
			e.Domains = append(e.Domains, d)
		}
	}
	if ms, err := row.OrderStartTime.Int64(); err == nil && ms > 0 {
		e.Created = time.UnixMilli(ms).UTC()
	}
	return e
}
