package huawei

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/certbroker/certbroker/provider"
)

// TestAdv2EchoedTokenRedacted: a gateway that refuses a request and
// echoes what it received (the STS token header, the Authorization
// header with its signature) in error_msg. The brief promises that STS
// tokens and signatures never reach errors, also when the cloud echoes
// them back in an error body.
func TestAdv2EchoedTokenRedacted(t *testing.T) {
	t.Parallel()
	var auth string
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		auth = r.Header.Get("Authorization")
		msg := fmt.Sprintf("Incorrect IAM authentication information: token %s, authorization %s",
			r.Header.Get("X-Security-Token"), auth)
		b, _ := json.Marshal(map[string]string{"error_code": "APIGW.0301", "error_msg": msg})
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write(b)
	})
	cfg := stubConfig(s.URL)
	cfg.SecurityToken = testToken
	a := mustNew(t, cfg)
	_, err := a.Status(context.Background(), provider.StatusRequest{ID: testCertID})
	if err == nil {
		t.Fatal("Status succeeded against a 401")
	}
	if !strings.Contains(auth, "Signature=") {
		t.Fatalf("stub saw no signature: %q", auth)
	}
	sig := auth[strings.Index(auth, "Signature=")+len("Signature="):]
	out := fmt.Sprintf("%v | %+v | %#v", err, err, err)
	if pe, ok := err.(*provider.Error); ok && pe.Err != nil {
		out += " | " + pe.Err.Error()
	}
	if strings.Contains(out, testToken) {
		t.Errorf("error output contains the STS token:\n%s", out)
	}
	if strings.Contains(out, sig) {
		t.Errorf("error output contains the request signature %q:\n%s", sig, out)
	}
}
