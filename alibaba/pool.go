package alibaba

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/cas"
)

// The SDK client is not safe for concurrent use: every call writes the
// client's http.Client.Timeout and, when the transport is an
// *http.Transport, its TLS and proxy settings (aliyun/alibaba-cloud-sdk-go
// issue #538). The adapter therefore owns a pool of clients, each with its
// own sdk.Config, its own *http.Transport (kept alive across calls) and its
// own callTransport wrapper, and gives each call a client of its own.

// clientPool is a fixed set of slots handed out one call at a time.
type clientPool struct {
	free chan *slot
	all  []*slot
}

// slot is one SDK client and the RoundTripper that carries the current
// call's context into its requests.
type slot struct {
	client *cas.Client
	rt     *callTransport
}

// callTransport is the http.RoundTripper given to one SDK client. It is
// deliberately not an *http.Transport, so the SDK never writes into it;
// it wraps one, so connections are kept alive. It attaches the context of
// the call currently using the slot to each outgoing request: the SDK
// takes no context, and this is how cancelling one aborts the request.
type callTransport struct {
	base    *http.Transport
	current atomic.Pointer[call]
}

// call is the state of one adapter call on one slot.
type call struct {
	ctx context.Context
	// sent is set once the request headers were written to a connection:
	// before that the cloud cannot have seen a complete request.
	sent atomic.Bool
	// requests counts requests handed to the transport.
	requests atomic.Int32

	mu       sync.Mutex
	releases []func()
}

var (
	errNoCall   = errors.New("alibaba: SDK request outside an adapter call")
	errRedirect = errors.New("alibaba: redirect refused")
)

// RoundTrip sends req under the current call's context (so its values,
// such as an httptrace.ClientTrace, reach the transport), also ended when
// the request's own context ends (it carries the SDK's timeout).
func (t *callTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c := t.current.Load()
	if c == nil {
		// Never happens: the adapter sets the call before using the client.
		return nil, errNoCall
	}
	if c.requests.Add(1) > 1 {
		// With AutoRetry off the SDK sends one request per call; a second
		// one is the http.Client following a redirect, which CAS never
		// sends and which could carry the call somewhere unintended.
		return nil, errRedirect
	}
	ctx, cancel := context.WithCancelCause(c.ctx)
	stop := context.AfterFunc(req.Context(), func() { cancel(context.Cause(req.Context())) })
	c.mu.Lock()
	c.releases = append(c.releases, func() { stop(); cancel(nil) })
	c.mu.Unlock()
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteHeaders: func() { c.sent.Store(true) },
	})
	return t.base.RoundTrip(req.WithContext(ctx))
}

// begin makes c the slot's current call.
func (s *slot) begin(ctx context.Context) *call {
	c := &call{ctx: ctx}
	s.rt.current.Store(c)
	return c
}

// end detaches c from the slot and releases its per-request contexts. It
// runs after the SDK has read the response body.
func (s *slot) end(c *call) {
	s.rt.current.Store(nil)
	c.mu.Lock()
	rel := c.releases
	c.releases = nil
	c.mu.Unlock()
	for _, f := range rel {
		f()
	}
}

// newPool builds n SDK clients for cfg. Nothing is sent.
func newPool(cfg Config, ep endpoint, o options, endpointMap map[string]string) (*clientPool, error) {
	p := &clientPool{free: make(chan *slot, o.poolSize)}
	for range o.poolSize {
		s, err := newSlot(cfg, ep, o, endpointMap)
		if err != nil {
			p.close()
			return nil, err
		}
		p.all = append(p.all, s)
		p.free <- s
	}
	return p, nil
}

func newSlot(cfg Config, ep endpoint, o options, endpointMap map[string]string) (*slot, error) {
	base := newBaseTransport(cfg, o.transport)
	rt := &callTransport{base: base}

	sc := o.sdkConfig()
	sc.AutoRetry = false // hazard 1: the SDK's retries re-send renewals on 5xx
	sc.MaxRetryTime = 0
	sc.Transport = rt
	sc.HttpTransport = nil
	sc.EnableAsync = false
	sc.Debug = false
	sc.Timeout = cfg.Timeout
	if ep.scheme == "http" {
		sc.Scheme = "HTTP"
	} else {
		sc.Scheme = "HTTPS"
	}

	var cred any = &credentials.AccessKeyCredential{
		AccessKeyId: cfg.AccessKeyID, AccessKeySecret: cfg.AccessKeySecret}
	if cfg.SecurityToken != "" {
		cred = &credentials.StsTokenCredential{AccessKeyId: cfg.AccessKeyID,
			AccessKeySecret: cfg.AccessKeySecret, AccessKeyStsToken: cfg.SecurityToken}
	}
	// Built by hand rather than with cas.NewClientWithOptions, which
	// lazily initialises a package-level map without a lock and races when
	// two adapters are built at once.
	c := &cas.Client{}
	if err := c.InitWithOptions(cfg.Region, sc, cred); err != nil {
		return nil, err
	}
	c.EndpointType = "regional"
	c.EndpointMap = endpointMap
	c.Domain = ep.host // empty: the SDK resolves the endpoint
	c.SetReadTimeout(cfg.Timeout)
	c.SetConnectTimeout(cfg.ConnectTimeout)
	c.SetCloseTrace(true) // span names would carry the signed query
	// The SDK reads HTTP(S)_PROXY and NO_PROXY itself on every call, but
	// applies them only to an *http.Transport, which callTransport is not;
	// the proxy is the base transport's business. An explicit no-proxy
	// list keeps a malformed NO_PROXY regex in the environment from
	// failing every call.
	c.SetNoProxy("^$")
	return &slot{client: c, rt: rt}, nil
}

// newBaseTransport returns the *http.Transport of one slot: a clone of the
// user's template or of http.DefaultTransport, never a shared value.
func newBaseTransport(cfg Config, tmpl *http.Transport) *http.Transport {
	var t *http.Transport
	if tmpl != nil {
		t = tmpl.Clone()
	} else {
		t = http.DefaultTransport.(*http.Transport).Clone()
		t.DialContext = nil
	}
	if t.DialContext == nil {
		t.DialContext = (&net.Dialer{Timeout: cfg.ConnectTimeout, KeepAlive: 30 * time.Second}).DialContext
	}
	if t.TLSHandshakeTimeout == 0 {
		t.TLSHandshakeTimeout = cfg.ConnectTimeout
	}
	return t
}

// get takes a free slot, or fails when ctx ends first.
func (p *clientPool) get(ctx context.Context) (*slot, error) {
	select {
	case s := <-p.free:
		return s, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (p *clientPool) put(s *slot) { p.free <- s }

// close releases the idle connections of every slot.
func (p *clientPool) close() {
	for _, s := range p.all {
		s.rt.base.CloseIdleConnections()
	}
}
