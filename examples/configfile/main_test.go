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
	if err := run(context.Background(), &out, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("output:\n%s", out.String())
	}
	for i, want := range []string{
		"huawei sk: [REDACTED], alibaba secret: [REDACTED]",
		"alibaba:10000100001: issued",
		"huawei:scs",
		"bad file: line 4: field acess_key_id is not a known key of an origin",
	} {
		if !strings.HasPrefix(lines[i], want) {
			t.Errorf("line %d = %q, want prefix %q", i, lines[i], want)
		}
	}
	if !strings.HasSuffix(lines[2], ": expiring") {
		t.Errorf("huawei line = %q", lines[2])
	}
}

// The emulators' IDs come from fixed seeds, so the output is reproducible.
func Example() {
	dir, err := os.MkdirTemp("", "configfile-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	if err := run(context.Background(), os.Stdout, dir); err != nil {
		panic(err)
	}
	// Output:
	// huawei sk: [REDACTED], alibaba secret: [REDACTED]
	// alibaba:10000100001: issued
	// huawei:scs7001542954985: expiring
	// bad file: line 4: field acess_key_id is not a known key of an origin
}
