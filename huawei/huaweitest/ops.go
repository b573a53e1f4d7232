package huaweitest

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// The emulated APIs, by the names Fault.Action, SetQPS and Request.Action
// use. A v2 and a v3 request for the same thing share a name, so a fault or
// QPS limit on ActionDetails, ActionDelete or ActionPurchase covers both;
// Request.Path tells them apart.
const (
	// ActionCancelCert is POST /v2/{project_id}/scm/cert/{cert_id}/cancel-cert.
	ActionCancelCert = "cancel-cert"
	// ActionRevoke is POST /v2/{project_id}/scm/cert/{cert_id}/revoke.
	ActionRevoke = "revoke"
	// ActionDelete is DELETE /v2/{project_id}/scm/cert/{cert_id} and DELETE
	// /v3/scm/certificates/{certificate_id}.
	ActionDelete = "delete"
	// ActionDetails is GET /v2/{project_id}/scm/cert/{cert_id} and GET
	// /v3/scm/certificates/{certificate_id}.
	ActionDetails = "details"
	// ActionList is GET /v2/{project_id}/scm/certlist and GET
	// /v3/scm/certificates.
	ActionList = "list"
	// ActionPurchase is POST /v2/{project_id}/scm/cert/purchase and POST
	// /v3/scm/certificates/buy.
	ActionPurchase = "purchase"
	// ActionListByTag is POST /v3/scm/resource_instances/action
	// (ListCertificatesByTag; see tags.go).
	ActionListByTag = "list-by-tag"
)

// maxReasonLen is the longest revoke reason, in characters.
const maxReasonLen = 63

// apply runs the operation of rt and returns the success status and JSON
// body.
func (s *Server) apply(rt route, body []byte, now time.Time) (int, []byte, *apiError) {
	var (
		v   any
		err *apiError
	)
	switch {
	case rt.v3 && rt.api == ActionPurchase:
		v, err = s.buy(rt.project, body, now)
	case rt.v3 && rt.api == ActionList:
		v, err = s.listV3(rt.project, rt.query, now)
	case rt.v3 && rt.api == ActionListByTag:
		v, err = s.listByTag(rt.project, body, now)
	case rt.v3 && !validCertID(rt.certID):
		// The v3 reference bounds certificate_id to 16 characters.
		return 0, nil, errCertID()
	case rt.v3 && rt.api == ActionDelete:
		if err := s.deleteCert(rt.project, rt.certID, now, true); err != nil {
			return 0, nil, err
		}
		return http.StatusNoContent, nil, nil
	case rt.v3 && rt.api == ActionDetails:
		v, err = s.showCertificate(rt.project, rt.certID, now)
	}
	switch {
	case rt.v3:
	case rt.api == ActionList:
		v, err = s.list(rt.project, rt.query, now)
	case rt.api == ActionPurchase:
		v, err = s.purchase(rt.project, body, now)
	default:
		if !validCertID(rt.certID) {
			return 0, nil, errCertID()
		}
		switch rt.api {
		case ActionCancelCert:
			v, err = s.cancelCert(rt.project, rt.certID, now)
		case ActionRevoke:
			v, err = s.revoke(rt.project, rt.certID, body, now)
		case ActionDelete:
			if err = s.deleteCert(rt.project, rt.certID, now, false); err == nil {
				v = messageBody{Message: "success"}
			}
		default:
			v, err = s.details(rt.project, rt.certID, now)
		}
	}
	if err != nil {
		return 0, nil, err
	}
	b, mErr := json.Marshal(v)
	if mErr != nil {
		return 0, nil, errServer()
	}
	return http.StatusOK, b, nil
}

type messageBody struct {
	CertID  string `json:"cert_id,omitempty"`
	Message string `json:"message"`
}

// cancelCert: CHECKING -> CANCELCHECKING, which settles to PAID with the
// certificate's Cancelled flag set, or, when the withdrawal fails late
// because the CA had already approved, to ISSUED (user guide,
// 撤回SSL证书申请; fidelity H12): WithLateCancelFailure draws that per
// cancel from the seed, FailCancel decides it for one certificate.
// SUPPLEMENTCHECKING -> CANCELSUPPLEMENTING, which settles back to ISSUED
// (the withdrawal of an extra-domain request). Any other status is
// SCM.0010, ISSUING ("about to issue", v3) included: the guide lists only
// pending domain or organisation validation and the review of added
// domains (H13) [unverified refusal]. Answers
// {"cert_id":…,"message":"success"}.
func (s *Server) cancelCert(project, id string, now time.Time) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.lookupLocked(project, id, now)
	if err != nil {
		return nil, err
	}
	switch c.Status {
	case StatusChecking:
		c.setStatus(StatusCancelChecking, now)
		c.cancelFails = s.cfg.lateCancel > 0 && s.cancelRNG.Float64() < s.cfg.lateCancel
	case StatusSupplementChecking:
		c.setStatus(StatusCancelSupplementing, now)
	default:
		return nil, errStatus()
	}
	return messageBody{CertID: id, Message: "success"}, nil
}

// inRenewalPeriod reports whether c expires within ExpiringWindow: the
// user guide (吊销SSL证书) refuses revocation "in the renewal period, within
// one month before expiry", for every certificate.
func inRenewalPeriod(c *cert, now time.Time) bool {
	return !c.NotAfter.IsZero() && c.NotAfter.Sub(now) <= ExpiringWindow
}

// revoke: ISSUED only, and not within ExpiringWindow (30 days) of
// NotAfter, whatever the source: the user guide (吊销SSL证书) refuses
// revocation in the renewal period, one month before expiry (SCM.0010
// [unverified code: the guide names none]) -> REVOKING, which settles to
// REVOKED. The body {"reason": string} is required; a missing body or
// field, or a reason over 63 characters (Unicode code points), is
// SCM.0005. Answers {"message":"success"}.
func (s *Server) revoke(project, id string, body []byte, now time.Time) (any, *apiError) {
	var req struct {
		Reason *string `json:"reason"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, errParam("the body must be a JSON object with a reason")
	}
	if req.Reason == nil {
		return nil, errParam("reason is required")
	}
	if utf8.RuneCountInString(*req.Reason) > maxReasonLen {
		return nil, errParam("reason is longer than 63 characters")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.lookupLocked(project, id, now)
	if err != nil {
		return nil, err
	}
	if c.Status != StatusIssued || inRenewalPeriod(c, now) {
		return nil, errStatus()
	}
	c.setStatus(StatusRevoking, now)
	c.RevokeReason = *req.Reason
	return messageBody{Message: "success"}, nil
}

// deleteCert removes a certificate the user guide lets be deleted (see
// deletable); anything else is SCM.0010. The certificate is then gone and
// later v2 calls answer SCM.0008. v2 answers {"message":"success"}; v3
// answers 204 with no body, and an unknown certificate with 404 (see
// errNoCertV3).
func (s *Server) deleteCert(project, id string, now time.Time, v3 bool) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.lookupLocked(project, id, now)
	if err != nil {
		if v3 {
			return errNoCertV3()
		}
		return err
	}
	if !deletable(c) {
		return errStatus()
	}
	delete(s.certs, id)
	return nil
}

// deletable applies the user guide's rules (删除SSL证书; fidelity H11):
// paid certificates when ISSUED, REVOKED or EXPIRED; free ones (Source
// free, DigiCert DV (Basic) single-domain) when PAID (pending
// application), REVOKED or EXPIRED; uploaded ones (UPLOAD).
func deletable(c *cert) bool {
	switch c.Status {
	case StatusRevoked, StatusExpired, StatusUpload:
		return true
	case StatusIssued:
		return c.Source == SourcePurchased
	case StatusPaid:
		return c.Source == SourceFree
	}
	return false
}

// authEntry is one domain validation entry of the details.
type authEntry struct {
	Method     string `json:"method"`
	Status     string `json:"status"`
	DomainName string `json:"domain_name"`
	HostRecord string `json:"host_record"`
	RecordType string `json:"record_type"`
	Record     string `json:"record"`
}

// detailsBody is the v2 certificate details, field for field as documented.
type detailsBody struct {
	CertID           string      `json:"cert_id"`
	OrderID          string      `json:"order_id"`
	CertName         string      `json:"cert_name"`
	CertType         string      `json:"cert_type"`
	CertBrand        string      `json:"cert_brand"`
	DomainType       string      `json:"domain_type"`
	DomainName       string      `json:"domain_name"`
	DomainNumber     int         `json:"domain_number"`
	CertDescribe     string      `json:"cert_describe"`
	PushSupport      string      `json:"push_support"`
	RevokeReason     string      `json:"revoke_reason"`
	CompanyName      string      `json:"company_name"`
	CompanyProvince  string      `json:"company_province"`
	CompanyCity      string      `json:"company_city"`
	ApplicantName    string      `json:"applicant_name"`
	ApplicantPhone   string      `json:"applicant_phone"`
	ApplicantEmail   string      `json:"applicant_email"`
	ContactName      string      `json:"contact_name"`
	ContactPhone     string      `json:"contact_phone"`
	ContactEmail     string      `json:"contact_email"`
	Status           string      `json:"status"`
	EncryptType      string      `json:"encrypt_type"`
	Country          string      `json:"country"`
	OrganizationUnit string      `json:"organization_unit"`
	DNSPushStatus    string      `json:"DNS_push_status"`
	Auth             []authEntry `json:"auth"`
}

// details reports certificate id in any status. The v2 details carry no
// expiry date; the fields are those of the documentation (cert_id,
// order_id, cert_name, cert_type, cert_brand, domain_type, domain_name,
// domain_number, cert_describe, push_support, revoke_reason, applicant and
// company fields, status, encrypt_type, DNS_push_status, auth).
func (s *Server) details(project, id string, now time.Time) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.lookupLocked(project, id, now)
	if err != nil {
		return nil, err
	}
	d := detailsBody{
		CertID:       c.ID,
		OrderID:      c.OrderID,
		CertName:     c.Name,
		CertType:     shortType(c.Type),
		CertBrand:    c.Brand,
		DomainType:   c.DomainType,
		DomainName:   strings.Join(c.domains(), ";"),
		DomainNumber: c.DomainCount,
		CertDescribe: c.Description,
		PushSupport:  "off",
		RevokeReason: c.RevokeReason,
		Status:       c.Status,
		EncryptType:  "SHA256withRSA2048",
		Auth:         []authEntry{},
	}
	applied := c.Status != StatusPaid && c.Source != SourceUploaded
	if applied {
		d.CompanyName, d.CompanyProvince, d.CompanyCity = "Example Co., Ltd.", "Guangdong", "Shenzhen"
		d.ApplicantName, d.ApplicantPhone, d.ApplicantEmail = "Applicant", "13000000000", "applicant@example.com"
		d.ContactName, d.ContactPhone, d.ContactEmail = "Contact", "13000000001", "contact@example.com"
		d.Country, d.OrganizationUnit, d.DNSPushStatus = "CN", "IT", "OFF"
	} else {
		d.DNSPushStatus = "NONE"
	}
	if c.Status == StatusIssued {
		d.PushSupport = "on"
	}
	if c.Status == StatusChecking {
		for _, dom := range c.domains() {
			d.Auth = append(d.Auth, authEntry{
				Method: "DNS", Status: "checking", DomainName: dom,
				HostRecord: "_dnsauth", RecordType: "TXT", Record: c.ID + "dnsauth",
			})
		}
	}
	return d, nil
}
