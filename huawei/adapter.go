package huawei

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/certbroker/certbroker/internal/adapterkit"
	"github.com/certbroker/certbroker/provider"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
)

// userAgent is appended to the SDK's own User-Agent. Setting it also
// stops the SDK from computing its default suffix, which would create
// ~/.huaweicloud/application_id on the first client build.
const userAgent = "certbroker-huawei"

// Adapter is a provider.Provider for one Huawei Cloud account and project
// (one origin), over the SCM v2 and v3 APIs. It also implements
// provider.IDChecker, provider.Checker (see Check) and
// provider.RateAdvisor. It is safe for concurrent use; build it once and
// share it.
type Adapter struct {
	kit       adapterkit.Kit
	projectID string
	endpoint  string
	renew     bool
	timeout   time.Duration
	akHint    string
	secrets   secrets
	now       func() time.Time
	hc        *core.HcHttpClient
	transport *callTransport
}

var (
	_ provider.Provider    = (*Adapter)(nil)
	_ provider.IDChecker   = (*Adapter)(nil)
	_ provider.RateAdvisor = (*Adapter)(nil)
)

// New checks cfg, fills defaults and builds the SDK client. It makes no
// network call: the project ID is required (so the SDK never asks IAM for
// it) and so are AK and SK (so the SDK never falls back to its
// environment, profile or ECS-metadata credentials). Errors say what is
// wrong without echoing secrets.
func New(cfg Config, opts ...Option) (*Adapter, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, adapterkit.ConfigError("huawei", DefaultOrigin, err)
	}
	endpoint, err := resolveEndpoint(cfg)
	if err != nil {
		return nil, adapterkit.ConfigError("huawei", DefaultOrigin, err)
	}
	o := options{log: slog.New(slog.DiscardHandler), now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	if o.transport == nil {
		o.transport = defaultTransport()
	}

	credb := basic.NewCredentialsBuilder().WithAk(cfg.AK).WithSk(cfg.SK).WithProjectId(cfg.ProjectID)
	if cfg.SecurityToken != "" {
		credb.Builder.WithSecurityToken(cfg.SecurityToken)
	}
	cred, err := credb.SafeBuild()
	if err != nil {
		// The SDK's messages name missing fields, never their values.
		return nil, adapterkit.ConfigError("huawei", DefaultOrigin, fmt.Errorf("credentials: %w", err))
	}

	ct := newCallTransport(o.transport)
	// Timeout 0: the adapter bounds each request with a context instead
	// (see Config.Timeout), because the transport replaces the request's
	// context. Retries stays 0 (the SDK never reads it anyway).
	hcfg := config.DefaultHttpConfig().
		WithTimeout(0).
		WithHttpRoundTripper(ct).
		WithUserAgent(userAgent)
	hc, err := core.NewHcHttpClientBuilder().
		WithCredentialsType("basic.Credentials").
		WithCredential(cred).
		WithEndpoints([]string{endpoint}).
		WithHttpConfig(hcfg).
		WithErrorHandler(sdkerr.DefaultErrorHandler{}).
		SafeBuild()
	if err != nil {
		return nil, adapterkit.ConfigError("huawei", DefaultOrigin, fmt.Errorf("building the SDK client: %w", err))
	}
	a := &Adapter{
		kit:       adapterkit.Kit{Cloud: "huawei", Origin: DefaultOrigin, Log: o.log},
		projectID: cfg.ProjectID,
		endpoint:  endpoint,
		renew:     cfg.RenewByPurchase,
		timeout:   cfg.Timeout,
		akHint:    adapterkit.MaskKeyID(cfg.AK),
		secrets:   newSecrets(cfg),
		now:       o.now,
		hc:        hc,
		transport: ct,
	}
	return a, nil
}

// CloseIdleConnections closes the transport's kept-alive connections.
// The adapter stays usable.
func (a *Adapter) CloseIdleConnections() {
	if c, ok := a.transport.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// String describes the adapter without secrets. It has a value receiver,
// so that an Adapter value prints the same way as a pointer.
func (a Adapter) String() string {
	return fmt.Sprintf("huawei.Adapter{origin:%s project:%s endpoint:%s ak:%s renew:%t}",
		a.kit.Origin, a.projectID, a.endpoint, a.akHint, a.renew)
}

// GoString is like String, so that %#v prints no secrets either.
func (a Adapter) GoString() string { return a.String() }

// Format implements fmt.Formatter so that every verb, including %+v and
// %#v, prints String.
func (a Adapter) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(a.String())) }

// LogValue implements slog.LogValuer without secrets.
func (a Adapter) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("origin", a.kit.Origin),
		slog.String("project_id", a.projectID),
		slog.String("endpoint", a.endpoint),
		slog.String("ak", a.akHint),
		slog.Bool("renew_by_purchase", a.renew),
	)
}
