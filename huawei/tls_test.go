package huawei

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/certbroker/certbroker/provider"
)

// TestCustomTransportTLS: WithHTTPTransport carries custom RootCAs; without
// them the TLS handshake fails before anything is sent, which is
// unavailable even for a mutating call.
func TestCustomTransportTLS(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(answer(200, `{"cert_id":"`+testCertID+`","message":"success"}`))
	t.Cleanup(srv.Close)
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	t.Cleanup(tr.CloseIdleConnections)

	a := mustNew(t, stubConfig(srv.URL), WithHTTPTransport(tr))
	if _, err := a.Cancel(t.Context(), provider.CancelRequest{ID: testCertID}); err != nil {
		t.Fatalf("with the test CA: %v", err)
	}

	b := mustNew(t, stubConfig(srv.URL))
	_, err := b.Cancel(t.Context(), provider.CancelRequest{ID: testCertID})
	if pe := asProviderError(t, err); pe.Kind != provider.KindUnavailable {
		t.Errorf("without the test CA: %v, want unavailable", err)
	}
}
