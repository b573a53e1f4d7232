package adapterkit_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/certbroker/certbroker/alibaba"
	"github.com/certbroker/certbroker/huawei"
	"github.com/certbroker/certbroker/provider"
)

// TestAdaptersRefuseZeroConfigAlike: a bad configuration is one
// *provider.Error of kind invalid_argument on one line, with the same
// shape from every adapter.
func TestAdaptersRefuseZeroConfigAlike(t *testing.T) {
	t.Parallel()
	news := map[string]func() error{
		"alibaba": func() error { _, err := alibaba.New(alibaba.Config{}); return err },
		"huawei":  func() error { _, err := huawei.New(huawei.Config{}); return err },
	}
	for cloud, newAdapter := range news {
		err := newAdapter()
		var pe *provider.Error
		if !errors.As(err, &pe) || pe.Kind != provider.KindInvalidArgument || strings.Contains(err.Error(), "\n") ||
			pe.Origin != cloud || !strings.HasPrefix(pe.Message, "invalid config: ") {
			t.Errorf("%s.New(Config{}) = %v; want one line, kind invalid_argument, origin %s", cloud, err, cloud)
		}
	}
}

// TestAdaptersClassifyUnknown404Alike: an error response with HTTP 404
// and a code the adapter does not know is other in every adapter, never
// not_found, for a read and for a mutating request.
func TestAdaptersClassifyUnknown404Alike(t *testing.T) {
	t.Parallel()
	answer := func(body string) *httptest.Server {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, body)
		}))
		t.Cleanup(srv.Close)
		return srv
	}
	ali := answer(`{"Code":"SomethingNew","Message":"no such thing","RequestId":"r-1"}`)
	hw := answer(`{"error_code":"SCM.0404","error_msg":"no such thing"}`)
	a, err := alibaba.New(alibaba.Config{Endpoint: ali.URL, AccessKeyID: "id", AccessKeySecret: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	h, err := huawei.New(huawei.Config{Endpoint: hw.URL, ProjectID: "0a1b2c3d4e5f60718293a4b5c6d7e8f9", AK: "AKEXAMPLE", SK: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		cloud string
		p     provider.Provider
		id    string
	}{{"alibaba", a, "123451222"}, {"huawei", h, "scs1481110651012"}} {
		for _, op := range []provider.Op{provider.OpStatus, provider.OpDelete} {
			var err error
			if op == provider.OpStatus {
				_, err = c.p.Status(t.Context(), provider.StatusRequest{ID: c.id})
			} else {
				_, err = c.p.Delete(t.Context(), provider.DeleteRequest{ID: c.id})
			}
			var pe *provider.Error
			if !errors.As(err, &pe) || pe.Kind != provider.KindOther || pe.HTTPStatus != http.StatusNotFound {
				t.Errorf("%s %s: %v; want kind other with HTTP 404", c.cloud, op, err)
			}
		}
	}
}
