package huawei

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestNewRefusesBadConfig(t *testing.T) {
	t.Parallel()
	good := stubConfig("https://scm.example.test")
	cases := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"no_project", func(c *Config) { c.ProjectID = "" }, "ProjectID is required"},
		{"project_slash", func(c *Config) { c.ProjectID = "a/b" }, "ProjectID"},
		{"project_placeholder", func(c *Config) { c.ProjectID = "{project_id}" }, "ProjectID"},
		{"no_ak", func(c *Config) { c.AK = "" }, "AK is required"},
		{"no_sk", func(c *Config) { c.SK = "" }, "SK is required"},
		{"ak_comma", func(c *Config) { c.AK = "AK, Signature=x" }, "AK contains"},
		{"token_newline", func(c *Config) { c.SecurityToken = "tok\r\nX-Evil: 1" }, "SecurityToken"},
		{"timeout", func(c *Config) { c.Timeout = -time.Second }, "negative"},
		{"http_remote", func(c *Config) { c.Endpoint = "http://scm.example.test" }, "http is allowed only on loopback hosts"},
		{"http_private", func(c *Config) { c.Endpoint = "http://10.0.0.1:8080" }, "loopback"},
		{"http_lookalike", func(c *Config) { c.Endpoint = "http://127.0.0.1.example.test" }, "loopback"},
		{"ftp", func(c *Config) { c.Endpoint = "ftp://127.0.0.1" }, "scheme must be https"},
		{"no_scheme", func(c *Config) { c.Endpoint = "scm.example.test" }, "no host"},
		{"path", func(c *Config) { c.Endpoint = "https://scm.example.test/v2" }, "only scheme://host"},
		{"query", func(c *Config) { c.Endpoint = "https://scm.example.test?x=1" }, "only scheme://host"},
		{"userinfo", func(c *Config) { c.Endpoint = "https://u:p@scm.example.test" }, "user info"},
		{"region", func(c *Config) { c.Endpoint = ""; c.Region = "mars-north-1" }, "mars-north-1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			cfg := good
			c.edit(&cfg)
			a, err := New(cfg)
			if err == nil {
				t.Fatalf("New accepted %v: %v", cfg, a)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not mention %q", err, c.want)
			}
			for _, secret := range []string{testSK, testToken, "u:p"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q leaks a secret", err)
				}
			}
		})
	}
}

func TestNewReportsAllProblems(t *testing.T) {
	t.Parallel()
	_, err := New(Config{})
	for _, want := range []string{"ProjectID", "AK", "SK"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("New(Config{}) = %v, want it to name %s", err, want)
		}
	}
}

func TestEndpoints(t *testing.T) {
	t.Parallel()
	cases := []struct {
		cfg  Config
		want string
	}{
		{Config{}, "https://scm.ap-southeast-1.myhuaweicloud.com"},
		{Config{Region: "cn-north-4"}, "https://scm.cn-north-4.myhuaweicloud.com"},
		{Config{Region: "my-kualalumpur-1"}, "https://scm.my-kualalumpur-1.myhuaweicloud.com"},
		{Config{Endpoint: "http://127.0.0.1:8080/"}, "http://127.0.0.1:8080"},
		{Config{Endpoint: "http://[::1]:8080"}, "http://[::1]:8080"},
		{Config{Endpoint: "http://localhost:9"}, "http://localhost:9"},
		{Config{Endpoint: "HTTPS://scm.example.test:8443"}, "https://scm.example.test:8443"},
	}
	for _, c := range cases {
		cfg := c.cfg
		cfg.ProjectID, cfg.AK, cfg.SK = testProject, testAK, testSK
		a := mustNew(t, cfg)
		if a.endpoint != c.want {
			t.Errorf("%+v: endpoint %q, want %q", c.cfg, a.endpoint, c.want)
		}
	}
}

func TestConfigFromEnv(t *testing.T) {
	t.Parallel()
	env := func(m map[string]string) func(string) (string, bool) {
		return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	}
	cfg, err := ConfigFromEnv(env(map[string]string{
		EnvAK: testAK, EnvSK: testSK, EnvProjectID: testProject, EnvRegion: "cn-north-4", EnvSecurityToken: testToken,
	}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.AK != testAK || cfg.SK != testSK || cfg.ProjectID != testProject || cfg.Region != "cn-north-4" || cfg.SecurityToken != testToken {
		t.Errorf("ConfigFromEnv = %v", cfg)
	}

	_, err = ConfigFromEnv(env(map[string]string{EnvSK: testSK, EnvProjectID: "  "}))
	if err == nil {
		t.Fatal("missing variables accepted")
	}
	for _, want := range []string{EnvAK, EnvProjectID} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
	if strings.Contains(err.Error(), EnvSK) || strings.Contains(err.Error(), testSK) {
		t.Errorf("error %q names a variable that is set, or its value", err)
	}
}

// TestSecretsNeverPrinted formats a Config, an Adapter and errors every way
// a caller might and looks for the secrets.
func TestSecretsNeverPrinted(t *testing.T) {
	t.Parallel()
	s := newStub(t, answer(401, scmError("APIGW.0301", "verify aksk signature fail")))
	cfg := stubConfig(s.URL)
	cfg.SecurityToken = testToken
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a := mustNew(t, cfg, WithLogger(logger))
	_, err := a.Status(t.Context(), statusReq(testCertID))
	if err == nil {
		t.Fatal("Status succeeded against a 401")
	}
	_, err2 := New(Config{SK: testSK, SecurityToken: testToken, Endpoint: "http://example.test"})

	var out bytes.Buffer
	for _, v := range []any{cfg, &cfg, a, *a, err, err2} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			fmt.Fprintf(&out, verb+"\n", v)
		}
	}
	logger.Info("config", "cfg", cfg, "adapter", a, "err", err)
	out.Write(logs.Bytes())
	text := out.String()
	for _, secret := range []string{testSK, testToken} {
		if strings.Contains(text, secret) {
			t.Errorf("secret %q printed:\n%s", secret, text)
		}
	}
	if strings.Contains(text, testAK) {
		t.Errorf("full AK printed (only a hint should be):\n%s", text)
	}
	if !strings.Contains(text, testAK[:4]+"****") || !strings.Contains(text, "[REDACTED]") {
		t.Errorf("redacted forms missing:\n%s", text)
	}
	if !strings.Contains(logs.String(), "huawei request failed") {
		t.Errorf("no request log record:\n%s", logs.String())
	}
}

func TestSuggestedRate(t *testing.T) {
	t.Parallel()
	a := mustNew(t, stubConfig("http://127.0.0.1:1"))
	for _, api := range []string{apiCancel, apiRevoke, apiDelete, apiShow, apiList, apiPurchase} {
		rate, burst := a.SuggestedRate(api)
		want, wantBurst := 20.0, 10
		if api == apiPurchase {
			want, wantBurst = 1, 1
		}
		if rate != want || burst != wantBurst {
			t.Errorf("%s: %v/s burst %d, want %v/s burst %d", api, rate, burst, want, wantBurst)
		}
	}
}
