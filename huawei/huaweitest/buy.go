package huaweitest

import (
	"encoding/json"
	"slices"
	"time"
	"unicode/utf8"
)

// The v3 buy (POST /v3/scm/certificates/buy; the SDK's
// PurchaseCertificateRequestBody and api-ccm purchase page). Its documented
// vocabularies, which the adapter cites from the same source:
var (
	buyBrands = []string{"GEOTRUST", "GLOBALSIGN", "SYMANTEC", "CFCA", "TRUSTASIA", "VTRUS"}
	buyTypes  = []string{"DV_SSL_CERT", "DV_SSL_CERT_BASIC", "EV_SSL_CERT", "EV_SSL_CERT_PRO", "OV_SSL_CERT", "OV_SSL_CERT_PRO"}
)

// StatusUnpaid is what the emulator shows for a bought certificate whose
// order is not paid. SCM documents no such status (Terraform's CCM
// resource polls until the status is PAID, so some other value comes
// first) [unverified value]. Normalized, it is provider.StateUnknown.
const StatusUnpaid = "UNPAID"

type buyTag struct {
	Key   *string `json:"key"`
	Value *string `json:"value"`
}

type buyRequest struct {
	CertBrand              *string  `json:"cert_brand"`
	CertType               *string  `json:"cert_type"`
	DomainType             *string  `json:"domain_type"`
	EffectiveTime          *int     `json:"effective_time"`
	DomainNumbers          *int     `json:"domain_numbers"`
	OrderNumber            *int     `json:"order_number"`
	AgreePrivacyProtection *bool    `json:"agree_privacy_protection"`
	PrimaryDomainType      *string  `json:"primary_domain_type"`
	SingleDomainNumber     *int     `json:"single_domain_number"`
	WildcardDomainNumber   *int     `json:"wildcard_domain_number"`
	IsAutoPay              *bool    `json:"is_auto_pay"`
	EnterpriseProjectID    *string  `json:"enterprise_project_id"`
	OrderID                *string  `json:"order_id"`
	Tags                   []buyTag `json:"tags"`
}

func (p *buyRequest) validate() *apiError {
	switch {
	case p.CertBrand == nil || !slices.Contains(buyBrands, *p.CertBrand):
		return errParam("cert_brand must be one of GEOTRUST, GLOBALSIGN, SYMANTEC, CFCA, TRUSTASIA, VTRUS")
	case p.CertType == nil || !slices.Contains(buyTypes, *p.CertType):
		return errParam("cert_type is missing or unknown")
	case p.DomainType == nil || !slices.Contains(purchaseDomainTypes, *p.DomainType):
		return errParam("domain_type must be SINGLE_DOMAIN, MULTI_DOMAIN or WILDCARD")
	case p.EffectiveTime == nil || *p.EffectiveTime < 1 || *p.EffectiveTime > 3:
		return errParam("effective_time must be 1 to 3 years")
	case p.DomainNumbers == nil:
		return errParam("domain_numbers is required")
	case *p.DomainType == "MULTI_DOMAIN" && (*p.DomainNumbers < 2 || *p.DomainNumbers > 100):
		return errParam("domain_numbers must be 2 to 100 for MULTI_DOMAIN")
	case *p.DomainType != "MULTI_DOMAIN" && *p.DomainNumbers != 1:
		return errParam("domain_numbers must be 1 for SINGLE_DOMAIN and WILDCARD")
	case p.OrderNumber == nil || *p.OrderNumber < 1 || *p.OrderNumber > 100:
		return errParam("order_number must be 1 to 100")
	case p.AgreePrivacyProtection == nil || !*p.AgreePrivacyProtection:
		return errParam("agree_privacy_protection must be true")
	}
	for _, t := range p.Tags {
		// Tag limits are Huawei's general ones (TMS: key 1-128, value
		// 0-255 characters) [unverified for SCM].
		if t.Key == nil || *t.Key == "" || utf8.RuneCountInString(*t.Key) > 128 ||
			(t.Value != nil && utf8.RuneCountInString(*t.Value) > 255) {
			return errParam("each tag needs a key of 1 to 128 characters and a value of at most 255")
		}
	}
	return nil
}

// buy creates order_number certificates: PAID when is_auto_pay is true
// and the automatic payment succeeds (see SetAutoPay), otherwise
// StatusUnpaid ("UNPAID" [unverified: SCM documents no unpaid status;
// Terraform polls until PAID, fidelity H9]) until PayOrder. It takes
// cert_brand one of GEOTRUST, GLOBALSIGN, SYMANTEC, CFCA, TRUSTASIA, VTRUS;
// cert_type one of DV_SSL_CERT, DV_SSL_CERT_BASIC, EV_SSL_CERT,
// EV_SSL_CERT_PRO, OV_SSL_CERT, OV_SSL_CERT_PRO; effective_time 1 to 3;
// order_number 1 to 100; tags (key 1-128, value up to 255 characters
// [unverified limits]). A purchase matching a certificate that renews
// itself (Cert.AutoRenew, or EffectiveTime over one year: SCM applies for
// the next one itself, user guide 自动续费, 手动续费; H8) is recorded with
// Purchase.SelfRenewing, the duplicate the guide warns about.
func (s *Server) buy(project string, body []byte, now time.Time) (any, *apiError) {
	var req buyRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, errParam("the body must be a JSON object")
	}
	if err := req.validate(); err != nil {
		return nil, err
	}
	p := Purchase{
		Brand: *req.CertBrand, Type: *req.CertType, DomainType: *req.DomainType,
		DomainNumbers: *req.DomainNumbers, EffectiveTime: *req.EffectiveTime, OrderNumber: *req.OrderNumber,
		Time: now, V3: true, AutoPay: req.IsAutoPay != nil && *req.IsAutoPay,
	}
	for _, t := range req.Tags {
		tag := Tag{Key: *t.Key}
		if t.Value != nil {
			tag.Value = *t.Value
		}
		p.Tags = append(p.Tags, tag)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p.Paid = p.AutoPay && !s.autoPayFails
	p.From = s.renewalSourceLocked(project, &p, now)
	if p.From != "" {
		p.SelfRenewing = s.certs[p.From].selfRenewing()
	}
	status := StatusPaid
	if !p.Paid {
		status = StatusUnpaid
	}
	return s.createLocked(project, &p, status, now), nil
}

// SetAutoPay decides whether the automatic payment of later v3 purchases
// with is_auto_pay succeeds (true, the default) or fails, leaving the
// order unpaid, as an account without enough balance would (fidelity H9).
func (s *Server) SetAutoPay(succeeds bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.autoPayFails = !succeeds
}

// PayOrder pays every unpaid certificate of order orderID, out of band:
// they move from StatusUnpaid to PAID. It reports how many it paid.
func (s *Server) PayOrder(orderID string) int {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.certs {
		if c.OrderID == orderID && c.Status == StatusUnpaid {
			c.setStatus(StatusPaid, now)
			n++
		}
	}
	return n
}

// selfRenewing reports whether c applies for its next certificate by
// itself, so that buying a renewal would buy a second one (user guide,
// 自动续费 and 手动续费; fidelity H8): auto-renew is on, or it is a
// multi-year certificate (validity_period over 12 months).
func (c *cert) selfRenewing() bool { return c.AutoRenew || c.EffectiveTime > 1 }
