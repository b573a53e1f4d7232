package huawei

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/certbroker/certbroker/provider"
)

// Credentials used with plain httptest servers (which check no signature).
const (
	testProject = "0123456789abcdef0123456789abcdef"
	testAK      = "HWTESTAKEXAMPLE0001"
	testSK      = "sk-very-secret-0123456789"
	testToken   = "sts-token-secret-abcdef"
)

// recorded is one request seen by a stub server.
type recorded struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   string
}

// stub is an httptest server answering every request with a handler, and
// recording what it received.
type stub struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []recorded
}

func newStub(t *testing.T, h http.HandlerFunc) *stub {
	t.Helper()
	s := &stub{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.reqs = append(s.reqs, recorded{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), string(body)})
		s.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *stub) requests() []recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]recorded(nil), s.reqs...)
}

// answer returns a handler that always writes status and body with a
// request ID.
func answer(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "req-stub-1")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

// stubConfig is a Config pointing at url.
func stubConfig(url string) Config {
	return Config{ProjectID: testProject, AK: testAK, SK: testSK, Endpoint: url}
}

func mustNew(t testing.TB, cfg Config, opts ...Option) *Adapter {
	t.Helper()
	a, err := New(cfg, opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return a
}

// asProviderError asserts that err is a *provider.Error and returns it.
func asProviderError(t testing.TB, err error) *provider.Error {
	t.Helper()
	var pe *provider.Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T) is not a *provider.Error", err, err)
	}
	return pe
}

const (
	testCertID  = "scs1481110651012"
	otherCertID = "scs1554192131150"
)

func statusReq(id string) provider.StatusRequest { return provider.StatusRequest{ID: id} }
