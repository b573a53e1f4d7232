// Package classify holds the classification rules that are the same for
// every cloud: what an HTTP error response means when its body carries no
// code the adapter knows, and what a failure without a response means.
// An adapter first maps its own cloud's documented codes, and hands
// everything else to this package, so the two adapters can never
// disagree on a transport or HTTP fact.
//
// The rules:
//
//   - a request never handed to the transport is [provider.KindOther]
//     (the SDK could not build it; a retry will not help), or
//     [provider.KindCanceled] when the caller's context had ended;
//   - a request that cannot have reached the server (no connection was
//     made) is [provider.KindUnavailable], or KindCanceled when the
//     caller's context ended;
//   - a request that may have reached the server and got no usable answer
//     (reset, timeout, cancelled in flight, undecodable success) is
//     [provider.KindOutcomeUnknown] when it could change something, and
//     KindUnavailable when it could not;
//   - an HTTP error without a known code: 5xx as above; 429 throttled; 401
//     unauthorized; 403 forbidden; anything else, 404 included,
//     [provider.KindOther]. A 404 from a proxy, a load balancer or a
//     misrouted gateway is not the cloud saying the order is gone, and a
//     caller that reconciles a Delete must not read it as "already
//     deleted".
package classify

import (
	"net/http"

	"github.com/certbroker/certbroker/provider"
)

// Exchange is what an adapter knows about one request that failed
// without a decodable error response.
type Exchange struct {
	// Mutating is true when the request itself could change something at
	// the cloud. The reads a mutating operation makes first are not.
	Mutating bool
	// Started is true once the request was handed to the HTTP transport.
	Started bool
	// MaybeSent is true once any part of the request may have reached the
	// server (a connection was obtained for it).
	MaybeSent bool
	// CallerEnded is true when the caller's own context has ended.
	CallerEnded bool
}

// Transport returns the kind of a request that failed without an HTTP
// error response.
func Transport(x Exchange) provider.Kind {
	switch {
	case x.CallerEnded && !x.MaybeSent:
		return provider.KindCanceled
	case !x.Started:
		return provider.KindOther
	case !x.MaybeSent:
		return provider.KindUnavailable
	}
	return maybeApplied(x.Mutating)
}

// HTTP returns the kind of an HTTP response with the given status that
// failed and carried no code the adapter knows. A status below 400 is a
// success whose body could not be decoded.
func HTTP(status int, mutating bool) provider.Kind {
	switch {
	case status < 400, status >= 500:
		return maybeApplied(mutating)
	case status == http.StatusTooManyRequests:
		return provider.KindThrottled
	case status == http.StatusUnauthorized:
		return provider.KindUnauthorized
	case status == http.StatusForbidden:
		return provider.KindForbidden
	}
	return provider.KindOther
}

func maybeApplied(mutating bool) provider.Kind {
	if mutating {
		return provider.KindOutcomeUnknown
	}
	return provider.KindUnavailable
}
