package endpoint

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw     string
		want    string // "" means an error containing errPart
		errPart string
	}{
		{"https://cas.aliyuncs.com", "https://cas.aliyuncs.com", ""},
		{"https://scm.ap-southeast-1.myhuaweicloud.com:443/", "https://scm.ap-southeast-1.myhuaweicloud.com:443", ""},
		{"HTTPS://Example.com", "https://Example.com", ""},
		{"http://127.0.0.1:8001", "http://127.0.0.1:8001", ""},
		{"http://127.5.6.7", "http://127.5.6.7", ""},
		{"http://[::1]:9000", "http://[::1]:9000", ""},
		{"http://localhost:8002", "http://localhost:8002", ""},
		{"http://example.com", "", "plain http"},
		{"http://10.0.0.1:80", "", "plain http"},
		{"http://127.0.0.1.nip.io", "", "plain http"},
		{"ftp://127.0.0.1", "", "scheme must be https"},
		{"127.0.0.1:8001", "", "invalid endpoint"},
		{"https://", "", "no host"},
		{"https://host/path", "", "no path"},
		{"https://host?x=1", "", "no path"},
		{"https://host#f", "", "no path"},
		{"https://host:0", "", "bad port"},
		{"https://host:70000", "", "bad port"},
		{"https://user:hunter2@host", "", "user info is not allowed"},
		{"", "", "no host"},
	}
	for _, tt := range tests {
		got, err := Parse(tt.raw)
		if tt.want != "" {
			if err != nil || got.String() != tt.want {
				t.Errorf("Parse(%q) = %v, %v; want %s", tt.raw, got, err, tt.want)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.errPart) {
			t.Errorf("Parse(%q) error = %v; want one containing %q", tt.raw, err, tt.errPart)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("Parse(%q) error repeats the user info: %v", tt.raw, err)
		}
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	if err := Check(""); err == nil {
		t.Error("Check(\"\") = nil")
	}
	if err := Check("http://127.0.0.1:1"); err != nil {
		t.Errorf("Check(loopback http) = %v", err)
	}
}

func TestDisplay(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{
		"https://user:pw@host":   "https://host",
		"%zz@host":               "[endpoint with user info]",
		"https://host":           "https://host",
		strings.Repeat("a", 300): strings.Repeat("a", 200) + "…",
	} {
		if got := Display(raw); got != want {
			t.Errorf("Display(%q) = %q, want %q", raw, got, want)
		}
	}
}
