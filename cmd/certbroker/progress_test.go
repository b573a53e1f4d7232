package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/certbroker/certbroker/provider"
)

// progressLine is the format of a progress line.
var progressLine = regexp.MustCompile(`^certbroker: status: (\d+)/6 done, (\d+) failed, (\d+) remaining; alibaba: \d+/3, \d+\.\d/s; huawei: \d+/3, \d+\.\d/s( \(in [0-9.]+m?s\))?$`)

// TestProgressLines runs a bulk status with stderr not a terminal: with a
// tiny interval it reports progress lines in the documented format; with
// a long one (a fast run) and on a terminal it prints none.
func TestProgressLines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		every     time.Duration
		tty       bool
		wantLines bool
	}{
		{name: "tiny interval", every: time.Nanosecond, wantLines: true},
		{name: "run shorter than the interval", every: time.Hour},
		{name: "terminal draws a bar instead", every: time.Nanosecond, tty: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, false)
			args := []string{"status", "-v", "--config", w.cfgPath, "alibaba:99999999999"}
			for i := 0; i < 3; i++ {
				args = append(args, "huawei:"+w.hw.Seed(provider.StateIssued))
			}
			for i := 0; i < 2; i++ {
				args = append(args, "alibaba:"+w.ali.Seed(provider.StateIssued))
			}
			var out, errb bytes.Buffer
			c := &cli{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, env: w.env,
				isTerminal: func(s any) bool { return tt.tty && s == &errb }, progressEvery: tt.every}
			if code := c.run(context.Background(), args); code != exitFailed {
				t.Fatalf("exit %d, want 1 (one unknown order)\n%s", code, errb.String())
			}
			assertNoSecrets(t, out.String()+errb.String())
			var lines []string
			for _, l := range strings.Split(errb.String(), "\n") {
				if strings.HasPrefix(l, "certbroker: status: ") {
					lines = append(lines, l)
				}
			}
			if !tt.wantLines {
				if len(lines) != 0 {
					t.Errorf("progress lines printed: %q", lines)
				}
				return
			}
			if len(lines) == 0 {
				t.Fatalf("no progress line:\n%s", errb.String())
			}
			for _, l := range lines {
				if !progressLine.MatchString(l) {
					t.Errorf("progress line %q does not match %s", l, progressLine)
				}
			}
			last := lines[len(lines)-1]
			if !strings.Contains(last, "6/6 done, 1 failed, 0 remaining; alibaba: 3/3") || !strings.Contains(last, "huawei: 3/3") || !strings.Contains(last, "(in ") {
				t.Errorf("last line %q does not report the finished run", last)
			}
		})
	}
}
