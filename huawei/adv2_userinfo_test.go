package huawei

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// TestAdv2ConfigEndpointUserInfoRedacted: the package treats an endpoint's
// user info as a secret (New's errors never repeat it; alibaba.Config's
// String removes it), but huawei.Config's String, GoString and LogValue
// print the endpoint as given.
func TestAdv2ConfigEndpointUserInfoRedacted(t *testing.T) {
	t.Parallel()
	cfg := Config{ProjectID: testProject, AK: testAK, SK: testSK, Endpoint: "https://user:hunter2pass@scm.example.com"}
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("cfg", "config", cfg)
	for name, out := range map[string]string{
		"%v": fmt.Sprintf("%v", cfg), "%+v": fmt.Sprintf("%+v", cfg), "%#v": fmt.Sprintf("%#v", cfg), "slog": logged.String(),
	} {
		if strings.Contains(out, "hunter2pass") {
			t.Errorf("%s shows the endpoint's password: %s", name, out)
		}
	}
}
