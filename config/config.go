package config

import (
	"fmt"
	"log/slog"
	"sort"
	"time"
)

// The origin types this package knows.
const (
	TypeAlibaba = "alibaba"
	TypeHuawei  = "huawei"
)

// Config is a parsed and validated configuration: the origins a broker
// routes to. Build one with [Load], [Parse] or [FromEnv], or fill one in
// code; [Config.Broker] turns it into a broker.
type Config struct {
	// Path is where the configuration came from: a file's path, or a
	// name such as "environment". It prefixes error messages.
	Path string `yaml:"-"`
	// Origins maps an origin name (as used in refs, "alibaba:123") to its
	// settings.
	Origins map[string]Origin `yaml:"origins"`
}

// Names returns the origin names in sorted order.
func (c *Config) Names() []string {
	names := make([]string, 0, len(c.Origins))
	for n := range c.Origins {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Origin is one cloud account. Which keys apply depends on Type.
type Origin struct {
	// Type is the cloud: "alibaba" or "huawei".
	Type string `yaml:"type"`
	// Region is the cloud region, e.g. cn-hangzhou or ap-southeast-1.
	Region string `yaml:"region"`
	// Endpoint overrides the cloud's endpoint for the region. Plain http is
	// allowed only on loopback.
	Endpoint string `yaml:"endpoint"`
	// Rate limits requests to this origin, per second. Zero means the
	// adapter's documented default.
	Rate float64 `yaml:"rate"`
	// Burst is the rate limiter's burst; zero means derived from Rate.
	Burst int `yaml:"burst"`
	// Timeout bounds each request ("30s"); zero means the adapter's default.
	Timeout time.Duration `yaml:"timeout"`
	// SecurityToken is the STS token of temporary credentials, optional
	// (both clouds).
	SecurityToken Secret `yaml:"security_token"`
	// AccessKeyID is the Alibaba Cloud access key ID.
	AccessKeyID string `yaml:"access_key_id"`
	// AccessKeySecret is the Alibaba Cloud access key secret.
	AccessKeySecret Secret `yaml:"access_key_secret"`
	// ProjectID is the Huawei Cloud project ID.
	ProjectID string `yaml:"project_id"`
	// AK is the Huawei Cloud access key.
	AK string `yaml:"ak"`
	// SK is the Huawei Cloud secret key.
	SK Secret `yaml:"sk"`
	// RenewByPurchase lets renew buy a new certificate with the same spec
	// (Huawei has no renew API; this costs money). Off by default.
	RenewByPurchase bool `yaml:"renew_by_purchase"`

	// The _file keys name a file holding the secret (a mounted secret, as
	// in Docker and Kubernetes): it is read when the configuration is
	// parsed, one trailing newline dropped, and the secret field set from
	// it. A key and its _file variant cannot both be set. A relative path
	// is taken from the configuration file's directory.
	SecurityTokenFile   string `yaml:"security_token_file"`
	AccessKeySecretFile string `yaml:"access_key_secret_file"`
	SKFile              string `yaml:"sk_file"`

	// fromFiles are the values ${NAME} references took from NAME_FILE
	// files: they may be secrets wherever they are used, so no error
	// quotes them.
	fromFiles []string
}

// String renders the origin without its secrets.
func (o Origin) String() string {
	return fmt.Sprintf("{type=%s region=%s endpoint=%s access_key_id=%s access_key_secret=%s security_token=%s project_id=%s ak=%s sk=%s}",
		o.Type, o.Region, o.Endpoint, o.AccessKeyID, o.AccessKeySecret, o.SecurityToken, o.ProjectID, o.AK, o.SK)
}

// GoString renders the origin without its secrets.
func (o Origin) GoString() string { return "config.Origin" + o.String() }

// Format prints String (GoString for %#v) for every verb, so that no verb
// can print a secret field by field.
func (o Origin) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = fmt.Fprint(f, o.GoString())
		return
	}
	_, _ = fmt.Fprint(f, o.String())
}

// LogValue implements slog.LogValuer without the secrets.
func (o Origin) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("type", o.Type),
		slog.String("region", o.Region),
		slog.String("endpoint", o.Endpoint),
		slog.String("access_key_id", o.AccessKeyID),
		slog.Any("access_key_secret", o.AccessKeySecret),
		slog.Any("security_token", o.SecurityToken),
		slog.String("project_id", o.ProjectID),
		slog.String("ak", o.AK),
		slog.Any("sk", o.SK),
	)
}
