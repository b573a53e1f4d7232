package huaweitest

import (
	"net/http"
	"testing"
)

// TestParseRoute: every API of the table, and the near misses that must
// match nothing (no such API, APIGW.0101).
func TestParseRoute(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		method, path string
		want         route
		ok           bool
	}{
		{http.MethodPost, "/v2/p1/scm/cert/scs1/cancel-cert", route{api: ActionCancelCert, project: "p1", certID: "scs1"}, true},
		{http.MethodPost, "/v2/p1/scm/cert/scs1/revoke", route{api: ActionRevoke, project: "p1", certID: "scs1"}, true},
		{http.MethodDelete, "/v2/p1/scm/cert/scs1", route{api: ActionDelete, project: "p1", certID: "scs1"}, true},
		{http.MethodGet, "/v2/p1/scm/cert/scs1", route{api: ActionDetails, project: "p1", certID: "scs1"}, true},
		{http.MethodGet, "/v2/p1/scm/certlist", route{api: ActionList, project: "p1"}, true},
		{http.MethodPost, "/v2/p1/scm/cert/purchase", route{api: ActionPurchase, project: "p1"}, true},
		{http.MethodGet, "/v3/scm/certificates/scs1", route{api: ActionDetails, certID: "scs1", v3: true}, true},
		{http.MethodDelete, "/v3/scm/certificates/scs1", route{api: ActionDelete, certID: "scs1", v3: true}, true},
		{http.MethodPost, "/v3/scm/certificates/buy", route{api: ActionPurchase, v3: true}, true},
		{http.MethodGet, "/v3/scm/certificates/buy", route{}, false},
		{http.MethodGet, "/v2/p1/scm/cert/purchase", route{}, false},
		{http.MethodPost, "/v2/p1/scm/cert/scs1", route{}, false},
		{http.MethodGet, "/v2//scm/cert/scs1", route{}, false},
		{http.MethodGet, "/v2/p1/scm/cert/", route{}, false},
		{http.MethodGet, "/v3/scm/certificates/", route{}, false},
		{http.MethodGet, "/v3/scm/certificates/scs1/extra", route{}, false},
		{http.MethodPost, "/v2/p1/scm/cert/scs1/cancel-cert/", route{}, false},
		{http.MethodGet, "v2/p1/scm/certlist", route{}, false},
		{http.MethodPut, "/v2/p1/scm/cert/scs1/revoke", route{}, false},
	} {
		got, ok := parseRoute(tc.method, tc.path)
		if ok != tc.ok || got != tc.want {
			t.Errorf("%s %s: %+v, %v; want %+v, %v", tc.method, tc.path, got, ok, tc.want, tc.ok)
		}
	}
}
