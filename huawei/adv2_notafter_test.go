package huawei

import (
	"context"
	"net/http"
	"testing"

	"github.com/certbroker/certbroker/provider"
)

// TestAdv2NotAfterNeverFailsStatus: odd not_after values (and odd
// neighbours) must leave Status working, with one request.
func TestAdv2NotAfterNeverFailsStatus(t *testing.T) {
	t.Parallel()
	for _, na := range []string{`"garbage"`, `{"a":1}`, `[1,2]`, `1e999`, `-1e400`, `1E+309`, `-5`, `true`, `"9999999999999999999999"`,
		`9223372036854775807`, `"2027-13-45T99:99:99Z"`, `"\u0000"`, `1.5e14`, `"  "`, `""`} {
		body := `{"id":"scs1481110651012","status":"ISSUED","not_after":` + na + `}`
		s := newStub(t, answer(http.StatusOK, body))
		a := mustNew(t, stubConfig(s.URL))
		res, err := a.Status(context.Background(), provider.StatusRequest{ID: testCertID})
		if err != nil {
			t.Errorf("not_after %s: Status failed: %v", na, err)
			continue
		}
		if n := len(s.requests()); n != 1 {
			t.Errorf("not_after %s: %d requests, want 1", na, n)
		}
		if res.State != provider.StateIssued && res.State != provider.StateExpiring && res.State != provider.StateExpired {
			t.Errorf("not_after %s: state %v", na, res.State)
		}
	}
}
