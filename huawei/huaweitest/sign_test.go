package huaweitest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer/algorithm"
	hwconfig "github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/def"

	"github.com/certbroker/certbroker/provider"
)

// tamper is a RoundTripper that changes a request after the SDK signed it.
type tamper struct {
	base http.RoundTripper
	edit func(*http.Request)
}

func (t tamper) RoundTrip(r *http.Request) (*http.Response, error) {
	r2 := r.Clone(r.Context())
	t.edit(r2)
	return t.base.RoundTrip(r2)
}

func tamperConfig(t *testing.T, edit func(*http.Request)) *hwconfig.HttpConfig {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return hwconfig.DefaultHttpConfig().WithTimeout(10 * time.Second).WithHttpRoundTripper(tamper{base: tr, edit: edit})
}

// TestAuthenticationFailures sends requests the gateway must refuse and
// checks that each is refused with the right error and changes nothing.
func TestAuthenticationFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		opts   []Option
		client func(t *testing.T, s *Server) *client
		status int
		code   string
	}{
		{
			name: "wrong SK",
			client: func(t *testing.T, s *Server) *client {
				return newClient(t, s.URL(), s.AccessKeyID(), "not-the-sk", s.ProjectID(), nil)
			},
			status: http.StatusUnauthorized, code: codeAuthFailed,
		},
		{
			name: "unknown AK",
			client: func(t *testing.T, s *Server) *client {
				return newClient(t, s.URL(), "NOSUCHAK", s.AccessKeySecret(), s.ProjectID(), nil)
			},
			status: http.StatusUnauthorized, code: codeAuthFailed,
		},
		{
			name: "default pair refused once WithAccessKey is given",
			opts: []Option{WithAccessKey("AK1", "SK1")},
			client: func(t *testing.T, s *Server) *client {
				return newClient(t, s.URL(), "HWTESTAK0000000000000", "hwtest-loopback-only-secret-key-0000000000", s.ProjectID(), nil)
			},
			status: http.StatusUnauthorized, code: codeAuthFailed,
		},
		{
			name: "X-Sdk-Date 20 minutes behind the server",
			opts: []Option{WithClock(func() time.Time { return time.Now().Add(20 * time.Minute) })},
			client: func(t *testing.T, s *Server) *client {
				return newClient(t, s.URL(), s.AccessKeyID(), s.AccessKeySecret(), s.ProjectID(), nil)
			},
			status: http.StatusUnauthorized, code: codeClockSkew,
		},
		{
			name: "X-Sdk-Date 20 minutes ahead of the server",
			opts: []Option{WithClock(func() time.Time { return time.Now().Add(-20 * time.Minute) })},
			client: func(t *testing.T, s *Server) *client {
				return newClient(t, s.URL(), s.AccessKeyID(), s.AccessKeySecret(), s.ProjectID(), nil)
			},
			status: http.StatusUnauthorized, code: codeClockSkew,
		},
		{
			name: "body changed after signing",
			client: func(t *testing.T, s *Server) *client {
				return newClient(t, s.URL(), s.AccessKeyID(), s.AccessKeySecret(), s.ProjectID(), tamperConfig(t, func(r *http.Request) {
					b := []byte(`{"reason":"changed"}` + "\n")
					r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
				}))
			},
			status: http.StatusUnauthorized, code: codeAuthFailed,
		},
		{
			name: "query added after signing",
			client: func(t *testing.T, s *Server) *client {
				return newClient(t, s.URL(), s.AccessKeyID(), s.AccessKeySecret(), s.ProjectID(), tamperConfig(t, func(r *http.Request) {
					r.URL.RawQuery = "limit=10"
				}))
			},
			status: http.StatusUnauthorized, code: codeAuthFailed,
		},
		{
			name: "signed header changed after signing",
			client: func(t *testing.T, s *Server) *client {
				return newClient(t, s.URL(), s.AccessKeyID(), s.AccessKeySecret(), s.ProjectID(), tamperConfig(t, func(r *http.Request) {
					r.Header.Set("User-Agent", "someone-else")
				}))
			},
			status: http.StatusUnauthorized, code: codeAuthFailed,
		},
		{
			name: "SM3 signing algorithm",
			client: func(t *testing.T, s *Server) *client {
				cfg := hwconfig.DefaultHttpConfig().WithSigningAlgorithm(algorithm.HmacSM3)
				return newClient(t, s.URL(), s.AccessKeyID(), s.AccessKeySecret(), s.ProjectID(), cfg)
			},
			status: http.StatusUnauthorized, code: codeAuthFailed,
		},
		{
			name: "project not known",
			client: func(t *testing.T, s *Server) *client {
				return newClient(t, s.URL(), s.AccessKeyID(), s.AccessKeySecret(), "nosuchproject", nil)
			},
			status: http.StatusBadRequest, code: codeNoProject,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := NewServer(tt.opts...)
			t.Cleanup(s.Close)
			id := s.Seed(provider.StateIssued)
			c := tt.client(t, s)
			_, err := c.revoke(id, ptr("key compromise"))
			wantCode(t, err, tt.status, tt.code)
			wantNative(t, s, id, StatusIssued)
			reqs := s.Requests()
			if len(reqs) != 1 || reqs[0].HTTPStatus != tt.status || reqs[0].Code != tt.code || reqs[0].Applied {
				t.Fatalf("request log %+v", reqs)
			}
		})
	}
}

// pidReq addresses a project of its own in the path, while the SDK still
// sends the credentials' project in X-Project-Id.
type pidReq struct {
	Pid    string `json:"pid"`
	CertId string `json:"cert_id"`
}

func TestProjectMismatch(t *testing.T) {
	t.Parallel()
	s := NewServer(WithProjectID("p1"), WithProjectID("p2"))
	t.Cleanup(s.Close)
	id := s.SeedCert(Cert{ProjectID: "p2", Status: StatusIssued})
	c := newClient(t, s.URL(), s.AccessKeyID(), s.AccessKeySecret(), "p1", nil)
	d := newDef(http.MethodGet, "/v2/{pid}/scm/cert/{cert_id}", "application/json", new(detailsResp)).
		WithRequestField(def.NewFieldDef().WithName("Pid").WithJsonTag("pid").WithLocationType(def.Path)).
		WithRequestField(certField()).Build()
	_, err := c.hc.Sync(&pidReq{Pid: "p2", CertId: id}, d)
	wantCode(t, err, http.StatusForbidden, codeProjectMismatch)

	// The same request in the right project succeeds.
	p2 := newClient(t, s.URL(), s.AccessKeyID(), s.AccessKeySecret(), "p2", nil)
	got, err := p2.details(id)
	if err != nil || got.Status != StatusIssued {
		t.Fatalf("details in p2: %+v, %v", got, err)
	}
}

func TestSeveralCredentials(t *testing.T) {
	t.Parallel()
	s := NewServer(WithAccessKey("AK1", "SK1"), WithAccessKey("AK2", "SK2"))
	t.Cleanup(s.Close)
	if s.AccessKeyID() != "AK1" || s.AccessKeySecret() != "SK1" {
		t.Fatalf("AK/SK are %s/%s; want the first pair", s.AccessKeyID(), "(redacted)")
	}
	id := s.Seed(provider.StateUnderReview)
	for _, pair := range [][2]string{{"AK1", "SK1"}, {"AK2", "SK2"}} {
		if _, err := newClient(t, s.URL(), pair[0], pair[1], s.ProjectID(), nil).details(id); err != nil {
			t.Fatalf("%s: %v", pair[0], err)
		}
	}
	_, err := newClient(t, s.URL(), "AK1", "SK2", s.ProjectID(), nil).details(id)
	wantCode(t, err, http.StatusUnauthorized, codeAuthFailed)
}

// TestClockSkewWithinWindow: ten minutes of skew either way is accepted.
func TestClockSkewWithinWindow(t *testing.T) {
	t.Parallel()
	for _, skew := range []time.Duration{-10 * time.Minute, 10 * time.Minute} {
		s := NewServer(WithClock(func() time.Time { return time.Now().Add(skew) }))
		t.Cleanup(s.Close)
		c := newClient(t, s.URL(), s.AccessKeyID(), s.AccessKeySecret(), s.ProjectID(), nil)
		if _, err := c.details(s.Seed(provider.StateIssued)); err != nil {
			t.Fatalf("skew %v: %v", skew, err)
		}
	}
}

// TestUnsignedPayload: with a non-JSON content type the SDK signs the
// literal UNSIGNED-PAYLOAD (X-Sdk-Content-Sha256), which must be honoured.
func TestUnsignedPayload(t *testing.T) {
	t.Parallel()
	s, c := newServer(t)
	id := s.Seed(provider.StateIssued)
	if _, err := c.revokeAs(id, &revokeBody{Reason: ptr("superseded")}, "text/plain"); err != nil {
		t.Fatal(err)
	}
	wantNative(t, s, id, StatusRevoking)
}

// TestQueryIsSigned: list query parameters with characters that need
// escaping pass the signature check.
func TestQueryIsSigned(t *testing.T) {
	t.Parallel()
	s, c := newServer(t)
	s.SeedCert(Cert{Name: "a b+c/d~é", Status: StatusIssued})
	out, err := c.list(listReq{Content: ptr("b+c/d~é"), OrderStatus: ptr("ISSUED"), Limit: ptr(int32(10)), Offset: ptr(int32(0))})
	if err != nil {
		t.Fatal(err)
	}
	if out.Total != 1 {
		t.Fatalf("list found %d; want 1", out.Total)
	}
}

// TestRawRequests checks answers to requests the SDK would never send.
func TestRawRequests(t *testing.T) {
	t.Parallel()
	s, c := newServer(t)
	tests := []struct {
		name, method, path, auth string
		body                     string
		status                   int
		code                     string
	}{
		{"no Authorization", http.MethodGet, "/v2/" + s.ProjectID() + "/scm/certlist", "", "", http.StatusUnauthorized, codeAuthFailed},
		{"malformed Authorization", http.MethodGet, "/v2/" + s.ProjectID() + "/scm/certlist", "SDK-HMAC-SHA256 garbage", "", http.StatusUnauthorized, codeAuthFailed},
		{"bad signature hex", http.MethodGet, "/v2/" + s.ProjectID() + "/scm/certlist",
			"SDK-HMAC-SHA256 Access=" + s.AccessKeyID() + ", SignedHeaders=x-sdk-date, Signature=zz", "", http.StatusUnauthorized, codeAuthFailed},
		{"unknown path", http.MethodGet, "/v2/" + s.ProjectID() + "/scm/nothing", "", "", http.StatusNotFound, codeNoAPI},
		{"wrong method", http.MethodPut, "/v2/" + s.ProjectID() + "/scm/certlist", "", "", http.StatusNotFound, codeNoAPI},
		{"root", http.MethodGet, "/", "", "", http.StatusNotFound, codeNoAPI},
		{"trailing slash", http.MethodGet, "/v2/" + s.ProjectID() + "/scm/certlist/", "", "", http.StatusNotFound, codeNoAPI},
		{"body too large", http.MethodPost, "/v2/" + s.ProjectID() + "/scm/cert/purchase", "", strings.Repeat("x", 1<<20+1), http.StatusRequestEntityTooLarge, codeBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequest(tt.method, s.URL()+tt.path, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
				req.Header.Set("X-Sdk-Date", time.Now().UTC().Format("20060102T150405Z"))
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body struct {
				Code string `json:"error_code"`
				Msg  string `json:"error_msg"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				t.Fatalf("error body: %v", err)
			}
			if resp.StatusCode != tt.status || body.Code != tt.code || body.Msg == "" {
				t.Fatalf("got %d %+v; want %d %s", resp.StatusCode, body, tt.status, tt.code)
			}
			if resp.Header.Get("X-Request-Id") == "" || resp.Header.Get("Content-Type") != "application/json" {
				t.Fatalf("headers %v lack X-Request-Id or Content-Type application/json", resp.Header)
			}
		})
	}
	// Unknown route through the SDK too.
	d := newDef(http.MethodGet, "/v2/{project_id}/scm/nothing", "application/json", new(msgResp)).Build()
	_, err := c.hc.Sync(&struct{}{}, d)
	wantCode(t, err, http.StatusNotFound, codeNoAPI)
}
