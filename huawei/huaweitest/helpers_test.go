package huaweitest

// Helpers that drive the emulator with the real Huawei SDK core client, as
// an adapter would: basic credentials, HcHttpClient, and hand-written v2
// request definitions (the SDK ships none for v2).

import (
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	hwconfig "github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/def"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
)

type client struct{ hc *core.HcHttpClient }

// testUserAgent is the User-Agent every test client sets. Without one the
// SDK's first client build computes its own, and doing so writes
// $HOME/.huaweicloud/application_id (core/utils/sys_utils.go).
const testUserAgent = "certbroker-huaweitest"

// newClient builds an SDK client for endpoint; cfg nil means the default
// HTTP config with a 10 s timeout. The config gets testUserAgent unless it
// has a User-Agent already.
func newClient(t testing.TB, endpoint, ak, sk, project string, cfg *hwconfig.HttpConfig) *client {
	t.Helper()
	cred, err := basic.NewCredentialsBuilder().WithAk(ak).WithSk(sk).WithProjectId(project).SafeBuild()
	if err != nil {
		t.Fatalf("credentials: %v", err)
	}
	if cfg == nil {
		cfg = hwconfig.DefaultHttpConfig().WithTimeout(10 * time.Second)
	}
	if cfg.UserAgent == "" {
		cfg.WithUserAgent(testUserAgent)
	}
	hc, err := core.NewHcHttpClientBuilder().
		WithCredentialsType("basic.Credentials").
		WithCredential(cred).
		WithEndpoints([]string{endpoint}).
		WithHttpConfig(cfg).
		SafeBuild()
	if err != nil {
		t.Fatalf("client: %v", err)
	}
	return &client{hc: hc}
}

// newServer starts an emulator closed at the end of the test, and a client
// with its default credentials.
func newServer(t testing.TB, opts ...Option) (*Server, *client) {
	t.Helper()
	s := NewServer(opts...)
	t.Cleanup(s.Close)
	return s, newClient(t, s.URL(), s.AccessKeyID(), s.AccessKeySecret(), s.ProjectID(), nil)
}

// Request and response types. Every response type has HttpStatusCode, as
// the SDK requires, and captures the X-Request-Id header.

type certReq struct {
	CertId string `json:"cert_id"`
}

type revokeBody struct {
	Reason *string `json:"reason,omitempty"`
}

type revokeReq struct {
	CertId string      `json:"cert_id"`
	Body   *revokeBody `json:"body,omitempty"`
}

type msgResp struct {
	CertId         *string `json:"cert_id,omitempty"`
	Message        *string `json:"message,omitempty"`
	XRequestId     *string `json:"X-Request-Id,omitempty"`
	HttpStatusCode int     `json:"-"`
}

type detailsResp struct {
	CertId         string  `json:"cert_id"`
	OrderId        string  `json:"order_id"`
	CertName       string  `json:"cert_name"`
	CertType       string  `json:"cert_type"`
	CertBrand      string  `json:"cert_brand"`
	DomainType     string  `json:"domain_type"`
	DomainName     string  `json:"domain_name"`
	DomainNumber   int     `json:"domain_number"`
	Status         string  `json:"status"`
	RevokeReason   string  `json:"revoke_reason"`
	EncryptType    string  `json:"encrypt_type"`
	PushSupport    string  `json:"push_support"`
	XRequestId     *string `json:"X-Request-Id,omitempty"`
	HttpStatusCode int     `json:"-"`
}

type listReq struct {
	OrderStatus *string `json:"order_status,omitempty"`
	Content     *string `json:"content,omitempty"`
	SortKey     *string `json:"sort_key,omitempty"`
	SortDir     *string `json:"sort_dir,omitempty"`
	Limit       *int32  `json:"limit,omitempty"`
	Offset      *int32  `json:"offset,omitempty"`
}

type sdkListItem struct {
	CertId         string `json:"cert_id"`
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
}

type listResp struct {
	Total          int           `json:"total"`
	FreeRemain     int           `json:"free_remain"`
	OrderList      []sdkListItem `json:"order_list"`
	XRequestId     *string       `json:"X-Request-Id,omitempty"`
	HttpStatusCode int           `json:"-"`
}

type sdkPurchaseBody struct {
	CertBrand              *string `json:"cert_brand,omitempty"`
	CertType               *string `json:"cert_type,omitempty"`
	DomainType             *string `json:"domain_type,omitempty"`
	EffectiveTime          *int    `json:"effective_time,omitempty"`
	DomainNumbers          *int    `json:"domain_numbers,omitempty"`
	OrderNumber            *int    `json:"order_number,omitempty"`
	AgreePrivacyProtection *bool   `json:"agree_privacy_protection,omitempty"`
}

type purchaseReq struct {
	Body *sdkPurchaseBody `json:"body,omitempty"`
}

type purchaseResp struct {
	OrderId string `json:"order_id"`
	Cert    []struct {
		CertId string `json:"cert_id"`
	} `json:"cert"`
	XRequestId     *string `json:"X-Request-Id,omitempty"`
	HttpStatusCode int     `json:"-"`
}

func ptr[T any](v T) *T { return &v }

// newDef builds a fresh request definition (the SDK keeps the response in
// it, so one per call).
func newDef(method, path, contentType string, resp any) *def.HttpRequestDefBuilder {
	b := def.NewHttpRequestDefBuilder().WithMethod(method).WithPath(path).WithResponse(resp).WithContentType(contentType)
	b.WithResponseField(def.NewFieldDef().WithName("XRequestId").WithJsonTag("X-Request-Id").WithLocationType(def.Header))
	return b
}

func certField() *def.FieldDef {
	return def.NewFieldDef().WithName("CertId").WithJsonTag("cert_id").WithLocationType(def.Path)
}

func bodyField() *def.FieldDef { return def.NewFieldDef().WithName("Body").WithLocationType(def.Body) }

func (c *client) cancel(id string) (*msgResp, error) {
	d := newDef(http.MethodPost, "/v2/{project_id}/scm/cert/{cert_id}/cancel-cert", "application/json", new(msgResp)).
		WithRequestField(certField()).Build()
	out, err := c.hc.Sync(&certReq{CertId: id}, d)
	if err != nil {
		return nil, err
	}
	return out.(*msgResp), nil
}

func (c *client) revoke(id string, reason *string) (*msgResp, error) {
	return c.revokeAs(id, &revokeBody{Reason: reason}, "application/json")
}

func (c *client) revokeAs(id string, body *revokeBody, contentType string) (*msgResp, error) {
	d := newDef(http.MethodPost, "/v2/{project_id}/scm/cert/{cert_id}/revoke", contentType, new(msgResp)).
		WithRequestField(certField()).WithRequestField(bodyField()).Build()
	out, err := c.hc.Sync(&revokeReq{CertId: id, Body: body}, d)
	if err != nil {
		return nil, err
	}
	return out.(*msgResp), nil
}

func (c *client) del(id string) (*msgResp, error) {
	d := newDef(http.MethodDelete, "/v2/{project_id}/scm/cert/{cert_id}", "application/json", new(msgResp)).
		WithRequestField(certField()).Build()
	out, err := c.hc.Sync(&certReq{CertId: id}, d)
	if err != nil {
		return nil, err
	}
	return out.(*msgResp), nil
}

func (c *client) details(id string) (*detailsResp, error) {
	d := newDef(http.MethodGet, "/v2/{project_id}/scm/cert/{cert_id}", "application/json", new(detailsResp)).
		WithRequestField(certField()).Build()
	out, err := c.hc.Sync(&certReq{CertId: id}, d)
	if err != nil {
		return nil, err
	}
	return out.(*detailsResp), nil
}

func (c *client) list(q listReq) (*listResp, error) {
	b := newDef(http.MethodGet, "/v2/{project_id}/scm/certlist", "application/json", new(listResp))
	for name, tag := range map[string]string{
		"OrderStatus": "order_status", "Content": "content", "SortKey": "sort_key",
		"SortDir": "sort_dir", "Limit": "limit", "Offset": "offset",
	} {
		b.WithRequestField(def.NewFieldDef().WithName(name).WithJsonTag(tag).WithLocationType(def.Query))
	}
	out, err := c.hc.Sync(&q, b.Build())
	if err != nil {
		return nil, err
	}
	return out.(*listResp), nil
}

func (c *client) purchase(body *sdkPurchaseBody) (*purchaseResp, error) {
	d := newDef(http.MethodPost, "/v2/{project_id}/scm/cert/purchase", "application/json", new(purchaseResp)).
		WithRequestField(bodyField()).Build()
	out, err := c.hc.Sync(&purchaseReq{Body: body}, d)
	if err != nil {
		return nil, err
	}
	return out.(*purchaseResp), nil
}

// call runs one of the cert-scoped APIs on id.
func (c *client) call(api, id string) error {
	var err error
	switch api {
	case ActionCancelCert:
		_, err = c.cancel(id)
	case ActionRevoke:
		_, err = c.revoke(id, ptr("key compromise"))
	case ActionDelete:
		_, err = c.del(id)
	case ActionDetails:
		_, err = c.details(id)
	default:
		panic("unknown api " + api)
	}
	return err
}

// wantCode checks that err is the SDK's service error with status and code,
// and a request ID.
func wantCode(t testing.TB, err error, status int, code string) *sdkerr.ServiceResponseError {
	t.Helper()
	var sre *sdkerr.ServiceResponseError
	if !errors.As(err, &sre) {
		t.Fatalf("got error %v (%T), want a service error %d %s", err, err, status, code)
	}
	if sre.StatusCode != status || sre.ErrorCode != code {
		t.Fatalf("got %d %q (%s), want %d %q", sre.StatusCode, sre.ErrorCode, sre.ErrorMessage, status, code)
	}
	if sre.RequestId == "" {
		t.Fatalf("error %d %s has no request ID", status, code)
	}
	return sre
}

// wantNative checks the native status of id out of band; "" means gone.
func wantNative(t testing.TB, s *Server, id, status string) {
	t.Helper()
	c, ok := s.Cert(id)
	if status == "" {
		if ok {
			t.Fatalf("cert %s still exists in %s; want it gone", id, c.Status)
		}
		return
	}
	if !ok {
		t.Fatalf("cert %s is gone; want %s", id, status)
	}
	if c.Status != status {
		t.Fatalf("cert %s is %s; want %s", id, c.Status, status)
	}
}

// fakeClock is a settable clock, started at the real time so that the
// SDK's X-Sdk-Date stays within the emulator's 15-minute window.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Now()} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
