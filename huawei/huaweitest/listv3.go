package huaweitest

import (
	"cmp"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// v3ListItem is one row of the v3 list (the SDK's CertificateDetail; API
// reference api-ccm ListCertificates,
// https://support.huaweicloud.com/intl/en-us/api-ccm/ListCertificates.html).
type v3ListItem struct {
	ID                  string `json:"id"`
	Name                string `json:"name"`
	Domain              string `json:"domain"`
	Sans                string `json:"sans"`
	SignatureAlgorithm  string `json:"signature_algorithm"`
	DeploySupport       bool   `json:"deploy_support"`
	Type                string `json:"type"`
	Brand               string `json:"brand"`
	ExpireTime          string `json:"expire_time"`
	DomainType          string `json:"domain_type"`
	ValidityPeriod      int    `json:"validity_period"`
	Status              string `json:"status"`
	DomainCount         int    `json:"domain_count"`
	WildcardCount       int    `json:"wildcard_count"`
	Description         string `json:"description"`
	EnterpriseProjectID string `json:"enterprise_project_id"`
}

type v3ListBody struct {
	Certificates []v3ListItem `json:"certificates"`
	TotalCount   int          `json:"total_count"`
}

// v3ListStatuses are the status filter values the reference documents.
var v3ListStatuses = []string{
	"ALL", StatusPaid, StatusIssued, StatusChecking, StatusCancelChecking, StatusUnpassed, StatusExpired,
	StatusRevoking, StatusRevoked, StatusUpload, "CHECKING_ORG", StatusIssuing, StatusSupplementChecking,
}

// V3ListParams are the query parameters the reference documents for GET
// /v3/scm/certificates; the emulator refuses any other.
var V3ListParams = []string{
	"limit", "offset", "sort_dir", "sort_key", "status", "enterprise_project_id",
	"deploy_support", "owned_by_self", "expired_days_since", "content",
}

// v3ListQuery is the validated query of GET /v3/scm/certificates.
type v3ListQuery struct {
	status, content, sortKey string
	desc                     bool
	limit, offset            int
	expiredDaysSince         int // -1: not given
}

func parseV3ListQuery(raw string) (v3ListQuery, *apiError) {
	v, err := url.ParseQuery(raw)
	if err != nil {
		return v3ListQuery{}, errParam("malformed query string")
	}
	for k := range v {
		if !slices.Contains(V3ListParams, k) {
			return v3ListQuery{}, errParam("unknown query parameter " + k)
		}
	}
	q := v3ListQuery{
		status:           v.Get("status"),
		content:          strings.ToLower(v.Get("content")),
		sortKey:          cmp.Or(v.Get("sort_key"), "certUpdateTime"),
		desc:             true,
		expiredDaysSince: -1,
	}
	if q.status == "ALL" {
		q.status = ""
	} else if q.status != "" && !slices.Contains(v3ListStatuses, q.status) {
		return q, errParam("unknown status")
	}
	switch q.sortKey {
	case "certExpiredTime", "certStatus", "certUpdateTime":
	default:
		return q, errParam("unknown sort_key")
	}
	switch v.Get("sort_dir") {
	case "", "DESC":
	case "ASC":
		q.desc = false
	default:
		return q, errParam("sort_dir must be ASC or DESC")
	}
	var perr *apiError
	if q.limit, q.offset, perr = parsePaging(v); perr != nil {
		return q, perr
	}
	if d := v.Get("expired_days_since"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n < 0 || n > 1095 {
			return q, errParam("expired_days_since must be an integer from 0 to 1095")
		}
		q.expiredDaysSince = n
	}
	return q, nil
}

// matches reports whether c passes the status, expiry and keyword filters.
func (q v3ListQuery) matches(c *cert, now time.Time) bool {
	if q.status != "" && c.Status != q.status {
		return false
	}
	if q.expiredDaysSince >= 0 && (c.NotAfter.IsZero() || c.NotAfter.Before(now.AddDate(0, 0, -q.expiredDaysSince))) {
		return false
	}
	if q.content == "" {
		return true
	}
	return containsFold(q.content, append([]string{c.Name}, c.domains()...))
}

// listV3 answers GET /v3/scm/certificates for project (api-ccm
// ListCertificates). Query parameters are those of the reference and no
// other (V3ListParams; anything else is SCM.0005 [unverified: SCM may
// ignore unknown parameters]): limit (10, the default, 20 or 50), offset
// (rows to skip, 0 by default; the reference gives 0 to 100 and does not
// say whether it counts rows or pages, so the emulator counts rows and
// does not enforce 100 [unverified]), sort_key (certExpiredTime,
// certStatus, certUpdateTime, the default), sort_dir (DESC, the default,
// or ASC), status (one documented status, or ALL), content (a keyword,
// matched case-insensitively as a substring of the name and every domain
// [unverified: whether SANs are searched]), expired_days_since
// (0 to 1095, "certificates within validity and at most that many days
// past it": rows with a NotAfter no earlier than now minus that many days;
// rows without one are left out [unverified]; absent, it does not filter,
// although the reference gives it a default of 0 [unverified]). Ties in the sort are broken by
// creation order, reversed with DESC; with certExpiredTime, certificates
// without an expiry sort first in ASC [unverified]. enterprise_project_id,
// deploy_support and owned_by_self are accepted and ignored. Each row's
// expire_time is written like the details' times (TimeFormat), "" when
// the certificate has none. total_count counts every match before paging.
func (s *Server) listV3(project, rawQuery string, now time.Time) (any, *apiError) {
	q, err := parseV3ListQuery(rawQuery)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	hits := s.projectCertsLocked(project, now, func(c *cert) bool { return q.matches(c, now) })
	sortCerts(hits, q.sortKey, q.desc)
	body := v3ListBody{TotalCount: len(hits), Certificates: []v3ListItem{}}
	for _, c := range window(hits, q.offset, q.limit) {
		body.Certificates = append(body.Certificates, s.v3ListItemOf(c))
	}
	return body, nil
}

func (s *Server) v3ListItemOf(c *cert) v3ListItem {
	doms := c.domains()
	it := v3ListItem{
		ID:                  c.ID,
		Name:                c.Name,
		SignatureAlgorithm:  "SHA256WITHRSA",
		DeploySupport:       !c.NotAfter.IsZero(),
		Type:                c.Type,
		Brand:               c.Brand,
		ExpireTime:          s.timeFormat.format(c.NotAfter),
		DomainType:          c.DomainType,
		ValidityPeriod:      12 * c.EffectiveTime,
		Status:              c.Status,
		DomainCount:         c.DomainCount,
		Description:         c.Description,
		EnterpriseProjectID: "0",
	}
	if len(doms) > 0 {
		it.Domain = doms[0]
		it.Sans = strings.Join(doms[1:], ";")
	}
	if c.DomainType == "WILDCARD" {
		it.WildcardCount = c.DomainCount
	}
	return it
}

// projectCertsLocked returns the certificates of project, brought up to
// now, that keep accepts, in no particular order. s.mu is held.
func (s *Server) projectCertsLocked(project string, now time.Time, keep func(*cert) bool) []*cert {
	var out []*cert
	for _, c := range s.certs {
		if c.ProjectID != project {
			continue
		}
		s.refreshLocked(c, now)
		if keep(c) {
			out = append(out, c)
		}
	}
	return out
}
