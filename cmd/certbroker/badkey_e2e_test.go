package main

import (
	"strings"
	"testing"

	"github.com/certbroker/certbroker/provider"
)

// TestBadKeyStopsOrigin: with a wrong Huawei secret key, a bulk status of
// 200 Huawei refs (and 20 Alibaba ones) sends at most 5 requests to the
// Huawei emulator, fails every Huawei item unauthorized, and runs every
// Alibaba item.
func TestBadKeyStopsOrigin(t *testing.T) {
	t.Parallel()
	w := newWorld(t, false)
	w.vars["TEST_HW_SK"] = "a-wrong-secret-key-for-this-account"
	var args []string
	for range 200 {
		args = append(args, "huawei:"+w.hw.Seed(provider.StateIssued))
	}
	for range 20 {
		args = append(args, "alibaba:"+w.ali.Seed(provider.StateIssued))
	}
	r := w.run(t, "", terminals{}, append([]string{"status", "--config", w.cfgPath, "--output", "json"}, args...)...)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1; stderr:\n%s", r.code, r.stderr)
	}
	if n := w.hw.RequestCount(); n > 5 {
		t.Errorf("the Huawei emulator received %d requests with a wrong key, want at most 5", n)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 220 {
		t.Fatalf("%d JSON lines, want 220", len(lines))
	}
	unauthorized, ok := 0, 0
	for _, l := range lines {
		switch {
		case strings.Contains(l, `"ref":"huawei:`) && strings.Contains(l, `"kind":"unauthorized"`):
			unauthorized++
		case strings.Contains(l, `"ref":"alibaba:`) && strings.Contains(l, `"ok":true`):
			ok++
		}
	}
	if unauthorized != 200 || ok != 20 {
		t.Errorf("%d huawei items unauthorized (want 200), %d alibaba items ok (want 20)", unauthorized, ok)
	}
}
