package reliability

import (
	"fmt"
	"strings"
	"testing"

	"github.com/certbroker/certbroker/alibaba"
	"github.com/certbroker/certbroker/config"
	"github.com/certbroker/certbroker/huawei"
)

// TestAdv2ConfigVerbsRedact: the adapters' Config types and config.Origin
// redact secrets for %v, %+v and %#v, but any other verb (%d, %t, %o)
// bypasses String/GoString and fmt prints the raw fields. The Adapter
// types implement fmt.Formatter for exactly this reason; the Configs do
// not. (Beyond the letter of the promise, which names %v/%+v/%#v.)
func TestAdv2ConfigVerbsRedact(t *testing.T) {
	t.Parallel()
	const secret = "adv2-SECRET-value"
	values := map[string]any{
		"alibaba.Config": alibaba.Config{AccessKeyID: "LTAIxxxx", AccessKeySecret: secret, SecurityToken: secret},
		"huawei.Config":  huawei.Config{AK: "AKxxxx", SK: secret, SecurityToken: secret, ProjectID: "p"},
		"config.Origin":  config.Origin{Type: "alibaba", AccessKeySecret: config.Secret(secret)},
	}
	for name, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d", "%t"} {
			if out := fmt.Sprintf(verb, v); strings.Contains(out, secret) {
				t.Errorf("%s printed with %s shows the secret: %s", name, verb, out)
			}
		}
	}
}
