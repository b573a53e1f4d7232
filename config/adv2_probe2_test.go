package config

import (
	"strings"
	"testing"
)

// TestAdv2SyntaxLineFlowMapping: syntaxLine returns the first line at
// which a truncated prefix fails with the same message. Inside a flow
// mapping every prefix that stops before the closing brace fails with
// "did not find expected ',' or '}'", so the error is blamed on the line
// that opens the mapping (2), not on the line where the comma is missing
// (5) or where the parser stops (6).
func TestAdv2SyntaxLineFlowMapping(t *testing.T) {
	t.Parallel()
	text := "origins:\n" +
		"  a: {type: alibaba\n" +
		"    , access_key_id: x\n" +
		"    , access_key_secret: y\n" +
		"    , region: cn\n" +
		"    endpoint: e}\n"
	_, err := Parse([]byte(text), "cfg.yaml")
	if err == nil {
		t.Fatal("accepted")
	}
	if !strings.Contains(err.Error(), "line 5") && !strings.Contains(err.Error(), "line 6") {
		t.Errorf("error %q: want line 5 (missing comma) or 6 (where parsing stops)", err)
	}
}
