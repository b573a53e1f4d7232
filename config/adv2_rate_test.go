package config

import (
	"strings"
	"testing"
)

// TestAdv2RateNotANumber: validate refuses only rate < 0, so rate: .nan
// passes (and Build then silently registers the origin without a rate
// limit, since NaN > 0 is false), and rate: .inf passes too (Build then
// derives burst int(+Inf), which is not a burst; with an explicit burst
// the origin is unlimited). Bad config values must be refused by
// validation with the key's line.
func TestAdv2RateNotANumber(t *testing.T) {
	t.Parallel()
	for _, v := range []string{".nan", ".NaN", ".inf", "+.inf"} {
		text := "origins:\n  a:\n    type: alibaba\n    access_key_id: x\n    access_key_secret: y\n    rate: " + v + "\n"
		c, err := Parse([]byte(text), "cfg.yaml")
		if err == nil {
			_, _, berr := c.Build()
			t.Errorf("rate: %s accepted by Parse (Build: %v), want an error at line 6", v, berr)
			continue
		}
		if !strings.Contains(err.Error(), "line 6") {
			t.Errorf("rate: %s: %v, want line 6", v, err)
		}
	}
}
