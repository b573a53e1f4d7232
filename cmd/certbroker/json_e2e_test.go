package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/provider"
)

// schemaKeys are the keys of every JSON line, schema 1.
var schemaKeys = []string{"schema", "ref", "op", "ok", "state", "native_state", "not_after", "new_id", "already_done",
	"attempts", "kind", "code", "message", "request_id", "in_doubt", "from_journal"}

// rawJSONLines decodes every line of --output json into a map, checking
// that each has exactly the schema's keys and "schema":1.
func rawJSONLines(t *testing.T, s string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("bad JSON line %q: %v", line, err)
		}
		if len(m) != len(schemaKeys) {
			t.Errorf("line has %d keys, want %d: %s", len(m), len(schemaKeys), line)
		}
		for _, k := range schemaKeys {
			if _, ok := m[k]; !ok {
				t.Errorf("line lacks %q: %s", k, line)
			}
		}
		if m["schema"] != float64(1) {
			t.Errorf("schema = %v: %s", m["schema"], line)
		}
		out = append(out, m)
	}
	return out
}

// TestJSONSchema checks the fields scripts rely on, end to end: not_after
// and native_state from a status, attempts and already_done from a revoke
// that the broker had to reconcile, and the state a dry run read for an
// item it refused.
func TestJSONSchema(t *testing.T) {
	t.Parallel()
	t.Run("status", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t, false)
		ali, hw := "alibaba:"+w.ali.Seed(provider.StateIssued), "huawei:"+w.hw.Seed(provider.StateExpiring)
		r := w.run(t, "", terminals{}, "status", "--output", "json", "--config", w.cfgPath, ali, hw)
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		rawJSONLines(t, r.stdout)
		if n := w.hw.RequestCount(); n != 1 {
			t.Errorf("the Huawei status sent %d requests, want 1 (the v3 details carry the expiry)", n)
		}
		for _, o := range parseJSONLines(t, r.stdout) {
			na, err := time.Parse(time.RFC3339, o.NotAfter)
			if err != nil || !na.After(time.Now()) || !strings.HasSuffix(o.NotAfter, "Z") {
				t.Errorf("%s: not_after %q (%v), want a future RFC 3339 UTC time", o.Ref, o.NotAfter, err)
			}
			if o.NativeState == "" || o.Attempts != 1 || o.AlreadyDone || o.Schema != 1 {
				t.Errorf("%s: %+v", o.Ref, o)
			}
		}
	})
	t.Run("reconciled revoke", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t, false)
		w.ali.InjectFault(alibabatest.Fault{Action: alibabatest.ActionRevoke, Kind: alibabatest.FaultServerError, AfterApply: true, Times: 1})
		ref := "alibaba:" + w.ali.Seed(provider.StateIssued)
		r := w.run(t, "", terminals{}, "revoke", "--yes", "--output", "json", "--config", w.cfgPath, ref)
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		// The first attempt was applied but answered 500; the retry is
		// refused because the order is already revoked, which the broker
		// confirms: two attempts, already done.
		outs := parseJSONLines(t, r.stdout)
		if len(outs) != 1 || !outs[0].OK || !outs[0].AlreadyDone || outs[0].Attempts != 2 || outs[0].State != "revoked" {
			t.Errorf("want a reconciled success: %+v", outs)
		}
	})
	t.Run("dry run refusal keeps the state read", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t, false)
		pending, issued := "alibaba:"+w.ali.Seed(provider.StatePendingApplication), "huawei:"+w.hw.Seed(provider.StateIssued)
		r := w.run(t, "", terminals{}, "revoke", "--dry-run", "--output", "json", "--config", w.cfgPath, pending, issued)
		if r.code != 1 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		rawJSONLines(t, r.stdout)
		outs := parseJSONLines(t, r.stdout)
		if len(outs) != 2 {
			t.Fatalf("%d lines", len(outs))
		}
		if o := outs[0]; o.OK || o.Kind != "invalid_state" || o.State != "pending_application" {
			t.Errorf("refused item: %+v", o)
		}
		if o := outs[1]; !o.OK || o.State != "issued" || o.NotAfter == "" {
			t.Errorf("allowed item: %+v", o)
		}
		tr := w.run(t, "", terminals{}, "revoke", "--dry-run", "--config", w.cfgPath, pending)
		if !strings.Contains(tr.stdout, "FAILED  pending_application") {
			t.Errorf("table shows no state for the refused item:\n%s", tr.stdout)
		}
	})
}
