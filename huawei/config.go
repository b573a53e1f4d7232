package huawei

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/certbroker/certbroker/internal/adapterkit"
	"github.com/certbroker/certbroker/internal/endpoint"
	"github.com/certbroker/certbroker/provider"
)

// DefaultOrigin is the origin an adapter stamps on its own results and
// errors. Behind a broker, the name it is registered under replaces it:
// the broker's Register is the one place that names an origin.
const DefaultOrigin = "huawei"

// Defaults applied by [New] to zero fields of [Config].
const (
	DefaultRegion  = "ap-southeast-1"
	DefaultTimeout = 30 * time.Second
)

// Config configures an [Adapter]. Secrets (SK, SecurityToken) are never
// printed: String, GoString and LogValue redact them.
type Config struct {
	// Region selects the SCM endpoint from the SDK's SCM region table
	// (cn-north-4, ap-southeast-1, my-kualalumpur-1). Default
	// "ap-southeast-1". The SDK lets the environment variable
	// HUAWEICLOUD_SDK_REGION_SCM_<REGION> and ~/.huaweicloud/regions.yaml
	// override the table's endpoint; the first endpoint so found is used,
	// subject to the same rules as Endpoint. Ignored when Endpoint is set.
	Region string
	// ProjectID fills {project_id} in every v2 path and the X-Project-Id
	// header. Required: the adapter never asks IAM for it.
	ProjectID string
	// AK and SK are the access key pair. Both are required: the adapter
	// never falls back to the SDK's environment, profile or ECS metadata
	// credential sources.
	AK string
	SK string
	// SecurityToken is the STS token that goes with temporary AK/SK.
	// Optional.
	SecurityToken string
	// Endpoint overrides the region's endpoint: "https://host[:port]", or
	// "http://host[:port]" for a loopback host only (127.0.0.0/8, ::1,
	// localhost), such as an emulator. No path, query or user info.
	Endpoint string
	// Timeout bounds each HTTP request the adapter makes (an operation may
	// make up to three). Default 30s.
	Timeout time.Duration
	// RenewByPurchase enables Renew. Huawei has no renewal API: renewing
	// is buying a new certificate with the same spec, which is billed.
	// Off by default, so Renew fails with KindUnsupported.
	RenewByPurchase bool
}

// redacted returns a copy of c that is safe to print.
func (c Config) redacted() Config {
	c.AK = adapterkit.MaskKeyID(c.AK)
	c.SK = adapterkit.RedactIfSet(c.SK)
	c.SecurityToken = adapterkit.RedactIfSet(c.SecurityToken)
	c.Endpoint = endpoint.Display(c.Endpoint)
	return c
}

// String renders the configuration with its secrets redacted.
func (c Config) String() string {
	r := c.redacted()
	return fmt.Sprintf("huawei.Config{Region:%q ProjectID:%q AK:%q SK:%q SecurityToken:%q Endpoint:%q Timeout:%s RenewByPurchase:%t}",
		r.Region, r.ProjectID, r.AK, r.SK, r.SecurityToken, r.Endpoint, r.Timeout, r.RenewByPurchase)
}

// GoString is like String, so that %#v redacts secrets too.
func (c Config) GoString() string { return c.String() }

// Format prints String for every verb, so that no verb (%d, %t, %x, …)
// can print a secret field by field.
func (c Config) Format(f fmt.State, verb rune) { _, _ = fmt.Fprint(f, c.String()) }

// LogValue implements [slog.LogValuer] with secrets redacted.
func (c Config) LogValue() slog.Value {
	r := c.redacted()
	return slog.GroupValue(
		slog.String("region", r.Region),
		slog.String("project_id", r.ProjectID),
		slog.String("ak", r.AK),
		slog.String("sk", r.SK),
		slog.String("security_token", r.SecurityToken),
		slog.String("endpoint", r.Endpoint),
		slog.Duration("timeout", r.Timeout),
		slog.Bool("renew_by_purchase", r.RenewByPurchase),
	)
}

// withDefaults fills zero fields.
func (c Config) withDefaults() Config {
	if c.Region == "" {
		c.Region = DefaultRegion
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	return c
}

// validate checks every field that does not need the region table and
// reports all problems at once.
func (c Config) validate() error {
	var errs []error
	if err := checkProjectID(c.ProjectID); err != nil {
		errs = append(errs, err)
	}
	if c.AK == "" {
		errs = append(errs, errors.New("AK is required"))
	} else if !isHeaderToken(c.AK) {
		errs = append(errs, errors.New("AK contains characters an access key ID cannot have"))
	}
	if c.SK == "" {
		errs = append(errs, errors.New("SK is required"))
	}
	if c.SecurityToken != "" && !isHeaderValue(c.SecurityToken) {
		errs = append(errs, errors.New("SecurityToken contains control characters"))
	}
	if c.Timeout < 0 {
		errs = append(errs, fmt.Errorf("the timeout %s is negative", c.Timeout))
	}
	return errors.Join(errs...)
}

// checkProjectID accepts what Huawei project IDs look like (32 hex digits
// in practice) with some slack: 1 to 64 ASCII letters, digits, '-' or '_'.
// The SDK substitutes it into every path unescaped, so nothing else may
// pass.
func checkProjectID(id string) error {
	if id == "" {
		return errors.New("ProjectID is required (the adapter never looks it up through IAM)")
	}
	if len(id) > 64 {
		return errors.New("ProjectID is longer than 64 characters")
	}
	for i := 0; i < len(id); i++ {
		ch := id[i]
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '_') {
			return fmt.Errorf("ProjectID %q may contain only letters, digits, '-' and '_'", id)
		}
	}
	return nil
}

// isHeaderToken reports whether s is printable ASCII without spaces or
// commas, so it cannot break the Authorization header it goes into.
func isHeaderToken(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f || s[i] == ',' {
			return false
		}
	}
	return true
}

// isHeaderValue reports whether s has no control characters.
func isHeaderValue(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}

// Environment variables read by [ConfigFromEnv].
const (
	EnvAK            = "HUAWEICLOUD_SDK_AK"
	EnvSK            = "HUAWEICLOUD_SDK_SK"
	EnvProjectID     = "HUAWEICLOUD_SDK_PROJECT_ID"
	EnvSecurityToken = "HUAWEICLOUD_SDK_SECURITY_TOKEN"
	EnvRegion        = "HUAWEICLOUD_SDK_REGION"
)

// ConfigFromEnv builds a Config from environment variables through lookup
// (os.LookupEnv in production): HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK and
// HUAWEICLOUD_SDK_PROJECT_ID are required; HUAWEICLOUD_SDK_SECURITY_TOKEN
// and HUAWEICLOUD_SDK_REGION are optional. The first three are the names
// the Huawei SDK's own environment credential provider reads;
// HUAWEICLOUD_SDK_REGION is certbroker's choice, following the same
// prefix, for the SCM region (default ap-southeast-1). Every missing
// required variable is named in one error. Values are used as given, and
// the secrets never appear in the error.
func ConfigFromEnv(lookup func(string) (string, bool)) (Config, error) {
	get := func(name string) string {
		v, _ := lookup(name)
		return strings.TrimSpace(v)
	}
	cfg := Config{
		AK:            get(EnvAK),
		SK:            get(EnvSK),
		ProjectID:     get(EnvProjectID),
		SecurityToken: get(EnvSecurityToken),
		Region:        get(EnvRegion),
	}
	var missing []string
	for _, v := range []struct{ name, val string }{
		{EnvAK, cfg.AK}, {EnvSK, cfg.SK}, {EnvProjectID, cfg.ProjectID},
	} {
		if v.val == "" {
			missing = append(missing, v.name)
		}
	}
	if len(missing) > 0 {
		return cfg, &provider.Error{Kind: provider.KindInvalidArgument,
			Message: "huawei: missing environment variables: " + strings.Join(missing, ", ")}
	}
	return cfg, nil
}
