package broker

import (
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/certbroker/certbroker/provider"
)

// Defaults of a Broker built without options.
const (
	// DefaultConcurrency is how many bulk items a Broker works on at once.
	DefaultConcurrency = 16
	// DefaultMaxAttempts is how many times an operation is sent at most.
	DefaultMaxAttempts = 4
	// DefaultBackoffBase is the backoff before the first retry; it doubles
	// with every further retry.
	DefaultBackoffBase = 200 * time.Millisecond
	// DefaultBackoffMax caps the backoff between two attempts.
	DefaultBackoffMax = 10 * time.Second
	// DefaultRetryBudget is the number of retries an origin may spend
	// before successes have to refill its budget.
	DefaultRetryBudget = 10
	// DefaultRetryRefill is the part of a retry each success gives back.
	DefaultRetryRefill = 0.1
)

// Broker routes operations to the providers registered under origin names,
// and runs them singly or in bulk with retries, rate limits and logging.
// It is safe for concurrent use; Register may be called at any time.
type Broker struct {
	cfg config
	// slots bounds the bulk items in progress across the whole broker.
	slots chan struct{}

	regMu   sync.Mutex // serialises Register
	origins atomic.Pointer[registry]

	jitterMu sync.Mutex // guards cfg.retry.Jitter, which need not be safe
}

type config struct {
	concurrency  int
	retry        RetryPolicy
	clock        Clock
	logger       *slog.Logger
	middleware   []func(origin string, p provider.Provider) provider.Provider
	defaultRate  float64
	defaultBurst int
	authLimit    int
	observer     func(Attempt)
}

// New returns a Broker with no origins registered. Options that are given
// invalid values (a concurrency below 1, a nil clock) keep their default.
func New(opts ...Option) *Broker {
	cfg := config{
		concurrency:  DefaultConcurrency,
		retry:        DefaultRetryPolicy(),
		clock:        SystemClock(),
		logger:       slog.New(slog.DiscardHandler),
		defaultRate:  Unlimited,
		defaultBurst: 1,
		authLimit:    DefaultAuthFailureLimit,
	}
	for _, opt := range opts {
		opt(&cfg)
	}
	cfg.retry = cfg.retry.normalized()
	b := &Broker{cfg: cfg, slots: make(chan struct{}, cfg.concurrency)}
	b.origins.Store(&registry{byName: map[string]*origin{}})
	return b
}

// Option configures a Broker.
type Option func(*config)

// WithConcurrency sets how many bulk items the broker works on at once,
// across all concurrent calls of Do and Stream (default
// [DefaultConcurrency]). Values below 1 are ignored.
func WithConcurrency(n int) Option {
	return func(c *config) {
		if n >= 1 {
			c.concurrency = n
		}
	}
}

// WithClock sets the clock used for rate limits, backoff and log durations
// (default [SystemClock]). Tests pass a fake clock to control time.
func WithClock(clk Clock) Option {
	return func(c *config) {
		if clk != nil {
			c.clock = clk
		}
	}
}

// WithLogger sets the structured logger. The default discards everything:
// a library is quiet unless asked. Attempts are logged at Debug, retries
// and rate slowdowns at Info.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) {
		if l != nil {
			c.logger = l
		}
	}
}

// WithMiddleware adds a function that wraps every provider at Register,
// for metrics, tracing or auditing. It receives the origin name.
// Middleware given first is outermost. The broker reads Capabilities and
// the optional interfaces ([provider.IDChecker], [provider.RateAdvisor])
// from the unwrapped provider, so a wrapper need not forward them.
func WithMiddleware(mw func(origin string, p provider.Provider) provider.Provider) Option {
	return func(c *config) {
		if mw != nil {
			c.middleware = append(c.middleware, mw)
		}
	}
}

// WithDefaultRate sets the rate limit of origins whose provider does not
// advise one (see [provider.RateAdvisor]) and that were registered without
// [WithRate]. The default is [Unlimited]. Invalid values are ignored.
func WithDefaultRate(perSecond float64, burst int) Option {
	return func(c *config) {
		if perSecond > 0 && burst >= 1 {
			c.defaultRate = perSecond
			c.defaultBurst = burst
		}
	}
}
