package alibabatest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"

	"github.com/certbroker/certbroker/internal/faultinject"
	"github.com/certbroker/certbroker/internal/reqlog"
	"github.com/certbroker/certbroker/provider"
)

// The default access key pair. It is a fixed public value for tests only.
const (
	defaultAccessKeyID     = "LTAI5tAlibabaTest0000001"
	defaultAccessKeySecret = "alibabatest-secret-for-tests-only"
)

type config struct {
	seed          uint64
	clock         func() time.Time
	keys          map[string]string
	documentedQPS bool
}

// Option configures a [Server].
type Option func(*config)

// WithSeed seeds the fault draws, request IDs and order IDs, so a test run
// with the same requests in the same order sees the same faults and IDs.
// The default seed is 1.
func WithSeed(seed uint64) Option { return func(c *config) { c.seed = seed } }

// WithClock sets the clock the server judges Timestamps, nonce windows,
// certificate expiry and BuyDates by. The default is time.Now.
func WithClock(now func() time.Time) Option { return func(c *config) { c.clock = now } }

// WithAccessKey makes the server accept the access key pair id/secret, in
// addition to the default pair. It may be given more than once.
func WithAccessKey(id, secret string) Option {
	return func(c *config) { c.keys[id] = secret }
}

// WithDocumentedQPS limits every action to its documented quota
// ([DocumentedQPS]) with [Server.SetQPS], so requests above it are
// throttled as on the cloud. How the cloud counts bursts is not
// documented [unverified]: the emulator allows a second's worth at once.
// [Server.ClearFaults] removes the limits too.
func WithDocumentedQPS() Option { return func(c *config) { c.documentedQPS = true } }

// Server is a running CAS emulator on a loopback port. It is safe for
// concurrent use.
type Server struct {
	cfg     config
	ts      *httptest.Server
	handler http.Handler
	faults  *faultinject.Injector
	certKey *ecdsa.PrivateKey

	mu         sync.Mutex
	rng        *mrand.Rand
	orders     map[int64]*record
	nextID     int64
	nonces     map[string]time.Time
	nonceSweep int
	renewals   []Renewal
	quota      []QuotaReturn

	// log is the request log, with its own lock (see logStart).
	log reqlog.Log[Request]
}

// record is an order plus what the server caches about it.
type record struct {
	Order
	certPEM string // self-signed certificate, made on first use
}

// NewServer starts an emulator on 127.0.0.1 at a free port, like
// httptest.NewServer. Close it when done.
func NewServer(opts ...Option) *Server {
	cfg := config{seed: 1, clock: time.Now, keys: map[string]string{defaultAccessKeyID: defaultAccessKeySecret}}
	for _, o := range opts {
		o(&cfg)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(fmt.Sprintf("alibabatest: generating the certificate key: %v", err))
	}
	s := &Server{
		cfg:        cfg,
		faults:     faultinject.New(cfg.seed),
		certKey:    key,
		rng:        mrand.New(mrand.NewPCG(cfg.seed, cfg.seed^0x5bd1e995)),
		orders:     make(map[int64]*record),
		nextID:     10_000_000_000 + int64(cfg.seed%1_000_000)*100_000 + 1,
		nonces:     make(map[string]time.Time),
		nonceSweep: 1024,
	}
	if cfg.documentedQPS {
		for action, qps := range documentedQPS {
			s.SetQPS(action, qps)
		}
	}
	s.handler = http.HandlerFunc(s.serveHTTP)
	s.ts = httptest.NewServer(s.handler)
	return s
}

// URL returns the server's base URL, "http://127.0.0.1:PORT".
func (s *Server) URL() string { return s.ts.URL }

// Endpoint returns "127.0.0.1:PORT", the value the SDK client's Domain
// wants.
func (s *Server) Endpoint() string { return s.ts.Listener.Addr().String() }

// Handler returns the server's HTTP handler, for use in-process without
// the listener (for example with httptest.NewRecorder). The reset and hang
// faults need a connection that can be hijacked and abort the handler
// otherwise.
func (s *Server) Handler() http.Handler { return s.handler }

// Close releases hung and delayed requests, stops the listener and waits
// for every request in progress to finish. It may be called more than once.
func (s *Server) Close() {
	s.faults.Close()
	s.ts.Close()
}

// AccessKeyID returns the default access key ID, a fixed test value.
func (s *Server) AccessKeyID() string { return defaultAccessKeyID }

// AccessKeySecret returns the default access key secret, a fixed test value
// that grants nothing outside this emulator.
func (s *Server) AccessKeySecret() string { return defaultAccessKeySecret }

func (s *Server) now() time.Time { return s.cfg.clock() }

// Seed creates an order in the normalized state st and returns its ID. It
// panics if st is not one of [States].
func (s *Server) Seed(st provider.State) string {
	o, ok := seedFor[st]
	if !ok {
		panic(fmt.Sprintf("alibabatest: cannot seed state %v: Alibaba CAS has no such order state", st))
	}
	return s.SeedOrder(o)
}

// SeedOrder stores o, filling its defaults (see [Order]), and returns its
// ID. A zero ID allocates the next one. It panics if o is inconsistent
// (an unknown Type or Status, a Status that does not go with the Type or
// NotAfter, a negative or taken ID), like a misused httptest.
func (s *Server) SeedOrder(o Order) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := o.normalize(s.now())
	if err != nil {
		panic("alibabatest: SeedOrder: " + err.Error())
	}
	if n.ID == 0 {
		n.ID = s.allocID()
	} else if _, taken := s.orders[n.ID]; taken {
		panic(fmt.Sprintf("alibabatest: SeedOrder: order %d exists", n.ID))
	} else if n.ID >= s.nextID {
		s.nextID = n.ID + 1
	}
	if n.Domain == "" {
		// Letters only: a Keyword holding the order ID must not match.
		n.Domain = "site-" + letters(n.ID) + ".example.com"
	}
	s.orders[n.ID] = &record{Order: n}
	return strconv.FormatInt(n.ID, 10)
}

// allocID returns a fresh order ID. The caller holds s.mu.
func (s *Server) allocID() int64 {
	id := s.nextID
	s.nextID++
	return id
}

// Order returns order id as it is now, or false if there is none (never
// created, deleted, or not a decimal ID).
func (s *Server) Order(id string) (Order, bool) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return Order{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.orders[n]
	if !ok {
		return Order{}, false
	}
	return r.current(s.now()), true
}

// State returns the normalized state of order id, or false if it does not
// exist (see the package documentation for the mapping).
func (s *Server) State(id string) (provider.State, bool) {
	o, ok := s.Order(id)
	if !ok {
		return provider.StateUnknown, false
	}
	return stateOf(o), true
}

// newRequestID returns a request ID shaped like the cloud's. The caller
// holds s.mu.
func (s *Server) newRequestID() string {
	a, b := s.rng.Uint64(), s.rng.Uint64()
	return fmt.Sprintf("%08X-%04X-%04X-%04X-%012X", a>>32, (a>>16)&0xffff, a&0xffff, b>>48, b&0xffffffffffff)
}
