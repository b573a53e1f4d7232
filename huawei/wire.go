package huawei

import (
	"net/http"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/def"
)

// The v2 SCM API as request definitions for the SDK core. The SDK's SCM v3
// client has no v2 paths and no revoke, so the adapter declares them
// itself. FieldDef names are Go field names, read by reflection; JsonTag is
// the path placeholder or query key. {project_id} is filled by the SDK's
// basic credentials. Every response type has HttpStatusCode, which the SDK
// sets by reflection after a successful call (without it, it panics), and
// a new definition is built for every call, because the SDK keeps the
// decoded response in the definition.

// API names, as passed to provider.Pace and used in logs.
const (
	apiCancel   = "cancel-cert"
	apiRevoke   = "revoke"
	apiDelete   = "delete-certificate" // v3
	apiShow     = "show-certificate"   // v3 details
	apiPurchase = "purchase"
)

const (
	pathV3Cert = "/v3/scm/certificates/{certificate_id}"
	pathV3Buy  = "/v3/scm/certificates/buy"
	pathCancel = "/v2/{project_id}/scm/cert/{cert_id}/cancel-cert"
	pathRevoke = "/v2/{project_id}/scm/cert/{cert_id}/revoke"
)

// certReq addresses one certificate by path.
type certReq struct {
	CertID string `json:"cert_id"`
}

type revokeBody struct {
	Reason string `json:"reason"`
}

type revokeReq struct {
	CertID string      `json:"cert_id"`
	Body   *revokeBody `json:"body,omitempty"`
}

type buyTag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// buyBody is the v3 buy body (the SDK's PurchaseCertificateRequestBody).
type buyBody struct {
	CertBrand              string   `json:"cert_brand"`
	CertType               string   `json:"cert_type"`
	DomainType             string   `json:"domain_type"`
	EffectiveTime          int      `json:"effective_time"`
	DomainNumbers          int      `json:"domain_numbers"`
	OrderNumber            int      `json:"order_number"`
	AgreePrivacyProtection bool     `json:"agree_privacy_protection"`
	IsAutoPay              bool     `json:"is_auto_pay"`
	Tags                   []buyTag `json:"tags,omitempty"`
}

type buyReq struct {
	Body *buyBody `json:"body,omitempty"`
}

// messageResp is the answer of cancel-cert, revoke and delete.
type messageResp struct {
	CertID         string `json:"cert_id"`
	Message        string `json:"message"`
	HttpStatusCode int    `json:"-"`
}

// v3CertReq addresses one certificate on a v3 path.
type v3CertReq struct {
	CertificateID string `json:"certificate_id"`
}

// showResp holds the fields of the v3 certificate details the adapter
// uses. Every field decodes leniently (see loose.go): one field SCM
// writes in an unexpected form leaves that field empty instead of failing
// the whole response.
type showResp struct {
	ID              looseString `json:"id"`
	Status          looseString `json:"status"`
	Type            looseString `json:"type"`
	Brand           looseString `json:"brand"`
	DomainType      looseString `json:"domain_type"`
	Domain          looseString `json:"domain"`
	DomainCount     looseInt    `json:"domain_count"`
	WildcardCount   looseInt    `json:"wildcard_count"`
	MultiDomainType looseString `json:"multi_domain_type"`
	ValidityPeriod  looseInt    `json:"validity_period"`
	NotAfter        looseTime   `json:"not_after"`
	HttpStatusCode  int         `json:"-"`
}

type purchasedCert struct {
	CertID string `json:"cert_id"`
}

type purchaseResp struct {
	OrderID        string          `json:"order_id"`
	Cert           []purchasedCert `json:"cert"`
	HttpStatusCode int             `json:"-"`
}

func pathField(name, tag string) *def.FieldDef {
	return def.NewFieldDef().WithName(name).WithJsonTag(tag).WithLocationType(def.Path)
}

func bodyField() *def.FieldDef {
	return def.NewFieldDef().WithName("Body").WithLocationType(def.Body)
}

// newDef builds a fresh request definition.
func newDef(method, path string, resp any, fields ...*def.FieldDef) *def.HttpRequestDef {
	b := def.NewHttpRequestDefBuilder().
		WithMethod(method).
		WithPath(path).
		WithResponse(resp).
		WithContentType("application/json")
	for _, f := range fields {
		b.WithRequestField(f)
	}
	return b.Build()
}

func cancelDef() *def.HttpRequestDef {
	return newDef(http.MethodPost, pathCancel, new(messageResp), pathField("CertID", "cert_id"))
}

func revokeDef() *def.HttpRequestDef {
	return newDef(http.MethodPost, pathRevoke, new(messageResp), pathField("CertID", "cert_id"), bodyField())
}

func deleteDef() *def.HttpRequestDef {
	return newDef(http.MethodDelete, pathV3Cert, new(messageResp), pathField("CertificateID", "certificate_id"))
}

func showDef() *def.HttpRequestDef {
	return newDef(http.MethodGet, pathV3Cert, new(rawBody), pathField("CertificateID", "certificate_id"))
}

func buyDef() *def.HttpRequestDef {
	return newDef(http.MethodPost, pathV3Buy, new(purchaseResp), bodyField())
}
