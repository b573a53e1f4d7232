package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

const (
	testAliID     = "LTAIdistinctKeyID7788"
	testAliSecret = "aliSECRETzx81Qv0099kk"
	testHwAK      = "HWAKdistinct4455"
	testHwSK      = "hwSECRETpp21Zm7766ww"
	testToken     = "stsTOKENqq55Lr0011"
)

func mapEnv(m map[string]string) Lookup {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

var fullEnv = mapEnv(map[string]string{
	"ALIBABA_CLOUD_ACCESS_KEY_ID":     testAliID,
	"ALIBABA_CLOUD_ACCESS_KEY_SECRET": testAliSecret,
	"HUAWEICLOUD_SDK_PROJECT_ID":      "proj0123456789abcdef",
	"HUAWEICLOUD_SDK_AK":              testHwAK,
	"HUAWEICLOUD_SDK_SK":              testHwSK,
})

const fullYAML = `
origins:
  alibaba:                 # origin name used in refs
    type: alibaba
    region: cn-hangzhou
    access_key_id: ${ALIBABA_CLOUD_ACCESS_KEY_ID}
    access_key_secret: ${ALIBABA_CLOUD_ACCESS_KEY_SECRET}
    endpoint: http://127.0.0.1:8001
    rate: 10
  huawei:
    type: huawei
    region: ap-southeast-1
    project_id: ${HUAWEICLOUD_SDK_PROJECT_ID}
    ak: ${HUAWEICLOUD_SDK_AK}
    sk: ${HUAWEICLOUD_SDK_SK}
    endpoint: http://127.0.0.1:8002
    renew_by_purchase: false
    timeout: 15s
`

func TestParseFull(t *testing.T) {
	t.Parallel()
	f, err := Parse([]byte(fullYAML), "test.yaml", WithLookup(fullEnv))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Names(); strings.Join(got, ",") != "alibaba,huawei" {
		t.Fatalf("Names = %v", got)
	}
	a := f.Origins["alibaba"]
	if a.Type != TypeAlibaba || a.Region != "cn-hangzhou" || a.AccessKeyID != testAliID ||
		a.AccessKeySecret.Reveal() != testAliSecret || a.Endpoint != "http://127.0.0.1:8001" || a.Rate != 10 {
		t.Errorf("alibaba = %v", a)
	}
	h := f.Origins["huawei"]
	if h.Type != TypeHuawei || h.ProjectID != "proj0123456789abcdef" || h.AK != testHwAK ||
		h.SK.Reveal() != testHwSK || h.RenewByPurchase || h.Timeout != 15*time.Second {
		t.Errorf("huawei = %v", h)
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	ali := func(extra string) string {
		return "origins:\n  a:\n    type: alibaba\n    access_key_id: id\n    access_key_secret: " + testAliSecret + "\n" + extra
	}
	tests := []struct {
		name string
		yaml string
		want []string // substrings of the error
	}{
		{"empty", "", []string{"empty"}},
		{"no origins", "origins: {}\n", []string{"line 1: no origins"}},
		{"unknown top key", "origin:\n  a: {}\n", []string{"origin", "not a known top-level key"}},
		{"unknown origin key", ali("    acces_key_id: x\n"), []string{"line 6", "acces_key_id", "not a known key of an origin"}},
		{"foreign key", ali("    sk: " + testHwSK + "\n"), []string{"line 6: origins.a.sk", "not a key of an origin of type alibaba"}},
		{"foreign huawei key", "origins:\n  h:\n    type: huawei\n    security_token: t\n    access_key_id: x\n", []string{"origins.h.access_key_id", "huawei"}},
		{"missing type", "origins:\n  a:\n    region: x\n", []string{"line 2: origins.a.type", "missing"}},
		{"unknown type", "origins:\n  a:\n    type: aws\n", []string{`line 3: origins.a.type: unknown type "aws"`}},
		{"bad origin name", "origins:\n  Ali:\n    type: alibaba\n", []string{`line 2: origin "Ali"`, "bad name"}},
		{"missing var", "origins:\n  a:\n    type: alibaba\n    access_key_secret: ${NOPE_SECRET}\n    access_key_id: ${NOPE_ID}\n",
			[]string{"NOPE_SECRET (origins.a.access_key_secret, line 4)", "NOPE_ID (origins.a.access_key_id, line 5)", "not set"}},
		{"unterminated ref", "origins:\n  a:\n    type: alibaba\n    access_key_secret: ${ABC" + testAliSecret + "\n", []string{"unterminated"}},
		{"bad var name", "origins:\n  a:\n    type: alibaba\n    access_key_secret: ${1X}\n", []string{"bad variable name"}},
		{"http non-loopback", ali("    endpoint: http://cas.example.com\n"), []string{"line 6: origins.a.endpoint", "only on loopback", "cas.example.com"}},
		{"http private ip", ali("    endpoint: http://10.0.0.1:80\n"), []string{"only on loopback"}},
		{"ftp scheme", ali("    endpoint: ftp://127.0.0.1\n"), []string{"scheme must be https"}},
		{"endpoint with path", ali("    endpoint: https://x.example.com/v1\n"), []string{"no path"}},
		{"endpoint with user", ali("    endpoint: https://u:p@x.example.com\n"), []string{"user info is not allowed"}},
		{"not a url", ali("    endpoint: 127.0.0.1:8000\n"), []string{"want https://host[:port]"}},
		{"negative rate", ali("    rate: -1\n"), []string{"line 6: origins.a.rate"}},
		{"burst without rate", ali("    burst: 3\n"), []string{"line 6: origins.a.burst", "needs rate"}},
		{"bad timeout", ali("    timeout: " + testHwSK + "\n"), []string{"line 6", "cannot read a value as a duration"}},
		{"bad rate", ali("    rate: " + testHwSK + "\n"), []string{"line 6", "as a number"}},
		{"list for a secret", ali("    security_token: [" + testHwSK + "]\n"), []string{"line 6", "cannot read a list as a string"}},
		{"origin not a map", "origins:\n  a: " + testAliSecret + "\n", []string{"line 2", "as an origin"}},
		{"two documents", ali("---\norigins: {}\n"), []string{"more than one YAML document"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(tt.yaml), "c.yaml", WithLookup(fullEnv))
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "c.yaml: ") {
				t.Errorf("error does not name the file: %q", msg)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not contain %q", msg, w)
				}
			}
			for _, s := range []string{testAliSecret, testHwSK} {
				if strings.Contains(msg, s) {
					t.Errorf("error leaks a secret: %q", msg)
				}
			}
		})
	}
}

func TestEndpoints(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"https://cas.aliyuncs.com", "https://scm.ap-southeast-1.myhuaweicloud.com:443/", "http://127.0.0.1:8001",
		"http://127.9.9.9", "http://[::1]:80", "http://localhost:9", "HTTP://LOCALHOST"} {
		if err := CheckEndpoint(ok); err != nil {
			t.Errorf("CheckEndpoint(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"http://192.168.1.1", "http://localhost.example.com", "http://[::2]", "cas.aliyuncs.com", "", "https://"} {
		if err := CheckEndpoint(bad); err == nil {
			t.Errorf("CheckEndpoint(%q) = nil", bad)
		}
	}
}

func TestExpandString(t *testing.T) {
	t.Parallel()
	lookup := mapEnv(map[string]string{"A": "1", "B_2": "two", "EMPTY": ""})
	tests := []struct{ in, want, missing string }{
		{"plain", "plain", ""},
		{"$A", "$A", ""},
		{"${A}", "1", ""},
		{"x${A}y${B_2}z", "x1ytwoz", ""},
		{"${EMPTY}", "", ""},
		{"${A}${NOPE}${NOPE2}", "1", "NOPE,NOPE2"},
	}
	for _, tt := range tests {
		got, missing, err := expandString(tt.in, env{lookup: lookup})
		if err != nil || got != tt.want || strings.Join(missing, ",") != tt.missing {
			t.Errorf("expandString(%q) = %q, %v, %v; want %q, %s", tt.in, got, missing, err, tt.want, tt.missing)
		}
	}
}

func TestSecretsRedacted(t *testing.T) {
	t.Parallel()
	f, err := Parse([]byte(fullYAML+"    \n"), "t", WithLookup(fullEnv))
	if err != nil {
		t.Fatal(err)
	}
	o := f.Origins["alibaba"]
	o.SecurityToken = testToken
	var logBuf bytes.Buffer
	slog.New(slog.NewJSONHandler(&logBuf, nil)).Info("cfg", "origin", o, "file", f, "sk", f.Origins["huawei"].SK)
	js, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	ys, err := yaml.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	outputs := map[string]string{
		"%v":    fmt.Sprintf("%v", o),
		"%+v":   fmt.Sprintf("%+v", o),
		"%#v":   fmt.Sprintf("%#v", o),
		"%s":    fmt.Sprintf("%s/%s", o.AccessKeySecret, o.SK),
		"%q":    fmt.Sprintf("%q", o.AccessKeySecret),
		"%x":    fmt.Sprintf("%x", o.AccessKeySecret),
		"file":  fmt.Sprintf("%+v %#v", *f, f.Origins),
		"slog":  logBuf.String(),
		"json":  string(js),
		"yaml":  string(ys),
		"print": fmt.Sprint(o.SK, o.AccessKeySecret, f.Origins["huawei"]),
	}
	for name, out := range outputs {
		for _, s := range []string{testAliSecret, testHwSK, testToken} {
			if strings.Contains(out, s) {
				t.Errorf("%s output leaks %q: %s", name, s, out)
			}
		}
	}
	if !strings.Contains(outputs["%v"], Redacted) || !strings.Contains(outputs["slog"], Redacted) {
		t.Errorf("redaction marker missing: %s / %s", outputs["%v"], outputs["slog"])
	}
	if !strings.Contains(outputs["%v"], testAliID) {
		t.Errorf("non-secret access key ID should stay visible: %s", outputs["%v"])
	}
}

func TestCandidatesAndFind(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		env  map[string]string
		want []string
	}{
		{map[string]string{"XDG_CONFIG_HOME": "/x", "HOME": "/h"}, []string{DefaultName, "/x/certbroker/config.yaml"}},
		{map[string]string{"XDG_CONFIG_HOME": "relative", "HOME": "/h"}, []string{DefaultName, "/h/.config/certbroker/config.yaml"}},
		{map[string]string{"HOME": "/h"}, []string{DefaultName, "/h/.config/certbroker/config.yaml"}},
		{map[string]string{}, []string{DefaultName}},
	}
	for _, tt := range tests {
		if got := Candidates(mapEnv(tt.env)); strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("Candidates(%v) = %v, want %v", tt.env, got, tt.want)
		}
	}
	if got := Find(mapEnv(map[string]string{"XDG_CONFIG_HOME": dir})); got != "" {
		t.Errorf("Find in empty dir = %q", got)
	}
	p := filepath.Join(dir, "certbroker", "config.yaml")
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(fullYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := Find(mapEnv(map[string]string{"XDG_CONFIG_HOME": dir})); got != p {
		t.Errorf("Find = %q, want %q", got, p)
	}
	f, err := Load(p, WithLookup(fullEnv))
	if err != nil || f.Path != p || len(f.Origins) != 2 {
		t.Fatalf("Load = %v, %v", f, err)
	}
	if _, err := Load(filepath.Join(dir, "nope.yaml"), WithLookup(fullEnv)); err == nil || !strings.Contains(err.Error(), "nope.yaml") {
		t.Errorf("Load of a missing file: %v", err)
	}
}

// TestSyntaxErrorLines checks that a YAML syntax error names the line
// where the document broke, not the start of the enclosing block.
func TestSyntaxErrorLines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, yaml, want string
	}{
		{"key indented too little", "origins:\n  alibaba:\n    type: alibaba\n   region: x\n", "line 4: did not find expected key"},
		{"key indented too much", "origins:\n  alibaba:\n    type: alibaba\n      region: x\n", "line 4: mapping values are not allowed"},
		{"deeper in the file", "origins:\n  alibaba:\n    type: alibaba\n    region: x\n  huawei:\n    type: huawei\n   ak: y\n", "line 7: did not find expected key"},
		{"tab indentation", "origins:\n\talibaba:\n    type: alibaba\n", "line 2: found character that cannot start any token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(tt.yaml), "c.yaml", WithLookup(fullEnv))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}
