package huaweitest

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ListCertificatesByTag: POST /v3/scm/{resource_instances}/action, with
// the path value fixed to "resource_instances" (API reference "Querying
// the Certificate List by Tag", 根据标签查询证书列表 - ListCertificatesByTag,
// https://support.huaweicloud.com/intl/en-us/api-ccm/ListCertificatesByTag.html;
// the SDK's services/scm/v3 GenReqDefForListCertificatesByTag and the
// models ListCertificatesByTagRequestBody, ScsTag, ScsMatch,
// ListCertificatesByTagResponse, TagResource and
// TagResourceResourceDetail of v0.1.207).
//
// Documented, and modelled:
//
//   - the body fields without_any_tag, tags, tags_any, not_tags,
//     not_tags_any, limit, offset, action and matches; any other field is
//     SCM.0005 [unverified: SCM may ignore unknown fields];
//   - action "filter" (a page of resources and total_count) or "count"
//     (total_count alone; limit and offset are not read, as the TMS
//     resource-instance pages of other services say [unverified for SCM]);
//     anything else, or no action, is SCM.0005 [unverified: the reference
//     does not say whether action may be left out];
//   - tags: at most 20 keys, each with at most 20 values; keys unique,
//     values unique within a key; values may be an empty array but must be
//     present; keys AND, values OR ("Keys are in the AND relationship and
//     values in each key-value structure are in the OR relationship").
//     An empty values array matches any value of the key (the TMS
//     convention) [unverified for SCM]. The array length is documented as
//     1 to 20, so an empty tags array is SCM.0005 [unverified: SCM may
//     treat it as no filter, which would return every certificate]. No
//     tags at all returns every certificate, as documented;
//   - tags_any: keys OR, values OR; not_tags and not_tags_any: the
//     certificates tags and tags_any would not match [unverified reading
//     of "returns resources not containing the tags"]; without_any_tag
//     true: the certificates without tags, the four tag fields ignored;
//   - the characters of keys and values: letters (any script), digits,
//     spaces and _ . : = + - @ (ScsTag, whose values do not allow the "/"
//     a tag's own value may hold); key 1 to 128 and value 0 to 255
//     characters (the tag limits of ListTagsByCertificate's ScsResourceTag
//     [unverified for the query]);
//   - matches: key resource_name only (the reference names it as the
//     example of a "fixed dictionary" key; any other key, or a key twice,
//     is SCM.0005 [unverified]), matched as a case-insensitive substring
//     of the certificate's name, an empty value matching an empty name
//     exactly (the TMS convention [unverified]);
//   - limit 10, 20 or 50 (the model's documented values; 10 when absent
//     [unverified default]), offset the rows to skip ("start from the
//     record after offset"), 0 or more, with no upper bound
//     [unverified: ListCertificates bounds its offset to 100; this page
//     gives none]; other values are SCM.0005 [unverified code];
//   - the response: total_count (every match, before paging) and
//     resources, each with resource_id (the certificate ID, as
//     ListTagsByCertificate documents resource_id: 16 characters),
//     resource_name (the certificate's name), tags (an empty array when
//     it has none) and resource_detail (cert_id, cert_name, domain,
//     cert_type in the purchase vocabulary, cert_brand, domain_type,
//     purchase_period, expired_time in epoch milliseconds as a string,
//     order_status the native status, domain_num, wildcard_number, sans,
//     cert_des, signature_algorithm, partner_order_id the order,
//     resource_id, enterprise_project_id "0").
//
// Rows come in creation order [unverified: the reference names no
// sort]. Only the certificates of the request's project are searched.

// tagQuery is one ScsTag of a query: a key and the values it may have.
type tagQuery struct {
	Key    *string   `json:"key"`
	Values *[]string `json:"values"`
}

// tagMatch is one ScsMatch.
type tagMatch struct {
	Key   *string `json:"key"`
	Value *string `json:"value"`
}

// byTagRequest is ListCertificatesByTagRequestBody.
type byTagRequest struct {
	WithoutAnyTag *bool       `json:"without_any_tag"`
	Tags          *[]tagQuery `json:"tags"`
	TagsAny       *[]tagQuery `json:"tags_any"`
	NotTags       *[]tagQuery `json:"not_tags"`
	NotTagsAny    *[]tagQuery `json:"not_tags_any"`
	Limit         *int        `json:"limit"`
	Offset        *int        `json:"offset"`
	Action        *string     `json:"action"`
	Matches       *[]tagMatch `json:"matches"`
}

// Limits of a tag query (see above).
const (
	maxQueryKeys   = 20
	maxQueryValues = 20
	maxTagKeyLen   = 128
	maxTagValueLen = 255
)

// tagChars reports whether s uses only the characters ScsTag allows in a
// query's keys and values: letters, digits, spaces and _ . : = + - @.
func tagChars(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != ' ' && !strings.ContainsRune("_.:=+-@", r) {
			return false
		}
	}
	return true
}

// tagFilter is one validated tags, tags_any, not_tags or not_tags_any
// list: each key with its values (nil: any value).
type tagFilter []struct {
	key    string
	values []string
}

// parseTagFilter validates one of the four tag lists; a nil list is no
// filter (nil, nil).
func parseTagFilter(field string, in *[]tagQuery) (tagFilter, *apiError) {
	if in == nil {
		return nil, nil
	}
	if len(*in) == 0 || len(*in) > maxQueryKeys {
		return nil, errParam(field + " must hold 1 to 20 keys")
	}
	out := make(tagFilter, 0, len(*in))
	seen := map[string]bool{}
	for _, q := range *in {
		switch {
		case q.Key == nil || *q.Key == "" || utf8.RuneCountInString(*q.Key) > maxTagKeyLen || !utf8.ValidString(*q.Key):
			return nil, errParam(field + ": each key must have 1 to 128 characters")
		case !tagChars(*q.Key):
			return nil, errParam(field + ": a key may hold letters, digits, spaces and _ . : = + - @ only")
		case seen[*q.Key]:
			return nil, errParam(field + ": key " + strconv.Quote(*q.Key) + " given twice")
		case q.Values == nil:
			return nil, errParam(field + ": values may be empty but must be present")
		case len(*q.Values) > maxQueryValues:
			return nil, errParam(field + ": at most 20 values per key")
		}
		seen[*q.Key] = true
		vals := map[string]bool{}
		for _, v := range *q.Values {
			switch {
			case utf8.RuneCountInString(v) > maxTagValueLen || !utf8.ValidString(v):
				return nil, errParam(field + ": each value must have at most 255 characters")
			case !tagChars(v):
				return nil, errParam(field + ": a value may hold letters, digits, spaces and _ . : = + - @ only")
			case vals[v]:
				return nil, errParam(field + ": value given twice for key " + strconv.Quote(*q.Key))
			}
			vals[v] = true
		}
		out = append(out, struct {
			key    string
			values []string
		}{*q.Key, slices.Clone(*q.Values)})
	}
	return out, nil
}

// hasTag reports whether tags hold key with one of values (any value when
// values is empty).
func hasTag(tags []Tag, key string, values []string) bool {
	for _, t := range tags {
		if t.Key == key && (len(values) == 0 || slices.Contains(values, t.Value)) {
			return true
		}
	}
	return false
}

// all reports whether tags match every key of f (keys AND, values OR).
func (f tagFilter) all(tags []Tag) bool {
	for _, q := range f {
		if !hasTag(tags, q.key, q.values) {
			return false
		}
	}
	return true
}

// some reports whether tags match one key of f (keys OR, values OR).
func (f tagFilter) some(tags []Tag) bool {
	for _, q := range f {
		if hasTag(tags, q.key, q.values) {
			return true
		}
	}
	return false
}

// byTagQuery is a validated ListCertificatesByTag body.
type byTagQuery struct {
	count                              bool
	withoutAnyTag                      bool
	tags, tagsAny, notTags, notTagsAny tagFilter
	name                               *string // the resource_name match, lower case
	limit, offset                      int
}

func parseByTag(body []byte) (byTagQuery, *apiError) {
	var req byTagRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return byTagQuery{}, errParam("the body must be a JSON object of the documented fields: " + err.Error())
	}
	if dec.More() {
		return byTagQuery{}, errParam("the body must be one JSON object")
	}
	q := byTagQuery{limit: 10}
	switch {
	case req.Action == nil:
		return q, errParam("action is required: filter or count")
	case *req.Action == "count":
		q.count = true
	case *req.Action != "filter":
		return q, errParam("action must be filter or count")
	}
	q.withoutAnyTag = req.WithoutAnyTag != nil && *req.WithoutAnyTag
	var err *apiError
	for _, f := range []struct {
		name string
		in   *[]tagQuery
		out  *tagFilter
	}{{"tags", req.Tags, &q.tags}, {"tags_any", req.TagsAny, &q.tagsAny},
		{"not_tags", req.NotTags, &q.notTags}, {"not_tags_any", req.NotTagsAny, &q.notTagsAny}} {
		if *f.out, err = parseTagFilter(f.name, f.in); err != nil {
			return q, err
		}
	}
	if req.Matches != nil {
		if len(*req.Matches) > 1 {
			return q, errParam("matches: resource_name is the only key, once")
		}
		for _, m := range *req.Matches {
			if m.Key == nil || *m.Key != "resource_name" || m.Value == nil {
				return q, errParam("matches: key must be resource_name, with a value")
			}
			v := strings.ToLower(*m.Value)
			q.name = &v
		}
	}
	if q.count {
		return q, nil
	}
	if req.Limit != nil {
		switch *req.Limit {
		case 10, 20, 50:
			q.limit = *req.Limit
		default:
			return q, errParam("limit must be 10, 20 or 50")
		}
	}
	if req.Offset != nil {
		if *req.Offset < 0 {
			return q, errParam("offset must be 0 or more")
		}
		q.offset = *req.Offset
	}
	return q, nil
}

// matches reports whether c passes every filter of q.
func (q byTagQuery) matches(c *cert) bool {
	if q.name != nil {
		name := strings.ToLower(c.Name)
		if *q.name == "" && name != "" || !strings.Contains(name, *q.name) {
			return false
		}
	}
	if q.withoutAnyTag {
		return len(c.Tags) == 0
	}
	return (q.tags == nil || q.tags.all(c.Tags)) &&
		(q.tagsAny == nil || q.tagsAny.some(c.Tags)) &&
		(q.notTags == nil || !q.notTags.all(c.Tags)) &&
		(q.notTagsAny == nil || !q.notTagsAny.some(c.Tags))
}

type resourceTag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type resourceDetail struct {
	CertID              string `json:"cert_id"`
	CertName            string `json:"cert_name"`
	Domain              string `json:"domain"`
	CertType            string `json:"cert_type"`
	CertBrand           string `json:"cert_brand"`
	DomainType          string `json:"domain_type"`
	PurchasePeriod      int    `json:"purchase_period"`
	ExpiredTime         string `json:"expired_time"`
	OrderStatus         string `json:"order_status"`
	DomainNum           int    `json:"domain_num"`
	WildcardNumber      int    `json:"wildcard_number"`
	Sans                string `json:"sans"`
	CertDes             string `json:"cert_des"`
	SignatureAlgorithm  string `json:"signature_algorithm"`
	PartnerOrderID      string `json:"partner_order_id"`
	ResourceID          string `json:"resource_id"`
	EnterpriseProjectID string `json:"enterprise_project_id"`
}

type tagResource struct {
	ResourceID     string         `json:"resource_id"`
	ResourceName   string         `json:"resource_name"`
	Tags           []resourceTag  `json:"tags"`
	ResourceDetail resourceDetail `json:"resource_detail"`
}

type byTagBody struct {
	TotalCount int            `json:"total_count"`
	Resources  *[]tagResource `json:"resources,omitempty"`
}

// listByTag answers ListCertificatesByTag for project (see above).
func (s *Server) listByTag(project string, body []byte, now time.Time) (any, *apiError) {
	q, err := parseByTag(body)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	hits := s.projectCertsLocked(project, now, q.matches)
	out := byTagBody{TotalCount: len(hits)}
	if q.count {
		return out, nil
	}
	slices.SortFunc(hits, func(a, b *cert) int { return a.seq - b.seq })
	res := []tagResource{}
	for _, c := range window(hits, q.offset, q.limit) {
		res = append(res, tagResourceOf(c))
	}
	out.Resources = &res
	return out, nil
}

func tagResourceOf(c *cert) tagResource {
	doms := c.domains()
	d := resourceDetail{
		CertID: c.ID, CertName: c.Name, CertType: c.Type, CertBrand: c.Brand, DomainType: c.DomainType,
		PurchasePeriod: c.EffectiveTime, OrderStatus: c.Status, DomainNum: c.DomainCount,
		CertDes: c.Description, SignatureAlgorithm: "SHA256WITHRSA", PartnerOrderID: c.OrderID,
		ResourceID: c.ID, EnterpriseProjectID: "0",
	}
	if !c.NotAfter.IsZero() {
		d.ExpiredTime = strconv.FormatInt(c.NotAfter.UnixMilli(), 10)
	}
	if len(doms) > 0 {
		d.Domain = doms[0]
		d.Sans = strings.Join(doms[1:], ";")
	}
	if c.DomainType == "WILDCARD" {
		d.WildcardNumber = c.DomainCount
	}
	tags := make([]resourceTag, 0, len(c.Tags))
	for _, t := range c.Tags {
		tags = append(tags, resourceTag(t))
	}
	return tagResource{ResourceID: c.ID, ResourceName: c.Name, Tags: tags, ResourceDetail: d}
}
