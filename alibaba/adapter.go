package alibaba

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/cas"
	"github.com/certbroker/certbroker/internal/adapterkit"
	"github.com/certbroker/certbroker/internal/endpoint"
	"github.com/certbroker/certbroker/provider"
)

// Adapter is a [provider.Provider] for one Alibaba Cloud account's CAS
// certificate orders. It also implements [provider.IDChecker],
// [provider.Checker] and [provider.RateAdvisor]. It is safe for concurrent use; build it with
// [New] and reuse it.
type Adapter struct {
	kit  adapterkit.Kit
	cfg  Config
	ep   endpoint.Endpoint
	pool *clientPool
	now  func() time.Time
	red  redactor
}

var (
	_ provider.Provider    = (*Adapter)(nil)
	_ provider.IDChecker   = (*Adapter)(nil)
	_ provider.RateAdvisor = (*Adapter)(nil)
)

// sdkEndpointMap is the SDK's endpoint table for product cas, copied once.
// cas.GetEndpointMap fills a package-level map lazily without a lock, so
// two adapters built at the same time would race on it; reading it once
// under sync.OnceValue avoids that. The copy is never modified.
var sdkEndpointMap = sync.OnceValue(func() map[string]string {
	return maps.Clone(cas.GetEndpointMap())
})

// New builds an adapter from cfg. It validates cfg (credentials are
// required, the endpoint must be https or loopback http) and builds the
// pool of SDK clients; it sends nothing.
func New(cfg Config, opts ...Option) (*Adapter, error) {
	if sdkDebugOn(os.Getenv("DEBUG")) {
		return nil, adapterkit.ConfigError("alibaba", DefaultOrigin, errors.New("the environment variable DEBUG lists "+
			"\"sdk\": the Alibaba SDK would print every signed request and every response, secrets and private keys "+
			"included, to standard output; unset it"))
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, adapterkit.ConfigError("alibaba", DefaultOrigin, err)
	}
	ep, err := parseEndpoint(cfg.Endpoint)
	if err != nil {
		return nil, adapterkit.ConfigError("alibaba", DefaultOrigin, err)
	}
	o := options{
		logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		poolSize:  DefaultPoolSize,
		now:       time.Now,
		sdkConfig: sdk.NewConfig,
	}
	for _, opt := range opts {
		opt(&o)
	}
	var endpointMap map[string]string
	if ep.Host == "" {
		endpointMap = sdkEndpointMap()
	}
	pool, err := newPool(cfg, ep, o, endpointMap)
	if err != nil {
		return nil, adapterkit.ConfigError("alibaba", DefaultOrigin, errors.New("building the SDK client: "+newRedactor(cfg).clean(err.Error())))
	}
	return &Adapter{
		kit:  adapterkit.Kit{Cloud: "alibaba", Origin: DefaultOrigin, Log: o.logger},
		cfg:  cfg,
		ep:   ep,
		pool: pool,
		now:  o.now,
		red:  newRedactor(cfg),
	}, nil
}

// CloseIdleConnections closes the kept-alive connections of every pooled
// client. The adapter stays usable.
func (a *Adapter) CloseIdleConnections() { a.pool.close() }

// String describes the adapter without secrets; %v and %+v use it. Its
// receiver is a value so that printing an Adapter value, not only a
// pointer, is redacted too.
func (a Adapter) String() string {
	return fmt.Sprintf("alibaba.Adapter{%s PoolSize:%d}", a.cfg, len(a.pool.all))
}

// GoString describes the adapter for %#v, without secrets.
func (a Adapter) GoString() string { return a.String() }

// Format implements [fmt.Formatter] so that every verb prints String.
func (a Adapter) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(a.String())) }

// LogValue implements [slog.LogValuer] without secrets.
func (a Adapter) LogValue() slog.Value {
	return slog.GroupValue(slog.Any("config", a.cfg), slog.Int("pool_size", len(a.pool.all)))
}

// sdkDebugOn reports whether a DEBUG value turns on the SDK's debug
// printing, which it reads once, when its package loads: a
// comma-separated list holding "sdk" (sdk/utils.Init). The adapter cannot
// turn that printing off, so it refuses to run with it.
func sdkDebugOn(debug string) bool {
	for _, part := range strings.Split(debug, ",") {
		if part == "sdk" {
			return true
		}
	}
	return false
}
