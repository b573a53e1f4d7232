package alibaba

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/certbroker/certbroker/provider"
)

// TestAdv2SDKDebugEnv: the Alibaba SDK reads DEBUG at package init and,
// when it lists "sdk", prints every request URI (Signature,
// SecurityToken) and every response body (DescribeCertificateState
// returns the private key) to stdout with fmt.Println. config.Debug =
// false does not turn it off. A user with DEBUG=sdk in the environment
// (or a CLI run with --output json) gets secrets on stdout.
func TestAdv2SDKDebugEnv(t *testing.T) {
	if os.Getenv("ADV2_CHILD") == "1" {
		s := newEmulator(t)
		a := newTestAdapter(t, Config{Endpoint: s.URL(), AccessKeyID: testKeyID, AccessKeySecret: testSecret, SecurityToken: testToken})
		id := s.Seed(provider.StateIssued)
		_, err := a.Status(context.Background(), provider.StatusRequest{ID: id})
		if err != nil {
			t.Logf("status: %v", err)
		}
		return
	}
	t.Parallel()
	cmd := exec.Command(os.Args[0], "-test.run=^TestAdv2SDKDebugEnv$", "-test.count=1")
	cmd.Env = append(os.Environ(), "ADV2_CHILD=1", "DEBUG=sdk")
	out, _ := cmd.CombinedOutput()
	text := string(out)
	for name, s := range map[string]string{"Signature=": "Signature=", "SecurityToken": "SecurityToken=",
		"private key": "PRIVATE KEY", "token (escaped)": "sts-T0ken%2Fwith%2Bodd%3Dchars"} {
		if strings.Contains(text, s) {
			t.Errorf("with DEBUG=sdk the process output holds the %s:\n%.1500s", name, text)
		}
	}
}
