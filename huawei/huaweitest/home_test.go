package huaweitest

import (
	"net/http"
	"os"
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/scm/v3/model"

	"github.com/certbroker/certbroker/provider"
)

// TestHelpersLeaveHomeAlone runs every SDK-facing helper of these tests
// with HOME (and USERPROFILE) pointed at an empty temporary directory and
// checks that it stays empty: the helpers set a User-Agent, so the SDK
// never writes ~/.huaweicloud/application_id. Not parallel: t.Setenv
// forbids it, and the SDK computes its default User-Agent once per
// process, so this test must be able to be the first to ask.
func TestHelpersLeaveHomeAlone(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)

	s, c := newServer(t)
	id := s.Seed(provider.StateIssued)
	if _, err := c.details(id); err != nil {
		t.Fatal(err)
	}
	_ = newClient(t, s.URL(), s.AccessKeyID(), s.AccessKeySecret(), s.ProjectID(), tamperConfig(t, func(*http.Request) {}))
	if _, err := newScmClient(t, s).ShowCertificate(&model.ShowCertificateRequest{CertificateId: id}); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(home)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Fatalf("HOME gained %v; an SDK client was built without a User-Agent", entries[0].Name())
	}
}
