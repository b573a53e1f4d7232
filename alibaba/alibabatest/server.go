package alibabatest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/certbroker/certbroker/internal/faultinject"
	"github.com/certbroker/certbroker/internal/reqlog"
)

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
	instances  map[string]*Instance
	instSeq    int64 // the last Instance.seq given
	nextID     int64
	nonces     map[string]time.Time
	nonceSweep int
	renewals   []Renewal
	quota      []QuotaReturn

	// log is the request log, with its own lock (see logStart).
	reqs reqlog.Log[Request]
}

// record is an order plus what the server caches about it.
type record struct {
	Order
	certPEM string // self-signed certificate, made on first use
}

// NewServer starts an emulator on 127.0.0.1 at a free port, like
// httptest.NewServer. Close it when done.
func NewServer(opts ...Option) *Server {
	cfg := config{
		seed: 1, clock: time.Now, logger: slog.New(slog.DiscardHandler),
	}
	for _, o := range opts {
		o(&cfg)
	}
	if len(cfg.keys) == 0 {
		cfg.keys = map[string]string{defaultAccessKeyID: defaultAccessKeySecret}
		cfg.firstKey = defaultAccessKeyID
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
		instances:  make(map[string]*Instance),
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
	s.ts = httptest.NewUnstartedServer(s.handler)
	s.ts.Config.ErrorLog = slog.NewLogLogger(cfg.logger.Handler(), slog.LevelDebug)
	s.ts.Start()
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

// AccessKeyID returns the first accepted access key ID: the one given to
// the first WithAccessKey, or by default "LTAI5tAlibabaTest0000001".
func (s *Server) AccessKeyID() string { return s.cfg.firstKey }

// AccessKeySecret returns the secret of AccessKeyID: the one given to the
// first WithAccessKey, or by default a fixed test value that grants nothing
// outside this emulator.
func (s *Server) AccessKeySecret() string { return s.cfg.keys[s.cfg.firstKey] }

func (s *Server) now() time.Time { return s.cfg.clock() }

// newRequestID returns a request ID shaped like the cloud's. The caller
// holds s.mu.
func (s *Server) newRequestID() string {
	a, b := s.rng.Uint64(), s.rng.Uint64()
	return fmt.Sprintf("%08X-%04X-%04X-%04X-%012X", a>>32, (a>>16)&0xffff, a&0xffff, b>>48, b&0xffffffffffff)
}
