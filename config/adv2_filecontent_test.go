package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAdv2FileContentNotEchoed: a value read through VAR_FILE is secret
// content, but when ${VAR} is used in a field that validation quotes
// (type, endpoint, region), the error repeats the file's content.
func TestAdv2FileContentNotEchoed(t *testing.T) {
	t.Parallel()
	const content = "adv2-file-SECRET-content"
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, []byte(content+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	lookup := WithLookup(func(n string) (string, bool) {
		if n == "V_FILE" {
			return p, true
		}
		return "", false
	})
	for _, field := range []string{"type: ${V}", "endpoint: ${V}", "region: ${V}"} {
		text := "origins:\n  a:\n    type: alibaba\n    access_key_id: x\n    access_key_secret: y\n    " + field + "\n"
		if field == "type: ${V}" {
			text = "origins:\n  a:\n    access_key_id: x\n    access_key_secret: y\n    " + field + "\n"
		}
		c, err := Parse([]byte(text), "cfg.yaml", lookup)
		if err == nil {
			_, _, err = c.Build()
		}
		if err == nil {
			t.Errorf("%s accepted", field)
			continue
		}
		if strings.Contains(err.Error(), content) {
			t.Errorf("%s: the error repeats the _FILE content: %v", field, err)
		}
	}
}
