package huaweitest

import (
	"math"
	"time"

	"github.com/certbroker/certbroker/internal/faultinject"
)

// Fault is one fault rule for [Server.InjectFault].
type Fault struct {
	// Action restricts the rule to one API (ActionRevoke, …); ""
	// matches every request.
	Action string
	// Kind is what happens to a request the rule hits.
	Kind FaultKind
	// AfterApply applies the request's state change first and then fails
	// the response: the change happened, but the client cannot know.
	// FaultThrottle ignores it: a throttled request is never applied.
	AfterApply bool
	// Probability is the chance, from 0 to 1, that a matching request is
	// hit, drawn from the seed ([WithSeed]). Zero means always.
	Probability float64
	// Times limits the rule to that many hits; zero means no limit.
	Times int
	// Latency is the delay of FaultLatency; with another kind it is
	// waited out before the fault is rendered.
	Latency time.Duration
}

// FaultKind is what a fault does to a request. Its String is the kind's
// name, the same in both emulators ("server_error", "proxy_not_found", …).
type FaultKind int

// String returns the kind's name.
func (k FaultKind) String() string { return faultinject.Kind(k).String() }

// The fault kinds and what a client of this emulator sees. The names are
// the same in both emulators; the answers are each cloud's own.
const (
	// FaultLatency delays the response by Fault.Latency.
	FaultLatency = FaultKind(faultinject.Latency)
	// FaultServerError answers 500 SCM.4001.
	FaultServerError = FaultKind(faultinject.ServerError)
	// FaultUnavailable answers 503 APIGW.0613.
	FaultUnavailable = FaultKind(faultinject.Unavailable)
	// FaultThrottle answers 429 APIGW.0308; the request is never applied.
	FaultThrottle = FaultKind(faultinject.Throttle)
	// FaultReset closes the connection after reading the request.
	FaultReset = FaultKind(faultinject.Reset)
	// FaultHang holds the request until the client goes away or Close.
	FaultHang = FaultKind(faultinject.Hang)
	// FaultMalformed answers 200 with a body that is not valid JSON.
	FaultMalformed = FaultKind(faultinject.Malformed)

	// FaultHTMLNotFound answers 404 with an HTML page and no error code,
	// the way a proxy or load balancer in front of the endpoint does. A
	// client must not read it as "no such certificate".
	FaultHTMLNotFound = FaultKind(faultinject.ProxyNotFound)
	// FaultHTMLBadGateway answers 502 with an HTML page and no error code,
	// like a proxy whose upstream failed (the request may or may not have
	// reached SCM).
	FaultHTMLBadGateway = FaultKind(faultinject.ProxyBadGateway)
)

// InjectFault adds a fault rule. Rules apply to requests that passed
// authentication and the project check, in the order they were added; the
// first that matches and is drawn wins.
func (s *Server) InjectFault(f Fault) {
	s.faults.Add(faultinject.Fault{
		Action: f.Action, Kind: faultinject.Kind(f.Kind), AfterApply: f.AfterApply,
		Probability: f.Probability, Times: f.Times, Latency: f.Latency,
	})
}

// pickFault decides whether a fault rule hits this request for action.
func (s *Server) pickFault(action string) (Fault, bool) {
	f, hit := s.faults.Pick(action)
	return Fault{
		Action: f.Action, Kind: FaultKind(f.Kind), AfterApply: f.AfterApply,
		Probability: f.Probability, Times: f.Times, Latency: f.Latency,
	}, hit
}

// ClearFaults removes every fault rule and every QPS limit.
func (s *Server) ClearFaults() { s.faults.Clear() }

// SetQPS limits the API named action (or, with "", all APIs together) to
// qps requests per second, with a burst of qps rounded up (at least 1);
// requests over the limit get 429 APIGW.0308 and are not applied. A qps of
// zero or less removes the limit. The limit runs on the wall clock, not on
// WithClock.
func (s *Server) SetQPS(action string, qps float64) {
	s.faults.SetQPS(action, qps, int(math.Ceil(min(qps, 1e6))))
}

// overQPS checks the API's own limit, then the global one.
func (s *Server) overQPS(api string) bool {
	return s.faults.OverQPS(api) || s.faults.OverQPS("")
}
