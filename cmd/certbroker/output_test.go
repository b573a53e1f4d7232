package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/certbroker/certbroker/provider"
)

func TestWriteJSONLines(t *testing.T) {
	t.Parallel()
	outs := []outcome{
		{Ref: "alibaba:1", Op: "revoke", OK: true, State: "revoked", RequestID: "r1"},
		{Ref: "huawei:scs1", Op: "revoke", Kind: "invalid_state", Code: "SCM.0010", Message: "bad <state> & more"},
	}
	var buf bytes.Buffer
	if err := writeJSONLines(&buf, outs); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines: %q", len(lines), buf.String())
	}
	wantKeys := []string{"ref", "op", "ok", "state", "new_id", "kind", "code", "message", "request_id"}
	for i, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		if len(m) != len(wantKeys) {
			t.Errorf("line %d has keys %v", i, m)
		}
		for _, k := range wantKeys {
			if _, ok := m[k]; !ok {
				t.Errorf("line %d lacks %q", i, k)
			}
		}
		var back outcome
		if err := json.Unmarshal([]byte(l), &back); err != nil || back != outs[i] {
			t.Errorf("round trip %d: %+v, %v", i, back, err)
		}
	}
	if !strings.Contains(lines[1], "bad <state> & more") {
		t.Errorf("HTML escaping applied: %s", lines[1])
	}
}

func TestWriteTable(t *testing.T) {
	t.Parallel()
	outs := []outcome{
		{Ref: "alibaba:1", Op: "renew", OK: true, State: "expiring", NewID: "99"},
		{Ref: "huawei:scs1", Op: "renew", Kind: "unsupported", Message: "line one\nline\ttwo", RequestID: "req-7"},
	}
	var buf bytes.Buffer
	if err := writeTable(&buf, outs); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(buf.String(), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("table:\n%s", buf.String())
	}
	for i, want := range [][]string{
		{"REF", "OP", "RESULT", "STATE", "NEW ID", "DETAIL"},
		{"alibaba:1", "renew", "ok", "expiring", "99"},
		{"huawei:scs1", "renew", "FAILED", "-", "unsupported: line one; line two: request req-7"},
	} {
		for _, w := range want {
			if !strings.Contains(lines[i], w) {
				t.Errorf("line %d %q lacks %q", i, lines[i], w)
			}
		}
	}
	if ok, failed := summary(outs); ok != 1 || failed != 1 {
		t.Errorf("summary = %d, %d", ok, failed)
	}
}

func TestConfirm(t *testing.T) {
	t.Parallel()
	var refs []provider.Ref
	for i := 0; i < 12; i++ {
		refs = append(refs, provider.Ref{Origin: "alibaba", ID: string(rune('0'+i%10)) + "1"})
	}
	refs = append(refs, provider.MustParseRef("huawei:scs1"))
	tests := []struct {
		answer string
		want   bool
	}{
		{"y\n", true}, {"YES\n", true}, {" yes \n", true}, {"n\n", false}, {"\n", false}, {"", false}, {"yess\n", false},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		if got := confirm(strings.NewReader(tt.answer), &out, provider.OpRevoke, refs); got != tt.want {
			t.Errorf("answer %q: got %v", tt.answer, got)
		}
		s := out.String()
		for _, w := range []string{"About to revoke 13 certificate orders (alibaba: 12, huawei: 1)", "alibaba:01", "... and 3 more", "[y/N]"} {
			if !strings.Contains(s, w) {
				t.Errorf("prompt lacks %q:\n%s", w, s)
			}
		}
	}
}
