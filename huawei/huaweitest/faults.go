package huaweitest

import (
	"math"

	"github.com/certbroker/certbroker/internal/faultinject"
)

// Fault is one fault rule; Fault.Action is an API name (ActionRevoke, …) or ""
// for every API.
type Fault = faultinject.Fault

// FaultKind is what a fault does.
type FaultKind = faultinject.Kind

// The fault kinds and how this emulator renders them.
const (
	// FaultLatency delays the response by Fault.Latency.
	FaultLatency = faultinject.Latency
	// FaultServerError answers 500 SCM.4001.
	FaultServerError = faultinject.ServerError
	// FaultUnavailable answers 503 APIGW.0613.
	FaultUnavailable = faultinject.Unavailable
	// FaultThrottle answers 429 APIGW.0308; the request is never applied.
	FaultThrottle = faultinject.Throttle
	// FaultReset closes the connection after reading the request.
	FaultReset = faultinject.Reset
	// FaultHang holds the request until the client goes away or Close.
	FaultHang = faultinject.Hang
	// FaultMalformed answers 200 with a body that is not valid JSON.
	FaultMalformed = faultinject.Malformed
)

// Faults of the HTTP front end rather than of SCM or its gateway: answers
// that carry no error code. The kinds are shared with the Alibaba
// emulator (internal/faultinject); the pages are this emulator's.
const (
	// FaultHTMLNotFound answers 404 with an HTML page and no error code,
	// the way a proxy or load balancer in front of the endpoint does. A
	// client must not read it as "no such certificate".
	FaultHTMLNotFound = faultinject.ProxyNotFound
	// FaultHTMLBadGateway answers 502 with an HTML page and no error code,
	// like a proxy whose upstream failed (the request may or may not have
	// reached SCM).
	FaultHTMLBadGateway = faultinject.ProxyBadGateway
)

// InjectFault adds a fault rule. Rules apply to requests that passed
// authentication and the project check, in the order they were added; the
// first that matches and is drawn wins.
func (s *Server) InjectFault(f Fault) { s.faults.Add(f) }

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
