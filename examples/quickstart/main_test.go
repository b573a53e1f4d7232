package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("output:\n%s", out.String())
	}
	for i, want := range []string{
		"alibaba:10000100001: was issued, revoke -> revoked",
		"huawei:scs", // then "...: was issued, revoke -> revoking"
		"revoking again: invalid state = true",
	} {
		if !strings.HasPrefix(lines[i], want) {
			t.Errorf("line %d = %q, want prefix %q", i, lines[i], want)
		}
	}
	if !strings.HasSuffix(lines[1], ": was issued, revoke -> revoking") {
		t.Errorf("huawei line = %q", lines[1])
	}
}

// The emulators' IDs come from fixed seeds, so the output is reproducible.
func Example() {
	if err := run(context.Background(), os.Stdout); err != nil {
		panic(err)
	}
	// Output:
	// alibaba:10000100001: was issued, revoke -> revoked
	// huawei:scs7001542954985: was issued, revoke -> revoking
	// revoking again: invalid state = true
}
