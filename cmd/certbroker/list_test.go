package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/certbroker/certbroker/provider"
)

// TestListRefusesBadFlags: bad filter values are refused with exit 2
// before the configuration is even read, and nothing reaches a cloud.
func TestListRefusesBadFlags(t *testing.T) {
	t.Parallel()
	w := newWorld(t, false)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--state", "shiny"}, `--state "shiny"`},
		{[]string{"--expiring-within", "0d"}, "--expiring-within"},
		{[]string{"--expiring-within", "-3h"}, "must be positive"},
		{[]string{"--expiring-within", "soon"}, "want a duration like 30d"},
		{[]string{"--output", "xml"}, "want table or json"},
		{[]string{"--domain", "a b"}, "domain"},
	} {
		r := w.run(t, "", terminals{}, append([]string{"list", "--config", w.cfgPath}, tc.args...)...)
		if r.code != exitUsage || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("list %v: exit %d, stderr %q; want exit 2 mentioning %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
	if n := w.ali.RequestCount() + w.hw.RequestCount(); n != 0 {
		t.Errorf("%d requests sent for refused flags", n)
	}
}

func TestParseDays(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"30d", 30 * 24 * time.Hour, true}, {"1d", 24 * time.Hour, true}, {"72h", 72 * time.Hour, true},
		{"90m", 90 * time.Minute, true}, {"0d", 0, false}, {"3651d", 0, false}, {"d", 0, false},
		{"1.5d", 0, false}, {"-1h", 0, false}, {"0s", 0, false}, {"", 0, false},
	} {
		got, err := parseDays(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("parseDays(%q) = %v, %v; want %v, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

// TestListExpiringEndToEnd: `list --expiring-within 30d` over both
// emulators lists exactly the certificates that expire within 30 days,
// each once, with its not_after, and exits 0.
func TestListExpiringEndToEnd(t *testing.T) {
	t.Parallel()
	w := newWorld(t, false)
	want := map[string]bool{
		"alibaba:" + w.ali.Seed(provider.StateExpiring): true,
		"huawei:" + w.hw.Seed(provider.StateExpiring):   true,
	}
	notWanted := []string{"alibaba:" + w.ali.Seed(provider.StateIssued), "huawei:" + w.hw.Seed(provider.StateIssued)}
	r := w.run(t, "", terminals{}, "list", "--config", w.cfgPath, "--expiring-within", "30d", "--output", "json")
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	seen := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var l listLine
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		seen[l.Ref]++
		na, err := time.Parse(time.RFC3339, l.NotAfter)
		if l.Schema != 1 || err != nil || na.After(time.Now().Add(30*24*time.Hour)) {
			t.Errorf("line %+v: want schema 1 and a not_after within 30 days", l)
		}
	}
	for ref := range want {
		if seen[ref] != 1 {
			t.Errorf("%s listed %d times, want once; stdout:\n%s", ref, seen[ref], r.stdout)
		}
	}
	for _, ref := range notWanted {
		if seen[ref] != 0 {
			t.Errorf("%s (a year left) listed", ref)
		}
	}
}
