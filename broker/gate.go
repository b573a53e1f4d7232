package broker

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/certbroker/certbroker/provider"
)

// DefaultAuthFailureLimit is how many authentication failures in a row
// stop the broker from sending to an origin (see [WithAuthFailureLimit]).
// Huawei locks an AK/SK for five minutes after more than five.
const DefaultAuthFailureLimit = 3

// authPause is how long an origin stays stopped after it tripped, before
// one request may probe it again: Huawei's documented lock lasts as long.
const authPause = 5 * time.Minute

// authHardLimit is how many authentication failures in a row stop an
// origin for the broker's lifetime, with no more probes: Huawei locks a
// key after more than five, so the broker never sends a sixth.
const authHardLimit = 5

// WithAuthFailureLimit sets how many consecutive answers that no request
// to the origin can get past stop the broker from sending to it (default
// [DefaultAuthFailureLimit]); 0 turns this off. Those answers are
// authentication failures (provider.KindUnauthorized) and "no such API"
// (provider.KindUnsupported from the cloud, or a 404 without a code the
// adapter knows): a wrong key, or a wrong endpoint. Until an origin
// has once answered in a way that shows its credentials work (a success,
// or a refusal such as not found or invalid state), the broker sends it
// one request at a time, so that a bad key costs at most that many
// requests however large the batch. Once stopped, every call to the
// origin fails at once with provider.KindUnauthorized, nothing sent, for
// five minutes; then one request may probe it again, until five failures
// in a row stop it for the broker's lifetime (Huawei locks a key after
// more than five): fix the credentials and build a new broker. Values
// above five, and negative values, are ignored.
func WithAuthFailureLimit(n int) Option {
	return func(c *config) {
		if n >= 0 && n <= authHardLimit {
			c.authLimit = n
		}
	}
}

// authGate keeps an origin from being hammered with bad credentials.
type authGate struct {
	limit int
	clock Clock
	probe chan struct{} // one request at a time until trusted

	mu       sync.Mutex
	trusted  bool
	failures int
	cause    *provider.Error // the last authentication failure
	until    time.Time       // stopped until then, when failures >= limit
}

func newAuthGate(limit int, clk Clock) *authGate {
	return &authGate{limit: limit, clock: clk, probe: make(chan struct{}, 1)}
}

// enter admits one attempt. It returns the error of a stopped origin, or
// ctx's error when ctx ended while waiting; otherwise the attempt must be
// ended with leave (or abandon, when nothing was called), passing on
// probing: whether it holds the probe slot of an untrusted origin.
func (g *authGate) enter(ctx context.Context) (probing bool, stopped *provider.Error, err error) {
	if g.limit == 0 {
		return false, nil, nil
	}
	trusted, stopped := g.check()
	if stopped != nil || trusted {
		return false, stopped, nil
	}
	select {
	case g.probe <- struct{}{}:
	case <-ctx.Done():
		return false, nil, ctx.Err()
	}
	// Waiting for the probe slot, others may have stopped the origin.
	if _, stopped := g.check(); stopped != nil {
		<-g.probe
		return false, stopped, nil
	}
	return true, nil, nil
}

// abandon ends an attempt that called nothing.
func (g *authGate) abandon(probing bool) {
	if probing {
		<-g.probe
	}
}

// check reports whether the origin is trusted, or the error of a stopped
// origin.
func (g *authGate) check() (trusted bool, stopped *provider.Error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.failures >= g.limit && (g.failures >= authHardLimit || g.clock.Now().Before(g.until)) {
		return false, &provider.Error{Kind: g.cause.Kind, Code: g.cause.Code,
			Message: fmt.Sprintf("not sent: this origin failed authentication or had no such API %d times in a row "+
				"(last: %s); fix its credentials or endpoint", g.failures, oneLine(g.cause.Error(), 200))}
	}
	return g.trusted, nil
}

// leave records an attempt's outcome: an authentication failure counts
// (reaching the limit stops the origin for authPause); an answer the
// cloud gives only to authenticated requests resets the count and trusts
// the origin; anything else (transient, or refused before sending) says
// nothing about the credentials.
func (g *authGate) leave(probing bool, perr *provider.Error) {
	if g.limit == 0 {
		return
	}
	defer g.abandon(probing)
	g.mu.Lock()
	defer g.mu.Unlock()
	switch {
	case perr == nil:
		g.trusted, g.failures = true, 0
	case dead(perr):
		g.failures++
		g.cause = perr
		if g.failures >= g.limit {
			g.trusted = false
			g.until = g.clock.Now().Add(authPause)
		}
	case perr.Kind == provider.KindNotFound, perr.Kind == provider.KindInvalidState,
		perr.Kind == provider.KindForbidden, perr.Kind == provider.KindQuotaExceeded:
		g.trusted, g.failures = true, 0
	}
}

// dead reports whether an answer says no request to this origin can
// succeed: an authentication failure, or no such API at its endpoint.
func dead(perr *provider.Error) bool {
	switch {
	case perr.Kind == provider.KindUnauthorized:
		return true
	case perr.HTTPStatus == 0:
		return false // refused before sending
	case perr.Kind == provider.KindUnsupported:
		return true
	}
	return perr.Kind == provider.KindOther && perr.HTTPStatus == http.StatusNotFound
}
