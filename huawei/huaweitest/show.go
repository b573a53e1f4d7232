package huaweitest

import (
	"strconv"
	"strings"
	"time"
)

// showBody is the SCM v3 certificate details (GET
// /v3/scm/certificates/{certificate_id}), with the fields of the API
// reference (api-ccm ShowCertificate) and the SDK's ShowCertificateResponse.
type showBody struct {
	ID                  string   `json:"id"`
	Status              string   `json:"status"`
	OrderID             string   `json:"order_id"`
	Name                string   `json:"name"`
	Type                string   `json:"type"`
	Brand               string   `json:"brand"`
	PushSupport         string   `json:"push_support"`
	RevokeReason        string   `json:"revoke_reason"`
	SignatureAlgorithm  string   `json:"signature_algorithm"`
	IssueTime           string   `json:"issue_time"`
	NotBefore           string   `json:"not_before"`
	NotAfter            string   `json:"not_after"`
	ValidityPeriod      int      `json:"validity_period"`
	ValidationMethod    string   `json:"validation_method"`
	DomainType          string   `json:"domain_type"`
	MultiDomainType     string   `json:"multi_domain_type"`
	Domain              string   `json:"domain"`
	Sans                string   `json:"sans"`
	DomainCount         int      `json:"domain_count"`
	WildcardCount       int      `json:"wildcard_count"`
	Fingerprint         string   `json:"fingerprint"`
	Shared              bool     `json:"shared"`
	Description         string   `json:"description"`
	EnterpriseProjectID string   `json:"enterprise_project_id"`
	Authentification    []v3Auth `json:"authentification"`
}

type v3Auth struct {
	RecordName  string `json:"record_name"`
	RecordType  string `json:"record_type"`
	RecordValue string `json:"record_value"`
	Domain      string `json:"domain"`
}

// TimeFormat is a way of writing the v3 details' time fields. The API
// reference types them as strings of at most 32 characters and shows no
// example for the details (only the list's expire_time has one), so the
// emulator picks one of these per server from its seed
// (WithSeed; WithTimeFormat overrides): an adapter that reads only one of
// them fails against some seeds [unverified format].
type TimeFormat int

// The time formats.
const (
	// TimeMillis is decimal milliseconds since the Unix epoch, as the v2
	// list writes expired_time: "1767225600000".
	TimeMillis TimeFormat = iota
	// TimeDateTime is "2006-01-02 15:04:05" in UTC.
	TimeDateTime
	// TimeRFC3339 is RFC 3339 in UTC: "2006-01-02T15:04:05Z".
	TimeRFC3339
	// TimeListSample is the form of the v3 list's expire_time in the API
	// reference's example (api-ccm ccm_02_0048: "2021-05-27 16:46:25.0"),
	// taken as UTC [unverified zone].
	TimeListSample
	timeFormats
)

func (f TimeFormat) format(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.UTC()
	switch f {
	case TimeDateTime:
		return t.Format("2006-01-02 15:04:05")
	case TimeRFC3339:
		return t.Format(time.RFC3339)
	case TimeListSample:
		// Whole seconds with a literal ".0", as in the sample (Go's ".0"
		// layout would write tenths).
		return t.Format("2006-01-02 15:04:05") + ".0"
	}
	return strconv.FormatInt(t.UnixMilli(), 10)
}

// showCertificate answers the v3 details of id in any status (api-ccm
// ShowCertificate; the SDK's ShowCertificateResponse): id, status,
// order_id, name, type (purchase vocabulary, e.g. OV_SSL_CERT), brand,
// push_support, revoke_reason, signature_algorithm, issue_time,
// not_before, not_after ("" until issued, as documented), validity_period
// (months; 12 × EffectiveTime), validation_method, domain_type,
// multi_domain_type, domain, sans, domain_count, wildcard_count,
// fingerprint, shared, description, enterprise_project_id and
// authentification. The times are written in one of three forms
// (TimeFormat), chosen per server from the seed, because the reference
// gives none [unverified]. Status values are the documented ones plus
// CANCLEREVOKING (a revocation being withdrawn, settling to ISSUED; only
// SeedCert creates it). A missing or deleted certificate is 404 with SCM's
// error body (CCM API status codes; fidelity H7; the code, SCM.0008, is
// [unverified]). Auto-renew appears in no response.
func (s *Server) showCertificate(project, id string, now time.Time) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.lookupLocked(project, id, now)
	if err != nil {
		return nil, errNoCertV3()
	}
	doms := c.domains()
	b := showBody{
		ID:                  c.ID,
		Status:              c.Status,
		OrderID:             c.OrderID,
		Name:                c.Name,
		Type:                c.Type,
		Brand:               c.Brand,
		PushSupport:         "OFF",
		RevokeReason:        c.RevokeReason,
		SignatureAlgorithm:  "SHA256WITHRSA",
		ValidityPeriod:      12 * c.EffectiveTime,
		ValidationMethod:    "DNS",
		DomainType:          c.DomainType,
		DomainCount:         c.DomainCount,
		Description:         c.Description,
		EnterpriseProjectID: "0",
		Authentification:    []v3Auth{},
	}
	if len(doms) > 0 {
		b.Domain = doms[0]
		b.Sans = strings.Join(doms[1:], ";")
	}
	if c.DomainType == "MULTI_DOMAIN" {
		b.MultiDomainType = "primary_single"
	}
	if !c.NotAfter.IsZero() {
		notBefore := c.NotAfter.AddDate(-1, 0, 0)
		b.IssueTime = s.timeFormat.format(notBefore)
		b.NotBefore = s.timeFormat.format(notBefore)
		b.NotAfter = s.timeFormat.format(c.NotAfter)
		b.Fingerprint = strings.ToUpper(strconv.FormatUint(uint64(c.NotAfter.UnixNano())^0x5ca1ab1e, 16))
		b.PushSupport = "ON"
	}
	if c.Status == StatusChecking {
		for _, d := range doms {
			b.Authentification = append(b.Authentification, v3Auth{
				RecordName: "_dnsauth." + d, RecordType: "TXT", RecordValue: c.ID + "dnsauth", Domain: d,
			})
		}
	}
	return b, nil
}
