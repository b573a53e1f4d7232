package huaweitest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/certbroker/certbroker/provider"
)

// signRaw signs r (a GET without query or body) over exactly the headers
// named, with a correct SDK-HMAC-SHA256 signature: the test's own signer,
// so that a refusal can only come from which headers were signed.
func signRaw(r *http.Request, ak, sk string, signed []string) {
	sort.Strings(signed)
	var hdr strings.Builder
	for _, h := range signed {
		hdr.WriteString(h + ":" + strings.TrimSpace(r.Header.Get(h)) + "\n")
	}
	path := r.URL.Path
	if !strings.HasSuffix(path, "/") {
		path += "/"
	}
	empty := sha256.Sum256(nil)
	cr := strings.Join([]string{r.Method, path, "", hdr.String(), strings.Join(signed, ";"), hex.EncodeToString(empty[:])}, "\n")
	crHash := sha256.Sum256([]byte(cr))
	sts := "SDK-HMAC-SHA256\n" + r.Header.Get("X-Sdk-Date") + "\n" + hex.EncodeToString(crHash[:])
	mac := hmac.New(sha256.New, []byte(sk))
	mac.Write([]byte(sts))
	r.Header.Set("Authorization", "SDK-HMAC-SHA256 Access="+ak+", SignedHeaders="+strings.Join(signed, ";")+
		", Signature="+hex.EncodeToString(mac.Sum(nil)))
}

// TestSignedHeadersRequired: correctly signed requests are refused unless
// x-sdk-date is signed, and x-project-id too when it is sent (API signing
// guide, "Are Request Header Parameters Required for Signing Requests?";
// the x-project-id rule is the emulator's own). host is not required:
// the SDK never signs it.
func TestSignedHeadersRequired(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		sendProject bool
		signed      []string
		status      int
	}{
		{"user-agent alone", true, []string{"user-agent"}, http.StatusUnauthorized},
		{"no x-sdk-date", false, []string{"user-agent"}, http.StatusUnauthorized},
		{"x-project-id sent unsigned", true, []string{"user-agent", "x-sdk-date"}, http.StatusUnauthorized},
		{"x-sdk-date and x-project-id", true, []string{"x-project-id", "x-sdk-date"}, http.StatusOK},
		{"what the SDK signs", true, []string{"user-agent", "x-project-id", "x-sdk-date"}, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, _ := newServer(t)
			id := s.Seed(provider.StateIssued)
			req, err := http.NewRequest(http.MethodGet, s.URL()+"/v2/"+s.ProjectID()+"/scm/cert/"+id, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("User-Agent", "strict-test")
			req.Header.Set("X-Sdk-Date", time.Now().UTC().Format("20060102T150405Z"))
			if tt.sendProject {
				req.Header.Set("X-Project-Id", s.ProjectID())
			} else {
				// The project check comes after authentication; this case
				// must fail at authentication already.
				req.Header.Del("X-Project-Id")
			}
			signRaw(req, s.AccessKeyID(), s.AccessKeySecret(), tt.signed)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body struct {
				Code string `json:"error_code"`
			}
			_ = json.NewDecoder(resp.Body).Decode(&body)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d (%s), want %d", resp.StatusCode, body.Code, tt.status)
			}
			if tt.status == http.StatusUnauthorized && body.Code != codeAuthFailed {
				t.Fatalf("code %q, want %s", body.Code, codeAuthFailed)
			}
		})
	}
}

// TestSDKRequestsPassStrictSigning: every API, as the SDK sends it, still
// authenticates (a 401 here would mean the emulator refuses a genuine SDK
// request).
func TestSDKRequestsPassStrictSigning(t *testing.T) {
	t.Parallel()
	s, c := newServer(t)
	for _, api := range []string{ActionDetails, ActionRevoke, ActionDelete, ActionCancelCert} {
		_ = c.call(api, s.Seed(provider.StateIssued))
	}
	_, _ = c.list(listReq{Limit: ptr(int32(10))})
	_, _ = c.purchase(&sdkPurchaseBody{})
	for _, q := range s.Requests() {
		if q.HTTPStatus == http.StatusUnauthorized || q.AccessKeyID == "" {
			t.Errorf("%s: refused at authentication (%d %s)", q.Action, q.HTTPStatus, q.Code)
		}
	}
}

// TestAccessKeyLockout: after more than five consecutive authentication
// failures an AK is locked for five minutes, refusing even correct
// requests; then it works again (API signing guide and APIG FAQ
// "Incorrect IAM authentication information: AK access failed to reach
// the limit,forbidden"; the 401 status of the locked answer is
// [unverified]).
func TestAccessKeyLockout(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	s := NewServer(WithClock(clk.Now))
	t.Cleanup(s.Close)
	good := newClient(t, s.URL(), s.AccessKeyID(), s.AccessKeySecret(), s.ProjectID(), nil)
	bad := newClient(t, s.URL(), s.AccessKeyID(), "not-the-sk", s.ProjectID(), nil)
	id := s.Seed(provider.StateIssued)

	// Five failures, a success (which clears the count), five more: no lock.
	for range 5 {
		_, err := bad.details(id)
		wantCode(t, err, http.StatusUnauthorized, codeAuthFailed)
	}
	if _, err := good.details(id); err != nil {
		t.Fatalf("after five failures: %v", err)
	}
	for range 6 {
		_, err := bad.details(id)
		wantCode(t, err, http.StatusUnauthorized, codeAuthFailed)
	}
	// The sixth consecutive failure locked the key.
	_, err := good.details(id)
	sre := wantCode(t, err, http.StatusUnauthorized, codeAuthFailed)
	if !strings.Contains(sre.ErrorMessage, "reach the limit") {
		t.Fatalf("locked answer %q", sre.ErrorMessage)
	}
	clk.Advance(4*time.Minute + 59*time.Second)
	if _, err := good.details(id); err == nil {
		t.Fatal("unlocked before five minutes")
	}
	clk.Advance(2 * time.Second)
	if _, err := good.details(id); err != nil {
		t.Fatalf("still locked after five minutes: %v", err)
	}
}
