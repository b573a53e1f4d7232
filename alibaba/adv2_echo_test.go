package alibaba

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/certbroker/certbroker/provider"
)

// TestAdv2EchoedSignatureRedacted: a gateway error page that echoes the
// request it refused (URI and form body) must not put the request's
// Signature (or any secret) into the error. The brief promises that
// signatures never appear in errors, also when the cloud echoes them.
func TestAdv2EchoedSignatureRedacted(t *testing.T) {
	t.Parallel()
	var sig string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		all := r.URL.RawQuery + "&" + string(body)
		if v, err := url.ParseQuery(all); err == nil {
			sig = v.Get("Signature")
		}
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, "<html><body>Not found: %s?%s</body></html>", r.URL.Path, all)
	}))
	t.Cleanup(srv.Close)
	a := newTestAdapter(t, Config{Endpoint: srv.URL, AccessKeyID: testKeyID, AccessKeySecret: testSecret, SecurityToken: testToken})
	_, err := a.Status(context.Background(), provider.StatusRequest{ID: "123451222"})
	if err == nil {
		t.Fatal("Status against a 404 page succeeded")
	}
	if sig == "" {
		t.Fatal("no Signature seen by the stub")
	}
	if k := provider.KindOf(err); k == provider.KindNotFound {
		t.Errorf("kind %v for a code-less 404 page", k)
	}
	out := fmt.Sprintf("%v | %+v | %#v | %s", err, err, err, err)
	if pe, ok := err.(*provider.Error); ok && pe.Err != nil {
		out += " | " + pe.Err.Error()
	}
	for name, s := range map[string]string{
		"signature": sig, "signature (query-escaped)": url.QueryEscape(sig),
		"secret": testSecret, "secret (escaped)": url.QueryEscape(testSecret),
		"token": testToken, "token (escaped)": url.QueryEscape(testToken),
	} {
		if strings.Contains(out, s) {
			t.Errorf("error output contains the %s %q:\n%s", name, s, out)
		}
	}
}
