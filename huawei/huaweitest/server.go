package huaweitest

import (
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/certbroker/certbroker/internal/faultinject"
	"github.com/certbroker/certbroker/internal/reqlog"
)

// Server is a running SCM v2 emulator. Its methods are safe for concurrent
// use.
type Server struct {
	cfg    config
	url    string
	srv    *http.Server
	faults *faultinject.Injector

	closeOnce sync.Once
	inflight  tracker

	mu        sync.Mutex
	certs     map[string]*cert
	usedIDs   map[string]bool // every cert ID ever handed out, deleted ones too
	orderIDs  map[string]bool
	seq       int
	idRNG     *rand.Rand
	reqRNG    *rand.Rand
	cancelRNG *rand.Rand // late cancel failures
	purchases []Purchase
	locks     map[string]*lockout // per access key

	timeFormat   TimeFormat // of the v3 details' times
	autoPayFails bool       // see SetAutoPay

	// reqs is the request log, with its own lock (see receive).
	reqs reqlog.Log[Request]
}

// NewServer starts an emulator on 127.0.0.1 (or [::1]) on a free port. It
// panics if it cannot listen, like httptest.NewServer.
func NewServer(opts ...Option) *Server {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	if len(cfg.creds) == 0 {
		cfg.creds = []credential{{ak: defaultAK, sk: defaultSK}}
	}
	if len(cfg.projects) == 0 {
		cfg.projects = []string{defaultProjectID}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		if ln, err = net.Listen("tcp6", "[::1]:0"); err != nil {
			panic(fmt.Sprintf("huaweitest: failed to listen on a loopback port: %v", err))
		}
	}
	s := &Server{
		cfg:       cfg,
		url:       "http://" + ln.Addr().String(),
		faults:    faultinject.New(cfg.seed),
		certs:     make(map[string]*cert),
		usedIDs:   make(map[string]bool),
		orderIDs:  make(map[string]bool),
		locks:     make(map[string]*lockout),
		idRNG:     rand.New(rand.NewPCG(cfg.seed, cfg.seed^0x5ca1ab1e0ddba11)),
		reqRNG:    rand.New(rand.NewPCG(cfg.seed^0xfeedface, cfg.seed)),
		cancelRNG: rand.New(rand.NewPCG(cfg.seed^0xca9ce1, cfg.seed^0x1a7e)),
	}
	s.timeFormat = TimeFormat(cfg.seed % uint64(timeFormats))
	if cfg.timeFormat != nil {
		s.timeFormat = *cfg.timeFormat
	}
	s.srv = &http.Server{
		Handler:           http.HandlerFunc(s.serveHTTP),
		ReadHeaderTimeout: 30 * time.Second,
		ErrorLog:          slog.NewLogLogger(cfg.logger.Handler(), slog.LevelDebug),
	}
	go func() { _ = s.srv.Serve(ln) }()
	return s
}

// URL returns the emulator's base URL, "http://127.0.0.1:PORT", to give the
// SDK as its endpoint.
func (s *Server) URL() string { return s.url }

// Close shuts the emulator down: it releases requests held by a hang or a
// latency fault, closes every connection and waits for the request handlers
// to return. It is safe to call more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.inflight.close()
		s.faults.Close()
		_ = s.srv.Close()
		s.inflight.wait()
	})
}

// AccessKeyID returns the first accepted access key ID: the one given to
// the first WithAccessKey, or by default "HWTESTAK0000000000000".
func (s *Server) AccessKeyID() string { return s.cfg.creds[0].ak }

// AccessKeySecret returns the secret of AccessKeyID: the one given to the
// first WithAccessKey,
// or by default a fixed test value. It is a test secret; still, keep it out
// of logs like any other.
func (s *Server) AccessKeySecret() string { return s.cfg.creds[0].sk }

// ProjectID returns the first known project: the one given to the first
// WithProjectID, or by default "0a1b2c3d4e5f60718293a4b5c6d7e8f9".
func (s *Server) ProjectID() string { return s.cfg.projects[0] }

func (s *Server) now() time.Time { return s.cfg.clock() }

func (s *Server) secretOf(ak string) (string, bool) {
	for _, c := range s.cfg.creds {
		if c.ak == ak {
			return c.sk, true
		}
	}
	return "", false
}

func (s *Server) knownProject(id string) bool {
	for _, p := range s.cfg.projects {
		if p == id {
			return true
		}
	}
	return false
}

// tracker counts running handlers so that Close can wait for them, and
// turns new ones away once closing has begun.
type tracker struct {
	mu     sync.Mutex
	n      int
	closed bool
	idle   chan struct{}
}

func (t *tracker) enter() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return false
	}
	t.n++
	return true
}

func (t *tracker) leave() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n--
	if t.n == 0 && t.idle != nil {
		close(t.idle)
		t.idle = nil
	}
}

func (t *tracker) close() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.closed = true
}

func (t *tracker) wait() {
	t.mu.Lock()
	if t.n == 0 {
		t.mu.Unlock()
		return
	}
	ch := make(chan struct{})
	t.idle = ch
	t.mu.Unlock()
	<-ch
}
