package alibaba

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/cas"

	"github.com/certbroker/certbroker/internal/adapterkit"
	"github.com/certbroker/certbroker/internal/endpoint"
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
// it wraps one, so connections are kept alive. It sends each outgoing
// request under the context of the call currently using the slot: the SDK
// takes no context, and this is how cancelling one aborts the request.
type callTransport struct {
	base    *http.Transport
	current atomic.Pointer[call]
	// timeout is Config.Timeout, applied by the adapter (see newSlot) and
	// reported through timeoutErr, its context's cause.
	timeout    time.Duration
	timeoutErr error
}

// call is the state of one adapter call on one slot: one allocation
// holding the caller's context, the trace hook and what it learned.
type call struct {
	// ctx is the caller's context; reqCtx is the one requests are sent
	// under: ctx bounded by Config.Timeout, carrying trace.
	ctx    context.Context
	reqCtx context.Context
	cancel context.CancelFunc
	trace  httptrace.ClientTrace
	// sent is set once the request headers were written to a connection:
	// before that the cloud cannot have seen a complete request.
	sent atomic.Bool
	// requests counts requests handed to the transport.
	requests atomic.Int32
}

var (
	errNoCall   = errors.New("alibaba: SDK request outside an adapter call")
	errRedirect = errors.New("alibaba: redirect refused")
)

// RoundTrip sends req under the current call's context, which carries the
// caller's cancellation, Config.Timeout and the httptrace hook. The SDK
// builds a fresh *http.Request for every call and sets no deadline of its
// own on it (see newSlot), so replacing its context loses nothing; a
// shallow copy with WithContext suffices.
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
	return t.base.RoundTrip(req.WithContext(c.reqCtx))
}

func (c *call) wroteHeaders() { c.sent.Store(true) }

// begin makes a call under ctx the slot's current call. The timeout
// context is skipped when ctx already ends no later than Config.Timeout
// would.
func (s *slot) begin(ctx context.Context) *call {
	c := &call{ctx: ctx}
	reqCtx := ctx
	if d, ok := ctx.Deadline(); !ok || time.Until(d) > s.rt.timeout {
		reqCtx, c.cancel = context.WithTimeoutCause(ctx, s.rt.timeout, s.rt.timeoutErr)
	}
	c.trace.WroteHeaders = c.wroteHeaders
	c.reqCtx = httptrace.WithClientTrace(reqCtx, &c.trace)
	s.rt.current.Store(c)
	return c
}

// end detaches c from the slot and ends its timeout context. It runs
// after the SDK has read the response body.
func (s *slot) end(c *call) {
	s.rt.current.Store(nil)
	if c.cancel != nil {
		c.cancel()
	}
}

// noClientTimeout is the SDK read timeout that leaves its http.Client
// without a timeout (see newSlot).
const noClientTimeout = -time.Nanosecond

// newPool builds n SDK clients for cfg. Nothing is sent.
func newPool(cfg Config, ep endpoint.Endpoint, o options, endpointMap map[string]string) (*clientPool, error) {
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

func newSlot(cfg Config, ep endpoint.Endpoint, o options, endpointMap map[string]string) (*slot, error) {
	base := newBaseTransport(cfg, o.transport)
	rt := &callTransport{base: base, timeout: cfg.Timeout, timeoutErr: &adapterkit.TimeoutError{After: cfg.Timeout}}

	sc := o.sdkConfig()
	sc.AutoRetry = false // hazard 1: the SDK's retries re-send renewals on 5xx
	sc.MaxRetryTime = 0
	sc.Transport = rt
	sc.HttpTransport = nil
	sc.EnableAsync = false
	sc.Debug = false
	// The adapter applies cfg.Timeout itself, as a context (callTransport).
	// An http.Client timeout would make net/http, which does not know
	// callTransport, run its legacy cancellation (a timer, a goroutine and
	// a cancel channel per request). The SDK rewrites the client's Timeout
	// before every request from its read timeout (sdk/client.go getTimeout,
	// setTimeout), falling back to a default when that is 0; a negative
	// read timeout passes through, and http.Client ignores Timeout <= 0.
	sc.Timeout = 0
	if ep.Scheme == "http" {
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
	c.Domain = ep.Host // empty: the SDK resolves the endpoint
	c.SetReadTimeout(noClientTimeout)
	c.SetConnectTimeout(cfg.ConnectTimeout)
	c.SetCloseTrace(true) // span names would carry the signed query
	// The SDK reads HTTP(S)_PROXY and NO_PROXY itself on every call, but
	// applies them only to an *http.Transport, which callTransport is not;
	// the proxy is the base transport's business. An explicit no-proxy
	// list keeps a malformed NO_PROXY regex in the environment from
	// failing every call. The SDK compiles it on every call and its result
	// is unused (it only decides whether to set a proxy on an
	// *http.Transport), so it is the cheapest regexp to compile.
	c.SetNoProxy("$")
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
