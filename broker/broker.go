package broker

import (
	"log/slog"
	"math/rand/v2"
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

	jitterMu sync.Mutex // guards cfg.jitter, which need not be safe
}

type config struct {
	concurrency  int
	maxAttempts  int
	backoffBase  time.Duration
	backoffMax   time.Duration
	jitter       func() float64
	clock        Clock
	logger       *slog.Logger
	middleware   []func(origin string, p provider.Provider) provider.Provider
	budgetMax    float64
	budgetRefill float64
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
		maxAttempts:  DefaultMaxAttempts,
		backoffBase:  DefaultBackoffBase,
		backoffMax:   DefaultBackoffMax,
		clock:        SystemClock(),
		logger:       slog.New(slog.DiscardHandler),
		budgetMax:    DefaultRetryBudget,
		budgetRefill: DefaultRetryRefill,
		defaultRate:  Unlimited,
		defaultBurst: 1,
		authLimit:    DefaultAuthFailureLimit,
		jitter:       rand.Float64,
	}
	for _, opt := range opts {
		opt(&cfg)
	}
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

// WithMaxAttempts sets how many times an operation is sent at most,
// counting the first attempt (default [DefaultMaxAttempts]); 1 disables
// retries. Values below 1 are ignored.
func WithMaxAttempts(n int) Option {
	return func(c *config) {
		if n >= 1 {
			c.maxAttempts = n
		}
	}
}

// WithBackoff sets the backoff before the first retry and its cap (default
// [DefaultBackoffBase] and [DefaultBackoffMax]). The backoff doubles per
// retry; the actual pause is drawn between half of it and all of it.
// Non-positive values are ignored, and max is raised to base if lower.
func WithBackoff(base, maxBackoff time.Duration) Option {
	return func(c *config) {
		if base > 0 {
			c.backoffBase = base
		}
		if maxBackoff > 0 {
			c.backoffMax = maxBackoff
		}
		c.backoffMax = max(c.backoffMax, c.backoffBase)
	}
}

// WithJitter sets the source of randomness for backoff jitter: a function
// returning a number in [0, 1). The broker serialises its calls, so a
// math/rand.Rand's Float64 is fine. The default is math/rand/v2.Float64.
func WithJitter(f func() float64) Option {
	return func(c *config) {
		if f != nil {
			c.jitter = f
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

// WithRetryBudget sets each origin's retry budget: it starts with max
// retries, every retry spends one, and every success gives back refill (up
// to max). When the budget is empty the broker stops retrying at that
// origin until successes refill it. The default is [DefaultRetryBudget]
// and [DefaultRetryRefill]; math.Inf(1) as max means no budget. Negative
// values are ignored.
func WithRetryBudget(maxRetries, refill float64) Option {
	return func(c *config) {
		if maxRetries >= 0 {
			c.budgetMax = maxRetries
		}
		if refill >= 0 {
			c.budgetRefill = refill
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
