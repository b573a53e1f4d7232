package huawei

import (
	"context"
	"net/http"
	"testing"

	"github.com/certbroker/certbroker/provider"
)

// TestAdv2RedirectIsNotSuccess: a proxy or a misrouted gateway answers a
// mutating request with a redirect (no body). The SDK does not follow it
// (AllowRedirects false) but its error handler only fails statuses >= 400,
// so the empty 3xx answer decodes as a success. Promise: redirects are
// refused, and a page without the cloud's answer is never success.
func TestAdv2RedirectIsNotSuccess(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", "https://127.0.0.1:1/elsewhere")
			w.WriteHeader(status)
		})
		a := mustNew(t, stubConfig(s.URL))
		ctx := context.Background()
		if res, err := a.Cancel(ctx, provider.CancelRequest{ID: testCertID}); err == nil {
			t.Errorf("Cancel answered %d redirect: success %+v, want an error (outcome_unknown)", status, res)
		} else if k := provider.KindOf(err); k != provider.KindOutcomeUnknown {
			t.Errorf("Cancel answered %d redirect: kind %v, want outcome_unknown", status, k)
		}
		if res, err := a.Delete(ctx, provider.DeleteRequest{ID: testCertID}); err == nil {
			t.Errorf("Delete answered %d redirect: success %+v, want an error", status, res)
		}
		if res, err := a.Revoke(ctx, provider.RevokeRequest{ID: testCertID}); err == nil {
			t.Errorf("Revoke answered %d redirect: success %+v, want an error", status, res)
		}
		if res, err := a.Status(ctx, provider.StatusRequest{ID: testCertID}); err == nil {
			t.Errorf("Status answered %d redirect: success %+v, want an error", status, res)
		}
	}
}
