package alibaba

import (
	"errors"
	"strings"
	"testing"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/provider"
)

// TestGatewayHTMLErrors sends every operation into the emulator's
// code-less HTML 404 and 502 answers (a proxy or gateway in front of
// CAS), before and after the action is applied. Without an Alibaba code
// the HTTP rules of internal/classify decide: a 404 is other, never
// not_found (a Delete must not look "already done"); a 502 is
// outcome_unknown for a mutating request and unavailable for Status.
// No call succeeds.
func TestGatewayHTMLErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		fault    alibabatest.FaultKind
		status   int
		read     provider.Kind // Status
		mutating provider.Kind // the others
	}{
		{"html_404", alibabatest.FaultHTMLNotFound, 404, provider.KindOther, provider.KindOther},
		{"html_502", alibabatest.FaultHTMLBadGateway, 502, provider.KindUnavailable, provider.KindOutcomeUnknown},
	} {
		for _, op := range provider.Ops() {
			for _, after := range []bool{false, true} {
				name := tc.name + "/" + string(op)
				if after {
					name += "/after_apply"
				}
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					s := newEmulator(t)
					id := s.Seed(allowedFrom(op))
					s.InjectFault(alibabatest.Fault{Kind: tc.fault, Action: actionOf(op), AfterApply: after})
					res, err := callOp(t, adapterFor(t, s), op, id)
					want := tc.mutating
					if op == provider.OpStatus {
						want = tc.read
					}
					if err == nil || !errors.Is(err, want) {
						t.Fatalf("got %+v, %v (kind %s); want kind %s", res, err, provider.KindOf(err), want)
					}
					if errors.Is(err, provider.ErrNotFound) {
						t.Errorf("a code-less %d reads as not_found: %v", tc.status, err)
					}
					var pe *provider.Error
					if !errors.As(err, &pe) || pe.Code != "" || pe.HTTPStatus != tc.status || pe.Op != op || pe.ID != id ||
						!strings.Contains(pe.Message, "Tengine") {
						t.Errorf("error %+v, want no code, HTTP %d and the page as message", pe, tc.status)
					}
					var se *sdkerrors.ServerError
					if !errors.As(err, &se) || se.HttpStatus() != tc.status {
						t.Errorf("errors.As does not reach the SDK's ServerError with HTTP %d", tc.status)
					}
				})
			}
		}
	}
}
