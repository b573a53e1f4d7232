package main

import (
	"strings"
	"testing"
	"time"
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
