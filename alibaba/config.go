package alibaba

import (
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"github.com/certbroker/certbroker/internal/adapterkit"
	"github.com/certbroker/certbroker/provider"
)

// DefaultOrigin is the origin an adapter stamps on its own results and
// errors. Behind a broker, the name it is registered under replaces it:
// the broker's Register is the one place that names an origin.
const DefaultOrigin = "alibaba"

// Defaults applied by [New] to zero fields of [Config].
const (
	DefaultRegion         = "cn-hangzhou"
	DefaultTimeout        = 30 * time.Second
	DefaultConnectTimeout = 5 * time.Second
)

// The environment variables read by [ConfigFromEnv]. They are the ones
// Alibaba Cloud's own tools use.
const (
	EnvAccessKeyID     = "ALIBABA_CLOUD_ACCESS_KEY_ID"
	EnvAccessKeySecret = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
	EnvSecurityToken   = "ALIBABA_CLOUD_SECURITY_TOKEN"
	EnvRegionID        = "ALIBABA_CLOUD_REGION_ID"
)

// Config configures an [Adapter]. The zero value of every optional field
// means its default. Config holds secrets: its String, GoString and
// LogValue methods redact them, so it is safe to print and log.
type Config struct {
	// Region is the Alibaba Cloud region ID (default "cn-hangzhou"). It is
	// sent as RegionId and, without Endpoint, selects the endpoint.
	Region string
	// Endpoint overrides the endpoint: "https://host[:port]", or
	// "http://host:port" for a loopback host (127.0.0.0/8, ::1,
	// localhost) such as an emulator. No path, query or user info. When
	// empty, the SDK's own endpoint resolution for product "cas" picks the
	// host (cas.aliyuncs.com for every region the SDK knows) and the
	// scheme is always HTTPS: the SDK's default of plain HTTP is never
	// used.
	Endpoint string
	// AccessKeyID and AccessKeySecret are the RAM credentials. Both are
	// required: the adapter never falls back to the SDK's default
	// credential chain, which may read files or query the ECS metadata
	// service over the network.
	AccessKeyID     string
	AccessKeySecret string
	// SecurityToken is the STS token of temporary credentials, if any.
	SecurityToken string
	// Timeout bounds each call, from sending the request to reading the
	// whole response (default 30s).
	Timeout time.Duration
	// ConnectTimeout bounds establishing a connection, TCP and TLS
	// (default 5s).
	ConnectTimeout time.Duration
}

// ConfigFromEnv builds a Config from the environment through lookup
// (os.LookupEnv in production, a map in tests). ALIBABA_CLOUD_ACCESS_KEY_ID
// and ALIBABA_CLOUD_ACCESS_KEY_SECRET are required; ALIBABA_CLOUD_SECURITY_TOKEN
// and ALIBABA_CLOUD_REGION_ID are optional. An empty value counts as
// missing, and every missing variable is named in one error. Other fields
// are left zero for the caller to set.
func ConfigFromEnv(lookup func(string) (string, bool)) (Config, error) {
	get := func(name string) string {
		v, ok := lookup(name)
		if !ok {
			return ""
		}
		return strings.TrimSpace(v)
	}
	cfg := Config{
		AccessKeyID:     get(EnvAccessKeyID),
		AccessKeySecret: get(EnvAccessKeySecret),
		SecurityToken:   get(EnvSecurityToken),
		Region:          get(EnvRegionID),
	}
	var missing []string
	if cfg.AccessKeyID == "" {
		missing = append(missing, EnvAccessKeyID)
	}
	if cfg.AccessKeySecret == "" {
		missing = append(missing, EnvAccessKeySecret)
	}
	if len(missing) > 0 {
		return Config{}, &provider.Error{Kind: provider.KindInvalidArgument,
			Message: "alibaba: missing environment variables: " + strings.Join(missing, ", ")}
	}
	return cfg, nil
}

var regionPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// withDefaults returns cfg with defaults filled in, or an error naming the
// first invalid field.
func (cfg Config) withDefaults() (Config, error) {
	if cfg.Region == "" {
		cfg.Region = DefaultRegion
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = DefaultConnectTimeout
	}
	bad := func(format string, args ...any) (Config, error) {
		return cfg, fmt.Errorf(format, args...)
	}
	if !regionPattern.MatchString(cfg.Region) {
		return bad("invalid region %q: want a region ID such as cn-hangzhou", adapterkit.Truncate(cfg.Region, 64))
	}
	if cfg.Timeout < 0 || cfg.ConnectTimeout < 0 {
		return bad("timeouts must not be negative")
	}
	var missing []string
	if cfg.AccessKeyID == "" {
		missing = append(missing, "AccessKeyID")
	}
	if cfg.AccessKeySecret == "" {
		missing = append(missing, "AccessKeySecret")
	}
	if len(missing) > 0 {
		return bad("missing credentials: %s (the SDK's default credential chain is never used)",
			strings.Join(missing, " and "))
	}
	for _, s := range []string{cfg.AccessKeyID, cfg.AccessKeySecret, cfg.SecurityToken} {
		if strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
			return bad("credentials must not contain spaces or control characters")
		}
	}
	return cfg, nil
}

// String renders cfg with the secret and the token redacted and the
// AccessKey ID masked.
func (cfg Config) String() string {
	return fmt.Sprintf("alibaba.Config{Region:%q Endpoint:%q AccessKeyID:%q AccessKeySecret:%q SecurityToken:%q Timeout:%v ConnectTimeout:%v}",
		cfg.Region, displayEndpoint(cfg.Endpoint), adapterkit.MaskKeyID(cfg.AccessKeyID),
		adapterkit.RedactIfSet(cfg.AccessKeySecret), adapterkit.RedactIfSet(cfg.SecurityToken), cfg.Timeout, cfg.ConnectTimeout)
}

// GoString implements [fmt.GoStringer] for %#v, with the same redaction as
// String.
func (cfg Config) GoString() string { return cfg.String() }

// Format prints String for every verb, so that no verb (%d, %t, %x, …)
// can print a secret field by field.
func (cfg Config) Format(f fmt.State, verb rune) { _, _ = fmt.Fprint(f, cfg.String()) }

// LogValue implements [slog.LogValuer], with the same redaction as String.
func (cfg Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("region", cfg.Region),
		slog.String("endpoint", displayEndpoint(cfg.Endpoint)),
		slog.String("access_key_id", adapterkit.MaskKeyID(cfg.AccessKeyID)),
		slog.String("access_key_secret", adapterkit.RedactIfSet(cfg.AccessKeySecret)),
		slog.String("security_token", adapterkit.RedactIfSet(cfg.SecurityToken)),
		slog.Duration("timeout", cfg.Timeout),
		slog.Duration("connect_timeout", cfg.ConnectTimeout),
	)
}
