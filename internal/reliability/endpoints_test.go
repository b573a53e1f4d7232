package reliability

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certbroker/certbroker/alibaba"
	"github.com/certbroker/certbroker/huawei"
	"github.com/certbroker/certbroker/provider"
)

// newAli and newHW build an adapter on endpoint with throwaway
// credentials and optional transport.
func newAli(endpoint string, tr *http.Transport) (provider.Provider, error) {
	var opts []alibaba.Option
	if tr != nil {
		opts = append(opts, alibaba.WithHTTPTransport(tr))
	}
	return alibaba.New(alibaba.Config{Endpoint: endpoint, AccessKeyID: aliKeyID, AccessKeySecret: aliSecret,
		Timeout: 5 * time.Second}, opts...)
}

func newHW(endpoint string, tr *http.Transport) (provider.Provider, error) {
	var opts []huawei.Option
	if tr != nil {
		opts = append(opts, huawei.WithHTTPTransport(tr))
	}
	return huawei.New(huawei.Config{Endpoint: endpoint, ProjectID: "0a1b2c3d4e5f60718293a4b5c6d7e8f9", AK: hwAK, SK: hwSK, RenewByPurchase: true,
		Timeout: 5 * time.Second}, opts...)
}

// TestPlainHTTPOnlyToLoopback checks that both adapters refuse a plain
// http:// endpoint on any host that is not loopback, and accept one on a
// loopback host.
func TestPlainHTTPOnlyToLoopback(t *testing.T) {
	t.Parallel()
	refused := []string{
		"http://example.com",
		"http://cas.aliyuncs.com",
		"http://scm.ap-southeast-1.myhuaweicloud.com",
		"http://10.0.0.1:8080",
		"http://192.168.1.10",
		"http://169.254.169.254",
		"http://0.0.0.0:8080",
		"http://[2001:db8::1]:8080",
		"http://127.0.0.1.nip.io:8080",
		"http://localhost.example.com",
		"http://127.0.0.1@example.com",
		"HTTP://EXAMPLE.COM",
	}
	accepted := []string{"http://127.0.0.1:8080", "http://127.9.9.9:1", "http://localhost:8080", "http://[::1]:8080"}
	for name, build := range map[string]func(string, *http.Transport) (provider.Provider, error){"alibaba": newAli, "huawei": newHW} {
		for _, ep := range refused {
			if _, err := build(ep, nil); err == nil {
				t.Errorf("%s accepted %s", name, ep)
			}
		}
		for _, ep := range accepted {
			if _, err := build(ep, nil); err != nil {
				t.Errorf("%s refused loopback %s: %v", name, ep, err)
			}
		}
	}
}

// TestTLSVerifiedByDefault points both adapters, with their default
// configuration, at an HTTPS server on loopback whose certificate no
// system root trusts. Every operation must fail before anything is sent:
// kind unavailable (not outcome-unknown, even for mutating operations),
// with the x509 verification error in the chain, and the server's handler
// never reached. The same adapter given a transport that trusts the
// server's certificate does reach it, which shows that verification alone
// made the difference.
func TestTLSVerifiedByDefault(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusTeapot)
	}))
	ts.Config.ErrorLog = log.New(io.Discard, "", 0) // handshake failures are expected
	ts.StartTLS()
	t.Cleanup(ts.Close)
	trusting := ts.Client().Transport.(*http.Transport).Clone()

	ctx := context.Background()
	for name, build := range map[string]func(string, *http.Transport) (provider.Provider, error){"alibaba": newAli, "huawei": newHW} {
		p, err := build(ts.URL, nil)
		if err != nil {
			t.Fatalf("%s: New(%s): %v", name, ts.URL, err)
		}
		id := map[string]string{"alibaba": "123456", "huawei": "scs1481110651012"}[name]
		for _, op := range provider.Ops() {
			err := callOp(ctx, p, op, id)
			if k := provider.KindOf(err); k != provider.KindUnavailable {
				t.Errorf("%s %s: kind %v (%v), want unavailable: the handshake fails before sending", name, op, k, err)
			}
			var verr *tls.CertificateVerificationError
			var uerr x509.UnknownAuthorityError
			if !errors.As(err, &verr) && !errors.As(err, &uerr) {
				t.Errorf("%s %s: no x509 verification error in the chain: %v", name, op, err)
			}
		}
		if n := hits.Load(); n != 0 {
			t.Fatalf("%s: %d requests reached the untrusted server", name, n)
		}

		trusted, err := build(ts.URL, trusting)
		if err != nil {
			t.Fatalf("%s: New with a trusting transport: %v", name, err)
		}
		_ = callOp(ctx, trusted, provider.OpStatus, id)
		if n := hits.Swap(0); n == 0 {
			t.Errorf("%s: with the server's certificate trusted, no request arrived; the rejection above proves nothing", name)
		}
	}
}
