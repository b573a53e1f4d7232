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
	apiDetails  = "details"            // v2 details
	apiList     = "list"
	apiPurchase = "purchase"
)

const (
	pathV3Cert   = "/v3/scm/certificates/{certificate_id}"
	pathCert     = "/v2/{project_id}/scm/cert/{cert_id}"
	pathCancel   = "/v2/{project_id}/scm/cert/{cert_id}/cancel-cert"
	pathRevoke   = "/v2/{project_id}/scm/cert/{cert_id}/revoke"
	pathList     = "/v2/{project_id}/scm/certlist"
	pathPurchase = "/v2/{project_id}/scm/cert/purchase"
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

// listReq is the certlist query; nil fields are not sent.
type listReq struct {
	OrderStatus *string `json:"order_status,omitempty"`
	Content     *string `json:"content,omitempty"`
	Limit       *string `json:"limit,omitempty"`
}

type purchaseBody struct {
	CertBrand              string `json:"cert_brand"`
	CertType               string `json:"cert_type"`
	DomainType             string `json:"domain_type"`
	EffectiveTime          int    `json:"effective_time"`
	DomainNumbers          int    `json:"domain_numbers"`
	OrderNumber            int    `json:"order_number"`
	AgreePrivacyProtection bool   `json:"agree_privacy_protection"`
}

type purchaseReq struct {
	Body *purchaseBody `json:"body,omitempty"`
}

// messageResp is the answer of cancel-cert, revoke and delete.
type messageResp struct {
	CertID         string `json:"cert_id"`
	Message        string `json:"message"`
	HttpStatusCode int    `json:"-"`
}

// detailsResp holds the fields of the certificate details the adapter
// uses.
type detailsResp struct {
	CertID         string  `json:"cert_id"`
	CertType       string  `json:"cert_type"`
	CertBrand      string  `json:"cert_brand"`
	DomainType     string  `json:"domain_type"`
	DomainName     string  `json:"domain_name"`
	DomainNumber   flexInt `json:"domain_number"`
	Status         string  `json:"status"`
	HttpStatusCode int     `json:"-"`
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
	ID             looseString `json:"id"`
	Status         looseString `json:"status"`
	Type           looseString `json:"type"`
	Brand          looseString `json:"brand"`
	DomainType     looseString `json:"domain_type"`
	Domain         looseString `json:"domain"`
	DomainCount    looseInt    `json:"domain_count"`
	ValidityPeriod looseInt    `json:"validity_period"`
	NotAfter       looseTime   `json:"not_after"`
	HttpStatusCode int         `json:"-"`
}

// listRow is one entry of certlist's order_list. The documented sample
// writes order_state where the field table says order_status; both are
// read.
type listRow struct {
	CertID      string   `json:"cert_id"`
	Domain      string   `json:"domain"`
	OrderStatus string   `json:"order_status"`
	OrderState  string   `json:"order_state"`
	ExpiredTime flexTime `json:"expired_time"`
}

type listResp struct {
	Total          flexInt   `json:"total"`
	OrderList      []listRow `json:"order_list"`
	HttpStatusCode int       `json:"-"`
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

func queryField(name, tag string) *def.FieldDef {
	return def.NewFieldDef().WithName(name).WithJsonTag(tag).WithLocationType(def.Query)
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
	return newDef(http.MethodGet, pathV3Cert, new(showResp), pathField("CertificateID", "certificate_id"))
}

func detailsDef() *def.HttpRequestDef {
	return newDef(http.MethodGet, pathCert, new(detailsResp), pathField("CertID", "cert_id"))
}

func listDef() *def.HttpRequestDef {
	return newDef(http.MethodGet, pathList, new(listResp),
		queryField("OrderStatus", "order_status"),
		queryField("Content", "content"),
		queryField("Limit", "limit"))
}

func purchaseDef() *def.HttpRequestDef {
	return newDef(http.MethodPost, pathPurchase, new(purchaseResp), bodyField())
}
