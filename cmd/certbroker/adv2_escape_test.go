package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestAdv2CloudTextEscaped: a hostile answer (code, message, request ID
// with escape sequences, C1 controls and bidi overrides) never reaches the
// terminal raw: not in the table, not in JSON lines, not in the -v log.
func TestAdv2CloudTextEscaped(t *testing.T) {
	t.Parallel()
	hostile := "\x1b[2J\x1b]0;pwned\x07\u009b31m\u202eevil\u2066"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := json.Marshal(map[string]string{"error_code": "SCM.0008" + hostile, "error_msg": "gone " + hostile,
			"request_id": "rid" + hostile})
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "rid-hdr")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write(b)
	}))
	t.Cleanup(srv.Close)
	w := newWorld(t, false)
	cfg := w.writeConfig(t, "stub.yaml", "origins:\n  huawei:\n    type: huawei\n    project_id: "+testProject+
		"\n    ak: ${TEST_HW_AK}\n    sk: ${TEST_HW_SK}\n    endpoint: "+srv.URL+"\n")
	for _, args := range [][]string{
		{"status", "--config", cfg, "-v", "huawei:scs1481110651012"},
		{"status", "--config", cfg, "-v", "--output", "json", "huawei:scs1481110651012"},
		{"cancel", "--config", cfg, "-v", "huawei:scs1481110651012"},
	} {
		r := w.run(t, "", terminals{}, args...)
		if r.code != 1 {
			t.Errorf("%v: exit %d, want 1\n%s", args, r.code, r.stderr)
		}
		all := r.stdout + r.stderr
		for _, bad := range []string{"\x1b", "\x07", "\u009b", "\u202e", "\u2066"} {
			if strings.Contains(all, bad) {
				t.Errorf("%v: output holds raw %q:\nstdout: %q\nstderr: %q", args, bad, r.stdout, r.stderr)
			}
		}
	}
}
