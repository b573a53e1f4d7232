package huaweitest

import (
	"encoding/json"
	"slices"
	"time"
)

// Purchase is one successful purchase request.
type Purchase struct {
	// OrderID is the order_id answered.
	OrderID string
	// CertIDs are the new certificates, in PAID.
	CertIDs []string
	// Brand, Type and DomainType are cert_brand, cert_type and domain_type
	// as sent.
	Brand, Type, DomainType string
	// DomainNumbers, EffectiveTime and OrderNumber are as sent.
	DomainNumbers, EffectiveTime, OrderNumber int
	// From is the certificate this purchase renews, when the emulator can
	// tell: the one certificate of the project that is ISSUED, purchased,
	// inside its renewal window (ExpiringWindow) and of the identical spec
	// (brand, type, domain type, domain count). "" when there is no such
	// certificate or more than one. The SCM API has no renew call, so this
	// is an inference.
	From string
	// Time is when the purchase was made, by the emulator's clock.
	Time time.Time
	// V3 is set for POST /v3/scm/certificates/buy, unset for the v2
	// purchase.
	V3 bool
	// AutoPay is is_auto_pay as sent (v3); Paid says whether the order
	// was paid when it was created. A v2 purchase, which has no pay flag,
	// is always paid.
	AutoPay, Paid bool
	// Tags are the tags sent (v3).
	Tags []Tag
	// SelfRenewing is set when From renews itself (auto-renew on, or a
	// multi-year certificate that applies for its next one): the purchase
	// then bought a second renewal (fidelity H8).
	SelfRenewing bool
}

// Tag is one tag sent with a v3 purchase.
type Tag struct{ Key, Value string }

// Renewal is one certificate created by a purchase, seen as a renewal.
type Renewal struct {
	// From is Purchase.From: the renewed certificate, or "" when the
	// emulator cannot tell.
	From string
	// NewID is the new certificate.
	NewID string
}

// Purchases returns every successful purchase, oldest first.
func (s *Server) Purchases() []Purchase {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.purchases)
	for i := range out {
		out[i].CertIDs = slices.Clone(out[i].CertIDs)
		out[i].Tags = slices.Clone(out[i].Tags)
	}
	return out
}

// Renewals returns one entry per certificate created by purchase, oldest
// first. SCM has no renew API: a renewal is a purchase of an identical
// spec, so every purchased certificate is listed, with From set when the
// purchase matched exactly one renewable certificate (see Purchase.From).
func (s *Server) Renewals() []Renewal {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Renewal
	for _, p := range s.purchases {
		for _, id := range p.CertIDs {
			out = append(out, Renewal{From: p.From, NewID: id})
		}
	}
	return out
}

var (
	purchaseBrands      = []string{"GLOBALSIGN", "SYMANTEC", "GEOTRUST", "CFCA"}
	purchaseTypes       = []string{"OV_SSL_CERT", "EV_SSL_CERT", "DV_SSL_CERT", "DV_SSL_CERT_BASIC", "OV_SSL_CERT_PRO", "EV_SSL_CERT_PRO"}
	purchaseDomainTypes = []string{"SINGLE_DOMAIN", "MULTI_DOMAIN", "WILDCARD"}
)

type purchaseRequest struct {
	CertBrand              *string `json:"cert_brand"`
	CertType               *string `json:"cert_type"`
	DomainType             *string `json:"domain_type"`
	EffectiveTime          *int    `json:"effective_time"`
	DomainNumbers          *int    `json:"domain_numbers"`
	OrderNumber            *int    `json:"order_number"`
	AgreePrivacyProtection *bool   `json:"agree_privacy_protection"`
}

type purchaseBody struct {
	OrderID string           `json:"order_id"`
	Cert    []purchaseCertID `json:"cert"`
}

type purchaseCertID struct {
	CertID string `json:"cert_id"`
}

func (p *purchaseRequest) validate() *apiError {
	switch {
	case p.CertBrand == nil || !slices.Contains(purchaseBrands, *p.CertBrand):
		return errParam("cert_brand must be GLOBALSIGN, SYMANTEC, GEOTRUST or CFCA")
	case p.CertType == nil || !slices.Contains(purchaseTypes, *p.CertType):
		return errParam("cert_type is missing or unknown")
	case p.DomainType == nil || !slices.Contains(purchaseDomainTypes, *p.DomainType):
		return errParam("domain_type must be SINGLE_DOMAIN, MULTI_DOMAIN or WILDCARD")
	case p.EffectiveTime == nil || *p.EffectiveTime != 1 && *p.EffectiveTime != 2:
		return errParam("effective_time must be 1 or 2")
	case p.DomainNumbers == nil:
		return errParam("domain_numbers is required")
	case *p.DomainType == "MULTI_DOMAIN" && (*p.DomainNumbers < 2 || *p.DomainNumbers > 100):
		return errParam("domain_numbers must be 2 to 100 for MULTI_DOMAIN")
	case *p.DomainType != "MULTI_DOMAIN" && *p.DomainNumbers != 1:
		return errParam("domain_numbers must be 1 for SINGLE_DOMAIN and WILDCARD")
	case p.OrderNumber == nil || *p.OrderNumber < 1 || *p.OrderNumber > 1000:
		return errParam("order_number must be 1 to 1000")
	case p.AgreePrivacyProtection == nil || !*p.AgreePrivacyProtection:
		return errParam("agree_privacy_protection must be true")
	}
	return nil
}

// purchase (v2) creates order_number new certificates in PAID (v2 has no
// pay flag). A purchase that matches one renewable certificate records it
// as Purchase.From (see Renewals).
func (s *Server) purchase(project string, body []byte, now time.Time) (any, *apiError) {
	var req purchaseRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, errParam("the body must be a JSON object")
	}
	if err := req.validate(); err != nil {
		return nil, err
	}
	p := Purchase{
		Brand: *req.CertBrand, Type: *req.CertType, DomainType: *req.DomainType,
		DomainNumbers: *req.DomainNumbers, EffectiveTime: *req.EffectiveTime, OrderNumber: *req.OrderNumber,
		Time: now,
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p.Paid = true
	p.From = s.renewalSourceLocked(project, &p, now)
	if p.From != "" {
		p.SelfRenewing = s.certs[p.From].selfRenewing()
	}
	return s.createLocked(project, &p, StatusPaid, now), nil
}

// createLocked creates the certificates of purchase p in status and
// records p. Each certificate carries p's tags: the buy's tags are the
// new certificates' (ListCertificatesByTag finds them by those tags)
// [unverified: the purchase page says only "tags"; that every
// certificate of an order with order_number over 1 gets them is the
// emulator's choice].
func (s *Server) createLocked(project string, p *Purchase, status string, now time.Time) purchaseBody {
	p.OrderID = s.newOrderIDLocked(now)
	out := purchaseBody{OrderID: p.OrderID, Cert: []purchaseCertID{}}
	for range p.OrderNumber {
		id := s.newCertIDLocked()
		s.seq++
		s.certs[id] = &cert{
			Cert: Cert{
				ID: id, OrderID: p.OrderID, ProjectID: project, Status: status,
				Brand: p.Brand, Type: p.Type, DomainType: p.DomainType, DomainCount: p.DomainNumbers,
				Name: "cert-" + id[len(id)-6:], EffectiveTime: p.EffectiveTime, Source: SourcePurchased,
				Tags: slices.Clone(p.Tags),
			},
			seq: s.seq, updated: now, pendingSince: now,
		}
		p.CertIDs = append(p.CertIDs, id)
		out.Cert = append(out.Cert, purchaseCertID{CertID: id})
	}
	s.purchases = append(s.purchases, *p)
	return out
}

// renewalSourceLocked finds the one certificate p could renew, or "".
func (s *Server) renewalSourceLocked(project string, p *Purchase, now time.Time) string {
	from := ""
	for _, c := range s.certs {
		if c.ProjectID != project {
			continue
		}
		s.refreshLocked(c, now)
		if c.Status != StatusIssued || !c.expiring(now) ||
			c.Brand != p.Brand || c.Type != p.Type || c.DomainType != p.DomainType || c.DomainCount != p.DomainNumbers {
			continue
		}
		if from != "" {
			return ""
		}
		from = c.ID
	}
	return from
}
