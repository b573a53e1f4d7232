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
// not invalidate the signature.
const callHeader = "X_Certbroker_Call"

// call is one HTTP exchange in progress: its context, and what the
// transport has learned about it.
type call struct {
	ctx context.Context
	// started is set when the SDK handed the request to the transport:
	// an error without it was raised while building or signing.
	started atomic.Bool
	// gotConn is set once a connection is ready (dialled, TLS done):
	// an error without it means the request was never sent.
	gotConn atomic.Bool
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

// register records a call and returns the token to send in callHeader and
// a function that forgets the call.
func (t *callTransport) register(c *call) (string, func()) {
	tok := strconv.FormatUint(t.seq.Add(1), 36)
	t.mu.Lock()
	t.calls[tok] = c
	t.mu.Unlock()
	return tok, func() {
		t.mu.Lock()
		delete(t.calls, tok)
		t.mu.Unlock()
	}
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
func (t *callTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c := t.lookup(req.Header.Get(callHeader))
	if c == nil {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, errUntracked
	}
	c.started.Store(true)
	ctx := httptrace.WithClientTrace(c.ctx, &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) { c.gotConn.Store(true) },
	})
	out := req.Clone(ctx)
	out.Header.Del(callHeader)
	return t.next.RoundTrip(out)
}
