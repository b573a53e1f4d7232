package huaweitest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/certbroker/certbroker/provider"
)

// TestAdv2PayloadHashMustMatchBody: the emulator takes X-Sdk-Content-Sha256
// as the payload hash without checking it against the body, so a body
// that was never signed is accepted: sign {"reason":"signed"}, send
// another body with the same hash header. Strict verification must refuse
// it (only the literal UNSIGNED-PAYLOAD may stand in for the body's hash).
func TestAdv2PayloadHashMustMatchBody(t *testing.T) {
	t.Parallel()
	s, _ := newServer(t)
	id := s.Seed(provider.StateIssued)
	signedBody := []byte(`{"reason":"signed"}`)
	sentBody := []byte(`{"reason":"tampered body never signed"}`)
	sum := sha256.Sum256(signedBody)
	payload := hex.EncodeToString(sum[:])

	req, err := http.NewRequest(http.MethodPost, s.URL()+"/v2/"+s.ProjectID()+"/scm/cert/"+id+"/revoke", bytes.NewReader(sentBody))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Sdk-Date", time.Now().UTC().Format("20060102T150405Z"))
	req.Header.Set("X-Project-Id", s.ProjectID())
	req.Header.Set("X-Sdk-Content-Sha256", payload)
	signed := []string{"content-type", "x-project-id", "x-sdk-content-sha256", "x-sdk-date"}
	var hdr strings.Builder
	for _, h := range signed {
		hdr.WriteString(h + ":" + strings.TrimSpace(req.Header.Get(h)) + "\n")
	}
	path := req.URL.Path + "/"
	cr := strings.Join([]string{req.Method, path, "", hdr.String(), strings.Join(signed, ";"), payload}, "\n")
	crHash := sha256.Sum256([]byte(cr))
	sts := "SDK-HMAC-SHA256\n" + req.Header.Get("X-Sdk-Date") + "\n" + hex.EncodeToString(crHash[:])
	mac := hmac.New(sha256.New, []byte(s.AccessKeySecret()))
	mac.Write([]byte(sts))
	req.Header.Set("Authorization", "SDK-HMAC-SHA256 Access="+s.AccessKeyID()+", SignedHeaders="+
		strings.Join(signed, ";")+", Signature="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		c, _ := s.Cert(id)
		t.Fatalf("a body whose hash is not the signed X-Sdk-Content-Sha256 was answered %d (cert now %s), want 401",
			resp.StatusCode, c.Status)
	}
}
