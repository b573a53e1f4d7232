package huaweitest

import (
	"cmp"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// freeQuota is the free test certificates a project may hold.
const freeQuota = 20

type listItem struct {
	CertID         string `json:"cert_id"`
	CertName       string `json:"cert_name"`
	Domain         string `json:"domain"`
	CertType       string `json:"cert_type"`
	CertBrand      string `json:"cert_brand"`
	DomainType     string `json:"domain_type"`
	PurchasePeriod int    `json:"purchase_period"`
	ExpiredTime    string `json:"expired_time"`
	OrderStatus    string `json:"order_status"`
	DomainNum      int    `json:"domain_num"`
	WildcardNumber int    `json:"wildcard_number"`
	CertDes        string `json:"cert_des"`
}

type listBody struct {
	Total      int        `json:"total"`
	FreeRemain int        `json:"free_remain"`
	OrderList  []listItem `json:"order_list"`
}

// listQuery is the validated query of GET …/certlist.
type listQuery struct {
	status, content, sortKey string
	desc                     bool
	limit, offset            int
}

func parseListQuery(raw string) (listQuery, *apiError) {
	v, err := url.ParseQuery(raw)
	if err != nil {
		return listQuery{}, errParam("malformed query string")
	}
	q := listQuery{
		status:  v.Get("order_status"),
		content: strings.ToLower(v.Get("content")),
		sortKey: v.Get("sort_key"),
	}
	if q.status != "" && !knownStatus(q.status) {
		return q, errParam("unknown order_status")
	}
	switch q.sortKey {
	case "", "certExpiredTime", "certStatus", "certUpdateTime":
	default:
		return q, errParam("unknown sort_key")
	}
	switch v.Get("sort_dir") {
	case "", "ASC":
	case "DESC":
		q.desc = true
	default:
		return q, errParam("sort_dir must be ASC or DESC")
	}
	var perr *apiError
	if q.limit, q.offset, perr = parsePaging(v); perr != nil {
		return q, perr
	}
	return q, nil
}

// matches reports whether c passes the status and keyword filters.
func (q listQuery) matches(c *cert) bool {
	if q.status != "" && c.Status != q.status {
		return false
	}
	if q.content == "" {
		return true
	}
	return containsFold(q.content, append([]string{c.ID, c.Name}, c.domains()...))
}

// list answers GET …/certlist for project. It takes order_status (one of
// the statuses, else SCM.0005), content (a keyword, matched
// case-insensitively as a substring of cert_id, cert_name and the
// certificate's domains), sort_key (certExpiredTime, certStatus,
// certUpdateTime), sort_dir (ASC, the default, or DESC), limit (10, the
// default, 20 or 50) and offset (items to skip, 0 by default; the
// documentation's 1–30 range is not enforced). Without sort_key the order
// is creation order. Each item carries expired_time as a string of decimal
// milliseconds since the Unix epoch (the documentation types it String and
// shows a digit string), or "" when the certificate has no expiry yet.
// total counts every match before paging; free_remain is an integer.
func (s *Server) list(project, rawQuery string, now time.Time) (any, *apiError) {
	q, err := parseListQuery(rawQuery)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var hits []*cert
	free := 0
	for _, c := range s.certs {
		if c.ProjectID != project {
			continue
		}
		s.refreshLocked(c, now)
		if c.Source == SourceFree {
			free++
		}
		if q.matches(c) {
			hits = append(hits, c)
		}
	}
	sortCerts(hits, q.sortKey, q.desc)
	body := listBody{Total: len(hits), FreeRemain: max(freeQuota-free, 0), OrderList: []listItem{}}
	for _, c := range window(hits, q.offset, q.limit) {
		body.OrderList = append(body.OrderList, listItemOf(c))
	}
	return body, nil
}

func listItemOf(c *cert) listItem {
	it := listItem{
		CertID:         c.ID,
		CertName:       c.Name,
		Domain:         c.DomainName,
		CertType:       shortType(c.Type),
		CertBrand:      c.Brand,
		DomainType:     c.DomainType,
		PurchasePeriod: c.EffectiveTime,
		OrderStatus:    c.Status,
		DomainNum:      c.DomainCount,
		CertDes:        c.Description,
	}
	if !c.NotAfter.IsZero() {
		it.ExpiredTime = strconv.FormatInt(c.NotAfter.UnixMilli(), 10)
	}
	if c.DomainType == "WILDCARD" {
		it.WildcardNumber = c.DomainCount
	}
	return it
}

// sortCerts orders hits as both lists do: by sortKey (certExpiredTime,
// certStatus or certUpdateTime; anything else keeps creation order), ties
// broken by creation order, the whole reversed when desc.
func sortCerts(hits []*cert, sortKey string, desc bool) {
	slices.SortFunc(hits, func(a, b *cert) int {
		r := 0
		switch sortKey {
		case "certExpiredTime":
			r = a.NotAfter.Compare(b.NotAfter)
		case "certStatus":
			r = cmp.Compare(a.Status, b.Status)
		case "certUpdateTime":
			r = a.updated.Compare(b.updated)
		}
		if r == 0 {
			r = cmp.Compare(a.seq, b.seq)
		}
		if desc {
			r = -r
		}
		return r
	})
}

// window is the page of hits after skipping offset rows, at most limit long.
func window(hits []*cert, offset, limit int) []*cert {
	start := min(offset, len(hits))
	return hits[start:min(start+limit, len(hits))]
}

// containsFold reports whether any field holds keyword (already lower
// case) as a case-insensitive substring.
func containsFold(keyword string, fields []string) bool {
	for _, f := range fields {
		if strings.Contains(strings.ToLower(f), keyword) {
			return true
		}
	}
	return false
}

// parsePaging reads both lists' limit (10, the default, 20 or 50) and
// offset (rows to skip, 0 by default, never negative).
func parsePaging(v url.Values) (limit, offset int, err *apiError) {
	limit = 10
	if l := v.Get("limit"); l != "" {
		switch l {
		case "10", "20", "50":
			limit, _ = strconv.Atoi(l)
		default:
			return 0, 0, errParam("limit must be 10, 20 or 50")
		}
	}
	if o := v.Get("offset"); o != "" {
		n, perr := strconv.Atoi(o)
		if perr != nil || n < 0 {
			return 0, 0, errParam("offset must be a non-negative integer")
		}
		offset = n
	}
	return limit, offset, nil
}
