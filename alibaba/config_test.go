package alibaba

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/provider"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestConfigFromEnv(t *testing.T) {
	t.Parallel()
	cfg, err := ConfigFromEnv(env(map[string]string{
		EnvAccessKeyID: "id", EnvAccessKeySecret: "secret", EnvSecurityToken: "tok", EnvRegionID: "cn-shanghai",
	}))
	if err != nil || cfg.AccessKeyID != "id" || cfg.AccessKeySecret != "secret" || cfg.SecurityToken != "tok" || cfg.Region != "cn-shanghai" {
		t.Errorf("ConfigFromEnv = %#v, %v", cfg, err)
	}
	cfg, err = ConfigFromEnv(env(map[string]string{EnvAccessKeyID: "id", EnvAccessKeySecret: "secret"}))
	if err != nil || cfg.SecurityToken != "" || cfg.Region != "" {
		t.Errorf("optional variables: %#v, %v", cfg, err)
	}
	for _, tc := range []struct {
		env     map[string]string
		missing []string
	}{
		{map[string]string{}, []string{EnvAccessKeyID, EnvAccessKeySecret}},
		{map[string]string{EnvAccessKeyID: "id", EnvAccessKeySecret: "  "}, []string{EnvAccessKeySecret}},
		{map[string]string{EnvAccessKeySecret: "secret"}, []string{EnvAccessKeyID}},
	} {
		_, err := ConfigFromEnv(env(tc.env))
		if !errors.Is(err, provider.ErrInvalidArgument) {
			t.Errorf("%v: err = %v, want invalid_argument", tc.env, err)
			continue
		}
		for _, name := range tc.missing {
			if !strings.Contains(err.Error(), name) {
				t.Errorf("%v: error %q does not name %s", tc.env, err, name)
			}
		}
		if strings.Contains(err.Error(), "secret") && !strings.Contains(err.Error(), "SECRET") {
			t.Errorf("error %q echoes a value", err)
		}
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	t.Parallel()
	good := Config{AccessKeyID: "id", AccessKeySecret: "secret"}
	for _, tc := range []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"no_credentials", func(c *Config) { c.AccessKeyID, c.AccessKeySecret = "", "" }, "AccessKeyID and AccessKeySecret"},
		{"no_secret", func(c *Config) { c.AccessKeySecret = "" }, "missing credentials: AccessKeySecret"},
		{"no_key_id", func(c *Config) { c.AccessKeyID = "" }, "missing credentials: AccessKeyID"},
		{"http_remote", func(c *Config) { c.Endpoint = "http://cas.aliyuncs.com" }, "http is allowed only on loopback"},
		{"http_remote_ip", func(c *Config) { c.Endpoint = "http://10.0.0.1:8080" }, "http is allowed only on loopback"},
		{"http_lookalike", func(c *Config) { c.Endpoint = "http://127.0.0.1.example.com:80" }, "http is allowed only on loopback"},
		{"ftp", func(c *Config) { c.Endpoint = "ftp://127.0.0.1:21" }, "scheme must be https"},
		{"no_scheme", func(c *Config) { c.Endpoint = "cas.aliyuncs.com" }, "want https://host[:port]"},
		{"path", func(c *Config) { c.Endpoint = "https://cas.aliyuncs.com/v1" }, "no path"},
		{"query", func(c *Config) { c.Endpoint = "https://cas.aliyuncs.com/?x=1" }, "no path, query"},
		{"user_info", func(c *Config) { c.Endpoint = "https://user:pw@cas.aliyuncs.com" }, "user info"},
		{"bad_port", func(c *Config) { c.Endpoint = "https://cas.aliyuncs.com:99999" }, "bad port"},
		{"bad_region", func(c *Config) { c.Region = "cn hangzhou" }, "invalid region"},
		{"negative_timeout", func(c *Config) { c.Timeout = -1 }, "negative"},
		{"secret_with_newline", func(c *Config) { c.AccessKeySecret = "a\nb" }, "control characters"},
	} {
		cfg := good
		tc.edit(&cfg)
		a, err := New(cfg)
		if a != nil || !errors.Is(err, provider.ErrInvalidArgument) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: New = %v, %v; want an invalid_argument error containing %q", tc.name, a, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "pw@") {
			t.Errorf("%s: error leaks user info: %v", tc.name, err)
		}
	}
	for _, ep := range []string{"http://127.0.0.1:1", "http://127.5.6.7:80", "http://[::1]:8080", "http://localhost:9", "https://cas.aliyuncs.com", "https://cas.aliyuncs.com:8443/", "HTTPS://10.0.0.1"} {
		cfg := good
		cfg.Endpoint = ep
		if _, err := New(cfg); err != nil {
			t.Errorf("New with endpoint %s: %v", ep, err)
		}
	}
}

// TestSecretsStayOut prints a Config and an Adapter every way, logs them,
// and makes a failing call with logging on, and looks for the secret and
// the token everywhere.
func TestSecretsStayOut(t *testing.T) {
	t.Parallel()
	s := newEmulator(t)
	var logs bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewJSONHandler(lockedWriter{&mu, &logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg := Config{Endpoint: s.URL(), AccessKeyID: testKeyID, AccessKeySecret: testSecret, SecurityToken: testToken}
	a := newTestAdapter(t, cfg, WithLogger(logger))

	var texts []string
	for _, v := range []any{cfg, &cfg, a, *a} {
		texts = append(texts, fmt.Sprintf("%v", v), fmt.Sprintf("%+v", v), fmt.Sprintf("%#v", v), fmt.Sprint(v))
	}
	logger.Info("config", "cfg", cfg, "adapter", a)

	id := s.Seed(provider.StateIssued)
	if _, err := a.Status(t.Context(), provider.StatusRequest{ID: id}); err != nil {
		t.Fatal(err)
	}
	var errs []error
	_, err := a.Renew(t.Context(), provider.RenewRequest{ID: "9000000000000000001"})
	errs = append(errs, err)
	cfgWrong := cfg
	cfgWrong.AccessKeySecret = testSecret + "x" // emulator echoes its string to sign
	b := newTestAdapter(t, cfgWrong, WithLogger(logger))
	_, err = b.Cancel(t.Context(), provider.CancelRequest{ID: id})
	if !errors.Is(err, provider.ErrUnauthorized) {
		t.Errorf("wrong secret: %v, want unauthorized", err)
	}
	errs = append(errs, err)
	s.Close() // now a transport error, whose URL carried everything
	_, err = a.Revoke(t.Context(), provider.RevokeRequest{ID: id})
	if !errors.Is(err, provider.ErrUnavailable) {
		t.Errorf("closed emulator: %v, want unavailable", err)
	}
	errs = append(errs, err)
	for _, err := range errs {
		texts = append(texts, errorTexts(err)...)
		logger.Error("call failed", "err", err)
	}
	mu.Lock()
	texts = append(texts, logs.String())
	mu.Unlock()
	for _, text := range texts {
		assertNoSecrets(t, text, testSecret, testToken, "Signature=", "SecurityToken=", "AccessKeyId=",
			strings.TrimSpace(alibabatest.PrivateKeyPlaceholder[28:60]))
	}
	if !strings.Contains(logs.String(), `"api":"DescribeCertificateState"`) {
		t.Errorf("the debug log lacks the call record:\n%s", logs.String())
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

// TestDefaultEndpointIsHTTPS checks, without any traffic, where a
// production adapter would connect: the SDK's endpoint for the region,
// over TLS on port 443.
func TestDefaultEndpointIsHTTPS(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ region, addr string }{
		{"", "cas.aliyuncs.com:443"},
		{"cn-shanghai", "cas.aliyuncs.com:443"},
		{"ap-southeast-1", "cas.ap-southeast-1.aliyuncs.com:443"},
	} {
		dialed := make(chan string, 1)
		tr := &http.Transport{DialContext: func(_ context.Context, _, addr string) (net.Conn, error) {
			dialed <- addr
			return nil, errors.New("test: no network")
		}}
		a := newTestAdapter(t, Config{Region: tc.region, AccessKeyID: "id", AccessKeySecret: "secret"}, WithHTTPTransport(tr))
		_, err := a.Renew(t.Context(), provider.RenewRequest{ID: "1"})
		if !errors.Is(err, provider.ErrUnavailable) {
			t.Errorf("region %q: %v, want unavailable (not sent)", tc.region, err)
		}
		if got := <-dialed; got != tc.addr {
			t.Errorf("region %q: dialed %s, want %s", tc.region, got, tc.addr)
		}
		if !strings.Contains(err.Error(), "https://"+strings.TrimSuffix(tc.addr, ":443")+"/?Action=RenewCertificateOrderForPackageRequest") {
			t.Errorf("error %q does not show the redacted https URL", err)
		}
	}
}

// TestCapabilitiesAndRates pins the documented capabilities and rates.
func TestCapabilitiesAndRates(t *testing.T) {
	t.Parallel()
	a := newTestAdapter(t, Config{AccessKeyID: "id", AccessKeySecret: "secret"})
	c := a.Capabilities()
	for _, tc := range []struct {
		op     provider.Op
		from   []provider.State
		lands  provider.State
		action string
		inst   string // the instance-model action (or "unsupported")
	}{
		{provider.OpCancel, []provider.State{provider.StateUnderReview}, provider.StateCancelled, "CancelOrderRequest", "CancelPendingCertificate"},
		{provider.OpRevoke, []provider.State{provider.StateIssued, provider.StateExpiring}, provider.StateRevoked, "CancelCertificateForPackageRequest", "RevokeCertificate"},
		{provider.OpDelete, []provider.State{provider.StateReviewFailed, provider.StateCancelled}, provider.StateUnknown, "DeleteCertificateRequest", "DeleteInstance"},
		{provider.OpRenew, []provider.State{provider.StateExpiring}, provider.StatePendingApplication, "RenewCertificateOrderForPackageRequest", "unsupported"},
	} {
		oc := c.For(tc.op)
		if !oc.Supported || fmt.Sprint(oc.From) != fmt.Sprint(tc.from) || oc.Lands != tc.lands || oc.Settles != tc.lands ||
			oc.Billable || !strings.HasPrefix(oc.Note, "Order IDs: "+tc.action) ||
			(tc.inst != "unsupported" && !strings.Contains(oc.Note, "Instance IDs: "+tc.inst)) {
			t.Errorf("%s: %+v", tc.op, oc)
		}
		ic := a.CapabilitiesFor("cas_dv-cn-abc").For(tc.op)
		if tc.inst == "unsupported" {
			if ic.Supported || ic.Note == "" {
				t.Errorf("%s of an instance: %+v, want unsupported with a note", tc.op, ic)
			}
		} else if fmt.Sprint(ic) != fmt.Sprint(oc) {
			t.Errorf("%s of an instance: %+v, want the order's %+v", tc.op, ic, oc)
		}
		if fmt.Sprint(a.CapabilitiesFor("123451222").For(tc.op)) != fmt.Sprint(oc) {
			t.Errorf("%s of an order ID differs from Capabilities", tc.op)
		}
	}
	for api, want := range map[string]float64{"CancelOrderRequest": 100, "CancelCertificateForPackageRequest": 10,
		"DeleteCertificateRequest": 10, "RenewCertificateOrderForPackageRequest": 10, "DescribeCertificateState": 10,
		"ListUserCertificateOrder": 10, "GetInstanceDetail": 10, "CancelPendingCertificate": 0, "RevokeCertificate": 0,
		"DeleteInstance": 0, "bogus": 0, "cancel": 0} {
		if r, burst := a.SuggestedRate(api); r != want || (want > 0 && burst < 1) {
			t.Errorf("SuggestedRate(%s) = %v, %d; want %v", api, r, burst, want)
		}
	}
}

// TestRatesMatchTheEmulatorQuotas: the adapter's suggested rate for each
// CAS action is the quota the emulator enforces under
// alibabatest.WithDocumentedQPS, both from the documented table.
func TestRatesMatchTheEmulatorQuotas(t *testing.T) {
	t.Parallel()
	a := newTestAdapter(t, Config{AccessKeyID: "id", AccessKeySecret: "secret"})
	for api, qps := range alibabatest.DocumentedQPS() {
		if r, burst := a.SuggestedRate(api); r != qps || burst < 1 {
			t.Errorf("SuggestedRate(%s) = %v, %d; want %v a second", api, r, burst, qps)
		}
	}
}

// TestNewRefusesSDKDebug: with DEBUG listing "sdk" the SDK prints signed
// requests and responses to stdout, so New refuses to build (not parallel:
// it sets the environment).
func TestNewRefusesSDKDebug(t *testing.T) {
	for _, tc := range []struct {
		debug  string
		refuse bool
	}{{"sdk", true}, {"http,sdk", true}, {"sdkx", false}, {"", false}, {"SDK", false}} {
		t.Setenv("DEBUG", tc.debug)
		_, err := New(Config{AccessKeyID: "id", AccessKeySecret: "secret", Endpoint: "http://127.0.0.1:1"})
		if refused := errors.Is(err, provider.ErrInvalidArgument) && strings.Contains(err.Error(), "DEBUG"); refused != tc.refuse {
			t.Errorf("DEBUG=%q: New error %v, want refused=%v", tc.debug, err, tc.refuse)
		}
	}
}
