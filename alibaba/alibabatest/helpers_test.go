package alibabatest

import (
	"errors"
	"io"
	"net/http"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/cas"
)

func TestMain(m *testing.M) {
	// cas.GetEndpointMap initialises a package global without a lock;
	// touch it once before parallel tests create clients.
	cas.GetEndpointMap()
	os.Exit(m.Run())
}

// newServer starts a server closed at the end of the test.
func newServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := NewServer(opts...)
	t.Cleanup(s.Close)
	return s
}

// newClient returns a real SDK client for s with the default key pair. The
// SDK client is not safe for concurrent use: one per goroutine.
func newClient(t testing.TB, s *Server) *cas.Client {
	t.Helper()
	return newClientWithKey(t, s, s.AccessKeyID(), s.AccessKeySecret())
}

func newClientWithKey(t testing.TB, s *Server, id, secret string) *cas.Client {
	t.Helper()
	cfg := sdk.NewConfig()
	cfg.Scheme = "HTTP"
	cfg.AutoRetry = false
	c, err := cas.NewClientWithOptions("cn-hangzhou", cfg, credentials.NewStaticAKCredentialsProvider(id, secret))
	if err != nil {
		t.Fatalf("NewClientWithOptions: %v", err)
	}
	c.Domain = s.Endpoint()
	return c
}

// serverError asserts err is an SDK ServerError with code and status.
func serverError(t testing.TB, err error, status int, code string) *sdkerrors.ServerError {
	t.Helper()
	var se *sdkerrors.ServerError
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T) is not a *errors.ServerError", err, err)
	}
	if se.HttpStatus() != status || se.ErrorCode() != code {
		t.Fatalf("got HTTP %d %q (%s), want HTTP %d %q", se.HttpStatus(), se.ErrorCode(), se.Message(), status, code)
	}
	if se.RequestId() == "" || se.HostId() != hostID {
		t.Fatalf("RequestId %q HostId %q: want a request ID and %q", se.RequestId(), se.HostId(), hostID)
	}
	return se
}

// Per-action calls through the SDK, with a fresh request object each time.

func describe(c *cas.Client, id string) (*cas.DescribeCertificateStateResponse, error) {
	r := cas.CreateDescribeCertificateStateRequest()
	r.OrderId = requests.Integer(id)
	return c.DescribeCertificateState(r)
}

func cancelOrder(c *cas.Client, id string) error {
	r := cas.CreateCancelOrderRequestRequest()
	r.OrderId = requests.Integer(id)
	_, err := c.CancelOrderRequest(r)
	return err
}

func revoke(c *cas.Client, id string) error {
	r := cas.CreateCancelCertificateForPackageRequestRequest()
	r.OrderId = requests.Integer(id)
	_, err := c.CancelCertificateForPackageRequest(r)
	return err
}

func deleteOrder(c *cas.Client, id string) error {
	r := cas.CreateDeleteCertificateRequestRequest()
	r.OrderId = requests.Integer(id)
	_, err := c.DeleteCertificateRequest(r)
	return err
}

// renew sends a renewal; tags are added as Tags.N.Key/Value query
// parameters, the way the SDK flattens repeated lists (its request struct
// has no Tags field).
func renew(c *cas.Client, id, csr string, tags ...Tag) (*cas.RenewCertificateOrderForPackageRequestResponse, error) {
	r := cas.CreateRenewCertificateOrderForPackageRequestRequest()
	r.OrderId = requests.Integer(id)
	r.Csr = csr
	for i, tg := range tags {
		n := strconv.Itoa(i + 1)
		r.GetQueryParams()["Tags."+n+".Key"] = tg.Key
		if tg.Value != "" {
			r.GetQueryParams()["Tags."+n+".Value"] = tg.Value
		}
	}
	return c.RenewCertificateOrderForPackageRequest(r)
}

// recorder is an http.RoundTripper that remembers the last request URL and
// form body the SDK sent, so a test can replay or tamper with it.
type recorder struct {
	mu   sync.Mutex
	last *http.Request
	body string
	next http.RoundTripper
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body string
	if req.GetBody != nil {
		if rc, err := req.GetBody(); err == nil {
			b, _ := io.ReadAll(rc)
			body = string(b)
			_ = rc.Close()
		}
	}
	r.mu.Lock()
	r.last, r.body = req.Clone(req.Context()), body
	r.mu.Unlock()
	return r.next.RoundTrip(req)
}

func (r *recorder) lastURL() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last.URL.String()
}

// recordingClient is newClient with a recorder in its transport.
func recordingClient(t testing.TB, s *Server) (*cas.Client, *recorder) {
	t.Helper()
	c := newClient(t, s)
	rec := &recorder{next: &http.Transport{}}
	t.Cleanup(rec.next.(*http.Transport).CloseIdleConnections)
	c.SetTransport(rec)
	return c, rec
}

// fakeClock is a settable clock for WithClock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func itoaID(n int64) string { return strconv.FormatInt(n, 10) }
