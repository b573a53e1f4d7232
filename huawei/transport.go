package huawei

import (
	"context"
	"crypto/tls"
	"errors"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"sync"
	"sync/atomic"
)

// callHeader carries a per-call token from the adapter, through the SDK's
// request building and signing, to callTransport, which uses it to find
// the call's context and removes it before the request leaves. The name
// contains '_', and the SDK's signer never signs such headers
// (core/auth/signer/signer.go extractSignedHeaders), so removing it does
// not invalidate the signature. It is written in net/http's canonical form
// (textproto.CanonicalMIMEHeaderKey leaves '_' and the letters after it
// alone), so that adding, reading and deleting it allocate no new key.
const callHeader = "X_certbroker_call"

// call is one HTTP exchange in progress: one allocation holding its
// token, its context, the trace hook and what the transport has learned.
type call struct {
	// tok is the value of callHeader that identifies the call.
	tok string
	// ctx is the request context: the caller's context, bounded by
	// Config.Timeout, carrying trace.
	ctx   context.Context
	trace httptrace.ClientTrace
	// started is set when the SDK handed the request to the transport:
	// an error without it was raised while building or signing.
	started atomic.Bool
	// gotConn is set once a connection is ready (dialled, TLS done):
	// an error without it means the request was never sent.
	gotConn atomic.Bool
}

func (c *call) onGotConn(httptrace.GotConnInfo) { c.gotConn.Store(true) }

// newCall returns a call whose requests are sent under ctx.
func newCall(ctx context.Context) *call {
	c := &call{}
	c.trace.GotConn = c.onGotConn
	c.ctx = httptrace.WithClientTrace(ctx, &c.trace)
	return c
}

// callTransport is the http.RoundTripper the SDK's client uses. The SDK's
// Sync takes no context; callTransport gives each request the context of
// the adapter call that made it, so cancelling that context aborts the
// request in flight, and it records whether a connection was obtained so
// that failures can be told apart as "never sent" or "maybe applied".
type callTransport struct {
	next http.RoundTripper

	mu    sync.Mutex
	calls map[string]*call
	seq   atomic.Uint64
}

func newCallTransport(next http.RoundTripper) *callTransport {
	return &callTransport{next: next, calls: make(map[string]*call)}
}

// defaultTransport is used when no transport option is given: a clone of
// Go's default transport without proxy settings (the SDK ignores proxy
// environment variables too) and with TLS 1.2 at least.
func defaultTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = nil
	t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	return t
}

// register records c under a fresh token, stored in c.tok, to send in
// callHeader.
func (t *callTransport) register(c *call) {
	c.tok = strconv.FormatUint(t.seq.Add(1), 36)
	t.mu.Lock()
	t.calls[c.tok] = c
	t.mu.Unlock()
}

// forget removes c, once its request is over.
func (t *callTransport) forget(c *call) {
	t.mu.Lock()
	delete(t.calls, c.tok)
	t.mu.Unlock()
}

func (t *callTransport) lookup(tok string) *call {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.calls[tok]
}

// errUntracked is returned for a request that carries no known call token.
// It never happens through the adapter; refusing keeps every request
// bound to a context.
var errUntracked = errors.New("huawei: request without a registered call")

// RoundTrip sends req with its call's context and without callHeader.
// It removes callHeader from req itself and sends a shallow copy
// (WithContext) instead of a deep clone: the SDK builds a new
// *http.Request, with a new header map, for every attempt
// (core/request/default_http_request.go ConvertRequest), uses it for
// nothing else after sending, and never follows redirects (HttpConfig
// AllowRedirects is false), so no one else sees the change.
func (t *callTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c := t.lookup(req.Header.Get(callHeader))
	if c == nil {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, errUntracked
	}
	c.started.Store(true)
	req.Header.Del(callHeader)
	return t.next.RoundTrip(req.WithContext(c.ctx))
}
