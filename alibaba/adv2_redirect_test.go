package alibaba

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/certbroker/certbroker/provider"
)

// TestAdv2RedirectRefused: a redirect is never followed (the target sees
// nothing) and never reads as success or not_found.
func TestAdv2RedirectRefused(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"RequestId":"x","OrderId":99,"Type":"payed"}`))
	}))
	t.Cleanup(target.Close)
	for _, status := range []int{301, 302, 303, 307, 308} {
		src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, target.URL+"/", status)
		}))
		t.Cleanup(src.Close)
		a := newTestAdapter(t, Config{Endpoint: src.URL, AccessKeyID: testKeyID, AccessKeySecret: testSecret})
		ctx := context.Background()
		if res, err := a.Renew(ctx, provider.RenewRequest{ID: "123"}); err == nil || provider.KindOf(err) != provider.KindOutcomeUnknown {
			t.Errorf("%d: Renew = %+v, %v; want outcome_unknown", status, res, err)
		}
		if res, err := a.Cancel(ctx, provider.CancelRequest{ID: "123"}); err == nil || provider.KindOf(err) != provider.KindOutcomeUnknown {
			t.Errorf("%d: Cancel = %+v, %v; want outcome_unknown", status, res, err)
		}
		if res, err := a.Status(ctx, provider.StatusRequest{ID: "123"}); err == nil || provider.KindOf(err) == provider.KindNotFound {
			t.Errorf("%d: Status = %+v, %v", status, res, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the redirect target got %d requests", n)
	}
}
