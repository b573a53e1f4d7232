package main

import (
	"bytes"
	"context"
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
	wantKeys := []string{"schema", "ref", "op", "ok", "state", "native_state", "not_after", "new_id", "already_done", "attempts",
		"kind", "code", "message", "request_id", "in_doubt", "from_journal"}
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

func TestJSONLinesTerminalSafe(t *testing.T) {
	t.Parallel()
	msg := "esc\x1b[2J del\x7f csi\u009b1m rtl\u202e ok ü"
	var buf bytes.Buffer
	if err := writeJSONLines(&buf, []outcome{{Ref: "alibaba:1", Op: "status", Message: msg}}); err != nil {
		t.Fatal(err)
	}
	line := buf.String()
	for _, r := range []rune{0x1b, 0x7f, 0x9b, 0x202e} {
		if strings.ContainsRune(line, r) {
			t.Errorf("raw %U in %q", r, line)
		}
	}
	for _, want := range []string{`\u001b`, `\u007f`, `\u009b`, `\u202e`, "ü"} {
		if !strings.Contains(line, want) {
			t.Errorf("line lacks %s: %s", want, line)
		}
	}
	var back outcome
	if err := json.Unmarshal([]byte(line), &back); err != nil || back.Message != msg {
		t.Errorf("decodes to %q, %v; want %q", back.Message, err, msg)
	}
}

func TestWriteTable(t *testing.T) {
	t.Parallel()
	outs := []outcome{
		{Ref: "alibaba:1", Op: "renew", OK: true, State: "expiring", NewID: "99"},
		{Ref: "huawei:scs1", Op: "renew", Kind: "unsupported", Message: "line one\nline\ttwo", RequestID: "req-7"},
		{Ref: "alibaba:2", Op: "renew", Kind: "not_found", Message: "\x1b[2Jgone \u009b1m.", RequestID: "r9", NewID: "\x1b[1m"},
	}
	var buf bytes.Buffer
	if err := writeTable(&buf, outs); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(buf.String(), "\x1b\u009b") {
		t.Errorf("raw control characters in the table: %q", buf.String())
	}
	lines := strings.Split(strings.TrimRight(buf.String(), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("table:\n%s", buf.String())
	}
	for i, want := range [][]string{
		{"REF", "OP", "RESULT", "STATE", "NEW ID", "DETAIL"},
		{"alibaba:1", "renew", "ok", "expiring", "99"},
		{"huawei:scs1", "renew", "FAILED", "-", "unsupported: line one; line two: request req-7"},
		{`\x1b[1m`, `not_found: \x1b[2Jgone \x9b1m: request r9`},
	} {
		for _, w := range want {
			if !strings.Contains(lines[i], w) {
				t.Errorf("line %d %q lacks %q", i, lines[i], w)
			}
		}
	}
	if ok, failed := summary(outs); ok != 1 || failed != 2 {
		t.Errorf("summary = %d, %d", ok, failed)
	}
}

func TestConfirm(t *testing.T) {
	t.Parallel()
	refs := []provider.Ref{provider.MustParseRef("huawei:scs1")}
	for i := 0; i < 12; i++ {
		refs = append(refs, provider.Ref{Origin: "alibaba", ID: string(rune('0'+i%10)) + "1"})
	}
	tests := []struct {
		answer string
		op     provider.Op
		billed billing
		want   bool
		lines  []string
		absent []string
	}{
		{answer: "y\n", op: provider.OpRevoke, want: true},
		{answer: "YES\n", op: provider.OpRevoke, want: true},
		{answer: " yes \n", op: provider.OpRevoke, want: true},
		{answer: "n\n", op: provider.OpRevoke},
		{answer: "\n", op: provider.OpRevoke},
		{answer: "", op: provider.OpRevoke},
		{answer: "yess\n", op: provider.OpRevoke, absent: []string{"billed"}},
		{answer: "y\n", op: provider.OpRenew, billed: billing{"huawei": 1}, want: true,
			lines: []string{"About to renew 13 certificate orders", "1 of them billed (huawei: 1)", "huawei:scs1 (billed)", "cost money"}},
		{answer: "n\n", op: provider.OpRenew, billed: billing{"huawei": 1},
			lines: []string{"billed"}},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		if got := confirm(context.Background(), strings.NewReader(tt.answer), &out, tt.op, refs, tt.billed); got != tt.want {
			t.Errorf("%s, answer %q: got %v", tt.op, tt.answer, got)
		}
		s := out.String()
		want := append([]string{"certificate orders (alibaba: 12, huawei: 1)", "alibaba:01", "... and 3 more", "[y/N]"}, tt.lines...)
		if tt.op == provider.OpRevoke {
			want = append(want, "About to revoke 13 certificate orders")
		}
		for _, w := range want {
			if !strings.Contains(s, w) {
				t.Errorf("prompt lacks %q:\n%s", w, s)
			}
		}
		for _, w := range tt.absent {
			if strings.Contains(s, w) {
				t.Errorf("prompt has %q:\n%s", w, s)
			}
		}
	}
}
