// Package faultinject is the fault-injection engine shared by the cloud
// emulators (alibaba/alibabatest and huawei/huaweitest). It decides, per
// request, whether a fault applies, and carries out the faults that do not
// depend on the cloud's wire format: latency, connection reset and hang.
// Each emulator renders the cloud-specific faults (server errors,
// throttling, malformed bodies) itself, and exports its own documented
// Fault and FaultKind types: its FaultKind constants are this package's
// [Kind] values under the same names in both emulators (FaultServerError
// is ServerError, FaultHTMLNotFound is ProxyNotFound, …), converted at
// InjectFault and back when a rule is picked.
//
// Decisions are reproducible: probabilities are drawn from a generator
// seeded by the emulator's owner.
package faultinject

import (
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Kind is a kind of fault.
type Kind int

// The fault kinds.
const (
	// Latency delays the response by Fault.Latency, then answers normally.
	Latency Kind = iota + 1
	// ServerError answers HTTP 500 with the cloud's internal-error body.
	ServerError
	// Unavailable answers HTTP 503 with the cloud's unavailable body.
	Unavailable
	// Throttle answers with the cloud's throttling error. A throttled
	// request is never applied, so AfterApply is ignored for it.
	Throttle
	// Reset closes the connection abruptly (TCP RST) after reading the
	// request, without any response.
	Reset
	// Hang holds the request until the client gives up or the emulator
	// closes.
	Hang
	// Malformed answers HTTP 200 with a body that is not valid JSON.
	Malformed
	// ProxyNotFound answers HTTP 404 with an HTML page and no cloud
	// error code, as a proxy, load balancer or misrouted gateway in front
	// of the cloud does. A client must not read it as "no such order":
	// the order was never looked at.
	ProxyNotFound
	// ProxyBadGateway answers HTTP 502 with an HTML page and no cloud
	// error code. With AfterApply the request was applied first.
	ProxyBadGateway
)

var kindNames = map[Kind]string{
	Latency: "latency", ServerError: "server_error", Unavailable: "unavailable",
	Throttle: "throttle", Reset: "reset", Hang: "hang", Malformed: "malformed",
	ProxyNotFound: "proxy_not_found", ProxyBadGateway: "proxy_bad_gateway",
}

// String returns the fault kind's name.
func (k Kind) String() string {
	if n, ok := kindNames[k]; ok {
		return n
	}
	return "unknown"
}

// Fault describes one fault rule.
type Fault struct {
	// Action restricts the rule to one action or API name; empty matches
	// every request.
	Action string
	// Kind is what happens.
	Kind Kind
	// AfterApply applies the request's state change first and then fails
	// the response: the change happened but the client cannot know.
	AfterApply bool
	// Probability is the chance, from 0 to 1, that a matching request is
	// hit. Zero means always.
	Probability float64
	// Times limits the rule to that many hits; zero means no limit.
	Times int
	// Latency is the delay for Kind Latency; it is also added before any
	// other kind when set.
	Latency time.Duration
}

type rule struct {
	Fault
	hits int
}

// Injector holds the fault rules and per-action QPS limits of one emulator.
// It is safe for concurrent use.
type Injector struct {
	mu      sync.Mutex
	rng     *rand.Rand
	rules   []*rule
	limits  map[string]*rate.Limiter
	closing chan struct{}
	once    sync.Once
}

// New returns an Injector whose random draws are seeded with seed.
func New(seed uint64) *Injector {
	return &Injector{
		rng:     rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		limits:  make(map[string]*rate.Limiter),
		closing: make(chan struct{}),
	}
}

// Add appends a rule. Rules are tried in the order they were added; the
// first that matches and is drawn wins.
func (in *Injector) Add(f Fault) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.rules = append(in.rules, &rule{Fault: f})
}

// Clear removes every rule and QPS limit.
func (in *Injector) Clear() {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.rules = nil
	in.limits = make(map[string]*rate.Limiter)
}

// SetQPS limits action to qps requests per second, with a burst of burst
// (at least 1). A qps of zero or less removes the limit.
func (in *Injector) SetQPS(action string, qps float64, burst int) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if qps <= 0 {
		delete(in.limits, action)
		return
	}
	in.limits[action] = rate.NewLimiter(rate.Limit(qps), max(burst, 1))
}

// OverQPS reports whether a request for action now exceeds its QPS limit.
// Each call that returns false consumes a token.
func (in *Injector) OverQPS(action string) bool {
	in.mu.Lock()
	l := in.limits[action]
	in.mu.Unlock()
	return l != nil && !l.Allow()
}

// Pick decides whether a fault applies to this request for action, and
// returns it. Each call draws at most one random number per matching rule,
// so a fixed seed and a fixed request order give fixed decisions.
func (in *Injector) Pick(action string) (Fault, bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	for _, r := range in.rules {
		if r.Action != "" && r.Action != action {
			continue
		}
		if r.Times > 0 && r.hits >= r.Times {
			continue
		}
		if r.Probability > 0 && r.Probability < 1 && in.rng.Float64() >= r.Probability {
			continue
		}
		r.hits++
		f := r.Fault
		if f.Kind == Throttle {
			f.AfterApply = false
		}
		return f, true
	}
	return Fault{}, false
}

// Close releases requests held by Hang. It is safe to call more than once.
func (in *Injector) Close() { in.once.Do(func() { close(in.closing) }) }

// Sleep waits for d, or until the client goes away or the injector closes.
// It reports whether the full delay elapsed.
func (in *Injector) Sleep(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
	case <-in.closing:
	}
	return false
}

// HangUntilGone holds the request until the client closes the connection
// or the injector closes, then drops the connection without a response.
func (in *Injector) HangUntilGone(w http.ResponseWriter, r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-in.closing:
	}
	ResetConn(w)
}

// ResetConn closes the request's connection abruptly, with a TCP RST where
// possible, so the client sees a reset instead of a response. After it the
// handler must not write anything.
func ResetConn(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}
