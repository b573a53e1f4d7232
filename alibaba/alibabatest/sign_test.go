package alibabatest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"

	"github.com/certbroker/certbroker/provider"
)

func TestWrongSecretIsRejected(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	id := s.Seed(provider.StateUnderReview)
	c := newClientWithKey(t, s, s.AccessKeyID(), "not-the-secret")
	se := serverError(t, cancelOrder(c, id), http.StatusBadRequest, codeSignatureDoesNotMatch)
	if !strings.Contains(se.Message(), "server string to sign is:POST&%2F&") {
		t.Errorf("message %q lacks the server string to sign", se.Message())
	}
	// The SDK compares its string to sign with the server's: equal strings
	// mean the secret is wrong, not the signing.
	if !strings.HasPrefix(se.Recommend(), "InvalidAccessKeySecret") {
		t.Errorf("Recommend %q: the server's string to sign differs from the SDK's", se.Recommend())
	}
	if strings.Contains(se.Error(), "not-the-secret") || strings.Contains(se.Error(), s.AccessKeySecret()) {
		t.Error("error text contains a secret")
	}
	if st, _ := s.State(id); st != provider.StateUnderReview {
		t.Fatalf("rejected request changed the state to %v", st)
	}
}

func TestAccessKeys(t *testing.T) {
	t.Parallel()
	s := newServer(t, WithAccessKey("LTAI5tOtherKey000000001", "other-secret"), WithAccessKey("LTAI5tThirdKey000000001", "third"))
	id := s.Seed(provider.StateIssued)
	tests := []struct {
		name, id, secret string
		status           int
		code             string
	}{
		{"first given", s.AccessKeyID(), s.AccessKeySecret(), 200, ""},
		{"added", "LTAI5tOtherKey000000001", "other-secret", 200, ""},
		{"added twice", "LTAI5tThirdKey000000001", "third", 200, ""},
		{"unknown", "LTAI5tUnknownKey0000001", "whatever", 404, codeAccessKeyNotFound},
		{"secret of another key", "LTAI5tOtherKey000000001", "third", 400, codeSignatureDoesNotMatch},
		{"default refused once WithAccessKey is given", defaultAccessKeyID, defaultAccessKeySecret, 404, codeAccessKeyNotFound},
	}
	for _, tt := range tests {
		_, err := describe(newClientWithKey(t, s, tt.id, tt.secret), id)
		if tt.code == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		serverError(t, err, tt.status, tt.code)
	}
	if s.AccessKeyID() != "LTAI5tOtherKey000000001" || s.AccessKeySecret() != "other-secret" {
		t.Errorf("AccessKeyID, AccessKeySecret = %q, %q; want the first pair given", s.AccessKeyID(), s.AccessKeySecret())
	}
	if d := NewServer(); d.AccessKeyID() != defaultAccessKeyID || d.AccessKeySecret() != defaultAccessKeySecret {
		t.Errorf("default pair %q, %q", d.AccessKeyID(), d.AccessKeySecret())
	} else {
		d.Close()
	}
	reqs := s.Requests()
	if reqs[3].AccessKeyID != "LTAI5tUnknownKey0000001" || reqs[3].Code != codeAccessKeyNotFound || reqs[3].HTTPStatus != 404 {
		t.Errorf("log entry %+v", reqs[3])
	}
}

func TestReusedNonceIsRejected(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	id := s.Seed(provider.StateIssued)
	c, rec := recordingClient(t, s)
	if _, err := describe(c, id); err != nil {
		t.Fatal(err)
	}
	signed := rec.lastURL()
	for range 2 {
		status, body := post(t, signed, "")
		if status != 400 || body["Code"] != codeNonceUsed {
			t.Fatalf("replay: HTTP %d %v, want 400 %s", status, body, codeNonceUsed)
		}
	}
	// Another request from the SDK carries a new nonce and passes.
	if _, err := describe(c, id); err != nil {
		t.Fatal(err)
	}
}

func TestNonceIsForgottenAfterTheWindow(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Now()}
	s := newServer(t, WithClock(clock.Now))
	id := s.Seed(provider.StateIssued)
	c, rec := recordingClient(t, s)
	if _, err := describe(c, id); err != nil {
		t.Fatal(err)
	}
	// Past the nonce window the Timestamp is stale too: the replay is
	// still refused, now for its Timestamp.
	clock.Set(clock.Now().Add(skewLimit + time.Second))
	status, body := post(t, rec.lastURL(), "")
	if status != 400 || body["Code"] != codeTimestampExpired {
		t.Fatalf("late replay: HTTP %d %v", status, body)
	}
}

func TestTimestampWindow(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		skew time.Duration // server clock minus real time
		code string
	}{
		{"in sync", 0, ""},
		{"server 14m ahead", 14 * time.Minute, ""},
		{"server 14m behind", -14 * time.Minute, ""},
		{"server 1h ahead", time.Hour, codeTimestampExpired},
		{"server 1h behind", -time.Hour, codeTimestampExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, WithClock(func() time.Time { return time.Now().Add(tt.skew) }))
			_, err := describe(newClient(t, s), s.Seed(provider.StateIssued))
			if tt.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			serverError(t, err, http.StatusBadRequest, tt.code)
		})
	}
}

// TestCommonParameterChecks tampers with a request the SDK signed. Each
// check runs before the signature check, so the tampering is what the
// server reports.
func TestCommonParameterChecks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		edit   func(q url.Values)
		status int
		code   string
	}{
		{"no Action", func(q url.Values) { q.Del("Action") }, 400, codeMissingParameter},
		{"no Version", func(q url.Values) { q.Del("Version") }, 400, codeMissingParameter},
		{"no AccessKeyId", func(q url.Values) { q.Del("AccessKeyId") }, 400, codeMissingParameter},
		{"no Signature", func(q url.Values) { q.Del("Signature") }, 400, codeMissingParameter},
		{"no Timestamp", func(q url.Values) { q.Del("Timestamp") }, 400, codeMissingParameter},
		{"no SignatureNonce", func(q url.Values) { q.Del("SignatureNonce") }, 400, codeMissingParameter},
		{"no SignatureMethod", func(q url.Values) { q.Del("SignatureMethod") }, 400, codeMissingParameter},
		{"old Version", func(q url.Values) { q.Set("Version", "2018-07-13") }, 400, codeInvalidVersion},
		{"unknown Action", func(q url.Values) { q.Set("Action", "DescribeEverything") }, 404, codeInvalidAction},
		{"XML Format", func(q url.Values) { q.Set("Format", "XML") }, 400, codeInvalidFormat},
		{"HMAC-SHA256", func(q url.Values) { q.Set("SignatureMethod", "HMAC-SHA256") }, 400, codeInvalidSignatureMethod},
		{"SignatureVersion 2.0", func(q url.Values) { q.Set("SignatureVersion", "2.0") }, 400, codeInvalidParameter},
		{"Timestamp with zone", func(q url.Values) { q.Set("Timestamp", "2026-01-02T03:04:05+08:00") }, 400, codeTimestampFormat},
		{"Timestamp garbage", func(q url.Values) { q.Set("Timestamp", "yesterday") }, 400, codeTimestampFormat},
		{"tampered OrderId", func(q url.Values) { q.Set("OrderId", "1") }, 400, codeSignatureDoesNotMatch},
		{"extra parameter", func(q url.Values) { q.Set("Extra", "1") }, 400, codeSignatureDoesNotMatch},
		{"bad Signature", func(q url.Values) { q.Set("Signature", "AAAA") }, 400, codeSignatureDoesNotMatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t)
			id := s.Seed(provider.StateUnderReview)
			signed := signedRequest(t, s, id)
			u, _ := url.Parse(signed)
			q := u.Query()
			tt.edit(q)
			u.RawQuery = q.Encode()
			status, body := post(t, u.String(), "")
			if status != tt.status || body["Code"] != tt.code {
				t.Fatalf("HTTP %d %v, want %d %s", status, body, tt.status, tt.code)
			}
			for _, k := range []string{"RequestId", "HostId", "Code", "Message", "Recommend"} {
				if _, ok := body[k].(string); !ok {
					t.Errorf("error body field %s is %T, want a string", k, body[k])
				}
			}
			if st, _ := s.State(id); st != provider.StateUnderReview {
				t.Errorf("refused request changed the state to %v", st)
			}
		})
	}
}

// signedRequest captures the URL of a CancelOrderRequest the SDK signed
// (sent to a second server, so the first has not seen its nonce).
func signedRequest(t *testing.T, s *Server, id string) string {
	t.Helper()
	other := newServer(t)
	c, rec := recordingClient(t, other)
	c.Domain = other.Endpoint()
	_ = cancelOrder(c, id)
	u, _ := url.Parse(rec.lastURL())
	u.Host = s.Endpoint()
	return u.String()
}

func TestFormBodyParametersAreSigned(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	c := newClient(t, s)
	id := s.Seed(provider.StateUnderReview)
	// The SDK signs FormParams together with the query and sends them as
	// an urlencoded body.
	req := requests.NewCommonRequest()
	req.Method = requests.POST
	req.Product, req.Version, req.ApiName = "cas", aPIVersion, ActionCancel
	req.FormParams["OrderId"] = id
	if _, err := c.ProcessCommonRequest(req); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.State(id); st != provider.StateCancelled {
		t.Fatalf("state %v, want cancelled", st)
	}
	if got := s.Requests()[0].ID; got != id {
		t.Fatalf("log ID %q, want %q from the body", got, id)
	}
}

func TestTamperedOrRepeatedBodyParameters(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	id := s.Seed(provider.StateUnderReview)
	other := s.Seed(provider.StateUnderReview)
	tests := []struct {
		name, body string
		code       string
	}{
		{"body added after signing", "OrderId=" + other, codeSignatureDoesNotMatch},
		{"body repeats a query parameter", "OrderId=" + id, codeInvalidParameter},
	}
	for _, tt := range tests {
		signed := signedRequest(t, s, id)
		if tt.name == "body added after signing" {
			u, _ := url.Parse(signed)
			q := u.Query()
			q.Del("OrderId")
			u.RawQuery = q.Encode()
			signed = u.String()
		}
		status, body := post(t, signed, tt.body)
		if status != 400 || body["Code"] != tt.code {
			t.Errorf("%s: HTTP %d %v, want 400 %s", tt.name, status, body, tt.code)
		}
	}
	for _, o := range []string{id, other} {
		if st, _ := s.State(o); st != provider.StateUnderReview {
			t.Errorf("order %s: state %v", o, st)
		}
	}
}

func TestMethodAndPath(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	tests := []struct {
		method, path string
		status       int
		code         string
	}{
		{http.MethodPut, "/", 400, codeUnsupportedHTTPMethod},
		{http.MethodPost, "/orders/1", 404, codeInvalidAction},
		{http.MethodGet, "/", 400, codeMissingParameter},
		{http.MethodPost, "/?OrderId=%zz", 400, codeInvalidParameter},
	}
	for _, tt := range tests {
		rr := httptest.NewRecorder()
		s.Handler().ServeHTTP(rr, httptest.NewRequest(tt.method, tt.path, nil))
		var body map[string]any
		if err := json.Unmarshal(rr.Body.Bytes(), &body); err != nil {
			t.Fatalf("%s %s: body %q: %v", tt.method, tt.path, rr.Body.String(), err)
		}
		if rr.Code != tt.status || body["Code"] != tt.code {
			t.Errorf("%s %s: HTTP %d %v, want %d %s", tt.method, tt.path, rr.Code, body, tt.status, tt.code)
		}
	}
	if n := s.RequestCount(); n != len(tests) {
		t.Errorf("RequestCount %d, want %d", n, len(tests))
	}
}

// post sends a raw POST to u with an optional urlencoded body and decodes
// the JSON answer.
func post(t *testing.T, u, form string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var body map[string]any
	if err := json.Unmarshal(b, &body); err != nil {
		t.Fatalf("body %q: %v", b, err)
	}
	return resp.StatusCode, body
}
