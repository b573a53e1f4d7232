package config

import (
	"strings"
	"testing"
)

// TestAdv2AdapterValueErrorsHaveLines: values that only the adapters'
// New checks (an Alibaba region, a Huawei project_id or region, a
// credential with a space) are refused without the line of the bad key,
// unlike every value validate checks itself.
func TestAdv2AdapterValueErrorsHaveLines(t *testing.T) {
	t.Parallel()
	cases := []struct{ text, line string }{
		{"origins:\n  a:\n    type: alibaba\n    access_key_id: x\n    access_key_secret: y\n    region: Bad_Region!\n", "line 6"},
		{"origins:\n  h:\n    type: huawei\n    ak: x\n    sk: y\n    project_id: a/b\n", "line 6"},
		{"origins:\n  h:\n    type: huawei\n    ak: x\n    sk: y\n    project_id: p\n    region: nowhere-9\n", "line 7"},
		{"origins:\n  a:\n    type: alibaba\n    access_key_id: \"x y\"\n    access_key_secret: y\n", "line 4"},
	}
	for _, c := range cases {
		cfg, err := Parse([]byte(c.text), "cfg.yaml")
		if err == nil {
			_, _, err = cfg.Build()
		}
		if err == nil {
			t.Errorf("accepted:\n%s", c.text)
			continue
		}
		if !strings.Contains(err.Error(), c.line) {
			t.Errorf("error %q: want %s", err, c.line)
		}
	}
}
