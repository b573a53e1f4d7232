package huawei

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/certbroker/certbroker/internal/adapterkit"
	"github.com/certbroker/certbroker/provider"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/def"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
)

var _ provider.RenewalFinder = (*Adapter)(nil)

// The search by tag: SCM v3 ListCertificatesByTag, POST
// /v3/scm/{resource_instances}/action with the path value fixed to
// "resource_instances" (API reference "Querying the Certificate List by
// Tag", 根据标签查询证书列表,
// https://support.huaweicloud.com/intl/en-us/api-ccm/ListCertificatesByTag.html;
// the SDK's services/scm/v3 GenReqDefForListCertificatesByTag and its
// models ListCertificatesByTagRequestBody, ScsTag,
// ListCertificatesByTagResponse, TagResource, TagResourceResourceDetail).
// The body's action "filter" answers a page of resources (resource_id,
// resource_name, tags, resource_detail) and total_count; tags
// [{key, values}] keeps the certificates carrying every key with one of
// its values; limit is 10, 20 or 50 and offset the rows to skip.
const (
	apiListByTag      = "list-certificates-by-tag"
	pathV3ByTag       = "/v3/scm/{resource_instances}/action"
	resourceInstances = "resource_instances" // the documented fixed value
	byTagLimit        = 50                   // the largest documented limit
	// byTagPages bounds the pages one search reads. A mark is unique, so
	// one short page is the normal answer; more pages mean the cloud
	// returned certificates without the mark, and reading on without end
	// is not worth it.
	byTagPages = 4
	// candidatePages bounds the unmarked search's list pages: offsets 0,
	// 50 and 100, the list's documented offset bound.
	candidatePages = 3
)

// byTagKey is one ScsTag of the query.
type byTagKey struct {
	Key    string   `json:"key"`
	Values []string `json:"values"`
}

// byTagBody is the part of ListCertificatesByTagRequestBody the search
// sends.
type byTagBody struct {
	Action string     `json:"action"`
	Tags   []byTagKey `json:"tags"`
	Limit  int        `json:"limit"`
	Offset int        `json:"offset"`
}

type byTagReq struct {
	ResourceInstances string     `json:"resource_instances"`
	Body              *byTagBody `json:"body,omitempty"`
}

func byTagDef() *def.HttpRequestDef {
	return newDef(http.MethodPost, pathV3ByTag, new(rawBody),
		pathField("ResourceInstances", "resource_instances"), bodyField())
}

// byTagResp is the answer, read leniently: resources that are not an
// array of objects read as none, and a resource whose tags cannot be
// read carries no mark.
type byTagResp struct {
	TotalCount looseInt        `json:"total_count"`
	Resources  json.RawMessage `json:"resources"`
}

type byTagTag struct {
	Key   *string `json:"key"`
	Value *string `json:"value"`
}

type byTagResource struct {
	ResourceID looseString     `json:"resource_id"`
	Tags       json.RawMessage `json:"tags"`
	Detail     struct {
		CertID      looseString `json:"cert_id"`
		Domain      looseString `json:"domain"`
		Sans        looseString `json:"sans"`
		CertType    looseString `json:"cert_type"`
		CertBrand   looseString `json:"cert_brand"`
		ExpiredTime looseTime   `json:"expired_time"`
		OrderStatus looseString `json:"order_status"`
	} `json:"resource_detail"`
}

// id is the certificate the resource names: resource_id (documented as
// the certificate ID by ListTagsByCertificate), else resource_detail's
// cert_id; "" when neither is an SCM certificate ID.
func (r byTagResource) id() string {
	for _, s := range []looseString{r.ResourceID, r.Detail.CertID} {
		if id := strings.TrimSpace(string(s)); checkID(id) == nil {
			return id
		}
	}
	return ""
}

// carries reports whether the resource's own tags show key=value,
// compared exactly: the filter is the cloud's, the proof is the tag.
func (r byTagResource) carries(key, value string) bool {
	var tags []byTagTag
	if json.Unmarshal(r.Tags, &tags) != nil {
		return false
	}
	return slices.ContainsFunc(tags, func(t byTagTag) bool {
		return t.Key != nil && t.Value != nil && *t.Key == key && *t.Value == value
	})
}

// row is the resource as a list row, for entryOf: ID id, domains,
// brand and type, expired_time and order_status.
func (r byTagResource) row(id string) listRow {
	d := r.Detail
	return listRow{ID: looseString(id), Domain: d.Domain, Sans: d.Sans, Type: d.CertType, Brand: d.CertBrand,
		ExpireTime: d.ExpiredTime, Status: d.OrderStatus}
}

// FindRenewal implements provider.RenewalFinder. It validates req as
// Renew does (the ID's shape, no CSR, the tags' limits and a mark the
// search can send; invalid_argument, with nothing sent), but runs whether
// or not Config.RenewByPurchase is set: it only reads, and a renewal sent
// under an earlier configuration can still be found. Every request is
// paced under its API name and classified like every other read: a 5xx
// or a lost answer is unavailable, never outcome_unknown.
//
// With the provider.RenewalTagKey mark in req.Tags (Renew sends req.Tags
// as the purchase's tags, which the new certificate carries), it asks
// ListCertificatesByTag for the certificates tagged
// certbroker-renewal=<mark> (action filter, limit 50, every page until a
// short one, at most 4) and keeps those whose own tags in the answer show
// the mark exactly, so that a cloud that ignored the filter proves
// nothing. Exactly one such certificate, other than req.ID, is the
// renewal's: NewID. Several are reported as Candidates and none proven
// (a renewal buys one certificate; several carrying one unique mark is
// not something to guess from), and so is one found when the pages ran
// out before the answer did. None is an empty search, which proves
// nothing: the cloud may show a new certificate, or its tags, late.
// since is not used: the mark is the renewal's own.
//
// Without a mark (the broker marks every renewal it can), there is no
// proof to be had, and it looks for candidates instead: it reads the
// renewed certificate's v3 details, then lists the PAID certificates (the
// status a paid renewal lands in; GET /v3/scm/certificates, status PAID,
// sorted by certUpdateTime descending, at most 3 pages of 50, the
// documented offset bound) and keeps those of the same brand, type,
// domain type and domain count, other than req.ID. The list shows no
// purchase time, so a candidate may predate since, and a purchase whose
// payment failed (not PAID) is not among them.
func (a *Adapter) FindRenewal(ctx context.Context, req provider.RenewRequest, since time.Time) (*provider.RenewalSearch, error) {
	if e := a.findPrecheck(req); e != nil {
		return nil, e
	}
	mark := provider.RenewalMark(req.Tags)
	if mark == "" {
		return a.findCandidates(ctx, req.ID, since)
	}
	return a.findMarked(ctx, req.ID, mark)
}

// findPrecheck is FindRenewal's check before anything is sent.
func (a *Adapter) findPrecheck(req provider.RenewRequest) *provider.Error {
	e := a.kit.Precheck(req, checkID)
	if e == nil {
		e = a.renewInput(provider.OpFindRenewal, req)
	}
	if e != nil {
		e.Op = provider.OpFindRenewal
	}
	return e
}

// findMarked searches by the renewal's mark.
func (a *Adapter) findMarked(ctx context.Context, id, mark string) (*provider.RenewalSearch, error) {
	body := &byTagBody{Action: "filter", Tags: []byTagKey{{Key: provider.RenewalTagKey, Values: []string{mark}}},
		Limit: byTagLimit}
	out := &provider.RenewalSearch{}
	var (
		found    []byTagResource
		ids      []string
		noID     int // resources showing the mark without a certificate ID
		unmarked int // resources the cloud returned without the mark
		complete bool
	)
	for range byTagPages {
		res, total, rid, err := a.byTagPage(ctx, id, body)
		if err != nil {
			return nil, err
		}
		out.RequestID = rid
		for _, r := range res {
			if !r.carries(provider.RenewalTagKey, mark) {
				unmarked++
				continue
			}
			switch cid := r.id(); {
			case cid == "":
				noID++
			case !slices.Contains(ids, cid):
				ids = append(ids, cid)
				found = append(found, r)
			}
		}
		body.Offset += len(res)
		if len(res) < byTagLimit || (total.OK && int64(body.Offset) >= total.N) {
			complete = true
			break
		}
	}

	basis := fmt.Sprintf("tag %s=%s", provider.RenewalTagKey, shortMark(mark))
	var notes []string
	if unmarked > 0 {
		notes = append(notes, fmt.Sprintf("%d certificate(s) returned without it, ignored", unmarked))
	}
	if noID > 0 {
		notes = append(notes, fmt.Sprintf("%d carrying it without a readable certificate ID", noID))
	}
	if !complete {
		notes = append(notes, fmt.Sprintf("stopped after %d pages", byTagPages))
	}
	switch {
	case len(ids) == 0 && noID == 0:
		out.Basis = basis + ": no certificate carries it"
	case len(ids) == 1 && noID == 0 && complete && ids[0] != id:
		out.NewID = ids[0]
		out.Basis = basis + ": one certificate carries it"
	default:
		now := a.now()
		for i, r := range found {
			if e, ok := a.entryOf(r.row(ids[i]), now); ok {
				out.Candidates = append(out.Candidates, e)
			}
		}
		why := fmt.Sprintf("%d certificates carry it; a renewal buys one, so none is proven", len(ids)+noID)
		switch {
		case len(ids) == 1 && ids[0] == id && noID == 0:
			why = "only the renewed certificate itself carries it"
		case len(ids) == 1 && noID == 0:
			why = "one certificate carries it, but not every page could be read"
		case len(ids)+noID == 1:
			why = "one certificate carries it, without a readable certificate ID"
		}
		out.Basis = basis + ": " + why
	}
	if len(notes) > 0 {
		out.Basis += " (" + strings.Join(notes, "; ") + ")"
	}
	return out, nil
}

// shortMark is the first 8 characters of mark and "…", for the Basis.
func shortMark(mark string) string {
	if utf8.RuneCountInString(mark) <= 8 {
		return mark
	}
	return string([]rune(mark)[:8]) + "…"
}

// byTagPage sends one ListCertificatesByTag request.
func (a *Adapter) byTagPage(ctx context.Context, id string, body *byTagBody) ([]byTagResource, looseInt, string, error) {
	op := provider.OpFindRenewal
	out, rid, err := a.do(ctx, request{op: op, id: id, api: apiListByTag,
		body: &byTagReq{ResourceInstances: resourceInstances, Body: body}, def: byTagDef()})
	if err != nil {
		return nil, looseInt{}, rid, err
	}
	raw, ok := out.(*rawBody)
	if !ok || raw == nil {
		return nil, looseInt{}, rid, a.kit.Stamp(&provider.Error{Kind: provider.KindUnavailable, RequestID: rid,
			Message: fmt.Sprintf("unexpected search response type %T", out)}, op, id)
	}
	var r byTagResp
	if err := json.Unmarshal(raw.data, &r); err != nil {
		msg := "the response body could not be decoded: " + adapterkit.CleanMessage(err.Error())
		return nil, looseInt{}, rid, a.kit.Stamp(&provider.Error{Kind: provider.KindUnavailable, RequestID: rid,
			HTTPStatus: raw.HttpStatusCode, Message: msg,
			Err: &sdkerr.ServiceResponseError{StatusCode: raw.HttpStatusCode, RequestId: rid, ErrorMessage: msg}}, op, id)
	}
	var items []json.RawMessage
	if json.Unmarshal(r.Resources, &items) != nil {
		return nil, r.TotalCount, rid, nil
	}
	res := make([]byTagResource, 0, len(items))
	for _, m := range items {
		var x byTagResource
		if json.Unmarshal(m, &x) != nil {
			x = byTagResource{} // kept, so offsets still count it; it carries no mark
		}
		res = append(res, x)
	}
	return res, r.TotalCount, rid, nil
}

// findCandidates is the search without a mark (see FindRenewal).
func (a *Adapter) findCandidates(ctx context.Context, id string, since time.Time) (*provider.RenewalSearch, error) {
	op := provider.OpFindRenewal
	d, _, err := a.show(ctx, op, id)
	if err != nil {
		return nil, err
	}
	spec := []string{normalizeNative(string(d.Brand)), normalizeNative(string(d.Type)), normalizeNative(string(d.DomainType))}
	q := listReq{Limit: strconv.Itoa(listLimit), Status: nativePaid}
	out := &provider.RenewalSearch{}
	now := a.now()
	complete := false
	for page := range candidatePages {
		q.Offset = strconv.Itoa(page * listLimit)
		rows, rid, err := a.listRows(ctx, op, q)
		if err != nil {
			return nil, err
		}
		out.RequestID = rid
		for _, r := range rows {
			e, ok := a.entryOf(r, now)
			if !ok || e.ID == id || e.NativeState != nativePaid || slices.ContainsFunc(out.Candidates, func(c provider.ListEntry) bool { return c.ID == e.ID }) {
				continue
			}
			got := []string{normalizeNative(string(r.Brand)), normalizeNative(string(r.Type)), normalizeNative(string(r.DomainType))}
			if !sameSpec(spec, got) || (d.DomainCount.OK && r.DomainCount.OK && d.DomainCount.N != r.DomainCount.N) {
				continue
			}
			out.Candidates = append(out.Candidates, e)
		}
		if len(rows) < listLimit {
			complete = true
			break
		}
	}
	out.Basis = fmt.Sprintf("no %s tag: PAID certificates of the renewed one's spec (%s); "+
		"the list shows no purchase time, so some may predate %s", provider.RenewalTagKey,
		strings.Join(slices.DeleteFunc(slices.Clone(spec), func(s string) bool { return s == "" }), " "),
		since.UTC().Format(time.RFC3339))
	if !complete {
		out.Basis += fmt.Sprintf("; only the first %d were read", candidatePages*listLimit)
	}
	return out, nil
}

// sameSpec compares spec fields; an empty field on either side is not
// compared.
func sameSpec(want, got []string) bool {
	for i := range want {
		if want[i] != "" && got[i] != "" && want[i] != got[i] {
			return false
		}
	}
	return true
}

// checkMark reports whether mark (a RenewalTagKey value) can be sent as
// ListCertificatesByTag's tag value: the ScsTag values allow letters,
// digits, spaces and _ . : = + - @ (no "/", which a tag's own value may
// hold), at most 255 characters. Leading or trailing spaces are refused
// too, so that no cloud-side trimming can make the mark match another. ""
// (no mark) passes.
func checkMark(mark string) error {
	switch {
	case mark == "":
		return nil
	case utf8.RuneCountInString(mark) > maxTagValue || !utf8.ValidString(mark):
		return fmt.Errorf("%s mark %q: want at most %d characters", provider.RenewalTagKey, truncate(mark), maxTagValue)
	case strings.TrimSpace(mark) != mark:
		return fmt.Errorf("%s mark %q: leading or trailing space", provider.RenewalTagKey, truncate(mark))
	}
	for _, r := range mark {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != ' ' && !strings.ContainsRune("_.:=+-@", r) {
			return fmt.Errorf("%s mark %q: character %q cannot be searched for (ListCertificatesByTag takes "+
				"letters, digits, spaces and _ . : = + - @)", provider.RenewalTagKey, truncate(mark), r)
		}
	}
	return nil
}
