package broker

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/certbroker/certbroker/provider"
)

// registry is an immutable snapshot of the registered origins; Register
// replaces it, so routing reads it without locking.
type registry struct {
	byName map[string]*origin
	names  []string // sorted
}

// origin is one registered provider and the broker's state for it.
type origin struct {
	name       string
	p          provider.Provider // wrapped in the middleware
	caps       provider.Capabilities
	idChecker  provider.IDChecker      // nil when the provider has none
	reqChecker provider.Checker        // nil when the provider has none
	idCaps     provider.IDCapabilities // nil when capabilities do not depend on the ID
	sem        chan struct{}           // nil: no per-origin concurrency limit
	budget     *budget
	auth       *authGate

	// Pacing: shared paces every API that has no limiter of its own;
	// advisor (nil when WithRate was given or the provider advises
	// nothing) gives APIs their own, created on first use in perAPI.
	shared  *limiter
	advisor provider.RateAdvisor
	perAPI  sync.Map // api name -> *limiter
}

// capsFor returns the capabilities for order id (see
// provider.IDCapabilities); a panic in the provider's CapabilitiesFor
// falls back to its Capabilities.
func (o *origin) capsFor(id string) (c provider.Capabilities) {
	if o.idCaps == nil {
		return o.caps
	}
	defer func() {
		if recover() != nil {
			c = o.caps
		}
	}()
	return o.idCaps.CapabilitiesFor(id)
}

// limiterFor returns the limiter that paces requests to api.
func (o *origin) limiterFor(api string) *limiter {
	if o.advisor == nil {
		return o.shared
	}
	if l, ok := o.perAPI.Load(api); ok {
		return l.(*limiter)
	}
	r, burst := o.suggestedRate(api)
	if !(r > 0) {
		o.perAPI.LoadOrStore(api, o.shared)
		return o.shared
	}
	l, _ := o.perAPI.LoadOrStore(api, newLimiter(r, max(burst, 1)))
	return l.(*limiter)
}

// suggestedRate asks the provider's advice for api, treating a panic in
// it as no advice.
func (o *origin) suggestedRate(api string) (r float64, burst int) {
	defer func() {
		if recover() != nil {
			r, burst = 0, 0
		}
	}()
	return o.advisor.SuggestedRate(api)
}

// RegisterOption configures one registered origin.
type RegisterOption func(*originConfig)

type originConfig struct {
	rate        float64
	burst       int
	rateSet     bool
	concurrency int
	err         error
}

// WithRate sets the origin's rate limit, in HTTP requests per second
// shared by all its APIs and operations, and the burst; it overrides the
// provider's [provider.RateAdvisor] and the broker's [WithDefaultRate].
// A provider that declares [provider.Capabilities.Paced] draws one token
// per request it sends (a Status that reads twice draws two); any other
// provider draws one per call. Pass
// [Unlimited] for no limit. The rate must be positive and the burst at
// least 1.
func WithRate(perSecond float64, burst int) RegisterOption {
	return func(c *originConfig) {
		if !(perSecond > 0) || burst < 1 {
			c.err = fmt.Errorf("rate %v/s with burst %d: want a positive rate and a burst of at least 1", perSecond, burst)
			return
		}
		c.rate, c.burst, c.rateSet = perSecond, burst, true
	}
}

// WithOriginConcurrency limits how many calls the broker has in flight to
// the origin at once, across single and bulk operations. The default is
// no limit beyond the broker's [WithConcurrency]. n must be at least 1.
func WithOriginConcurrency(n int) RegisterOption {
	return func(c *originConfig) {
		if n < 1 {
			c.err = fmt.Errorf("origin concurrency %d: want at least 1", n)
			return
		}
		c.concurrency = n
	}
}

// Register makes p reachable under the origin name. One provider (one
// cloud account) may be registered under several names, and one cloud
// under several accounts. The name must satisfy [provider.ValidateOrigin]
// and must not be registered already. The broker's middleware wraps p
// here.
func (b *Broker) Register(name string, p provider.Provider, opts ...RegisterOption) error {
	fail := func(msg string) error {
		return &provider.Error{Kind: provider.KindInvalidArgument, Origin: name, Message: "register: " + msg}
	}
	if err := provider.ValidateOrigin(name); err != nil {
		return err
	}
	if p == nil {
		return fail("nil provider")
	}
	var oc originConfig
	for _, opt := range opts {
		opt(&oc)
		if oc.err != nil {
			return fail(oc.err.Error())
		}
	}
	o := b.newOrigin(name, p, oc)

	b.regMu.Lock()
	defer b.regMu.Unlock()
	old := b.origins.Load()
	if _, dup := old.byName[name]; dup {
		return fail(fmt.Sprintf("origin %q is already registered", name))
	}
	next := &registry{byName: maps.Clone(old.byName)}
	next.byName[name] = o
	next.names = slices.Sorted(maps.Keys(next.byName))
	b.origins.Store(next)
	return nil
}

func (b *Broker) newOrigin(name string, p provider.Provider, oc originConfig) *origin {
	o := &origin{name: name, caps: p.Capabilities(), budget: newBudget(b.cfg.retry.Budget, b.cfg.retry.Refill),
		auth: newAuthGate(b.cfg.authLimit, b.cfg.clock)}
	o.idChecker, _ = p.(provider.IDChecker)
	o.reqChecker, _ = p.(provider.Checker)
	o.idCaps, _ = p.(provider.IDCapabilities)
	if oc.concurrency > 0 {
		o.sem = make(chan struct{}, oc.concurrency)
	}
	r, burst := b.cfg.defaultRate, b.cfg.defaultBurst
	if oc.rateSet {
		r, burst = oc.rate, oc.burst
	} else if advisor, ok := p.(provider.RateAdvisor); ok {
		o.advisor = advisor
	}
	o.shared = newLimiter(r, burst)
	wrapped := p
	for i := len(b.cfg.middleware) - 1; i >= 0; i-- {
		wrapped = b.cfg.middleware[i](name, wrapped)
	}
	o.p = wrapped
	return o
}

// Origins returns the registered origin names, sorted.
func (b *Broker) Origins() []string {
	return slices.Clone(b.origins.Load().names)
}

// route finds the origin of ref, or returns an error of kind
// KindInvalidArgument naming the registered origins.
func (b *Broker) route(ref provider.Ref, op provider.Op) (*origin, *provider.Error) {
	reg := b.origins.Load()
	if o, ok := reg.byName[ref.Origin]; ok {
		return o, nil
	}
	return nil, &provider.Error{
		Kind: provider.KindInvalidArgument, Op: op, Origin: ref.Origin, ID: ref.ID,
		Message: fmt.Sprintf("origin %q is not registered (registered: %s)", ref.Origin, listOrigins(reg.names)),
	}
}

func listOrigins(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
