package providertest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/certbroker/certbroker/provider"
)

// call invokes op on p for order id.
func call(ctx context.Context, p provider.Provider, op provider.Op, id string) (*provider.Result, error) {
	switch op {
	case provider.OpCancel:
		return p.Cancel(ctx, provider.CancelRequest{ID: id})
	case provider.OpRevoke:
		return p.Revoke(ctx, provider.RevokeRequest{ID: id, Reason: "conformance test"})
	case provider.OpDelete:
		return p.Delete(ctx, provider.DeleteRequest{ID: id})
	case provider.OpRenew:
		return p.Renew(ctx, provider.RenewRequest{ID: id})
	case provider.OpStatus:
		return p.Status(ctx, provider.StatusRequest{ID: id})
	}
	panic(fmt.Sprintf("providertest: unknown operation %q", op))
}

// expectKind reports an error unless err is a *provider.Error whose kind,
// checked with errors.Is, is one of want. It returns whether all was well.
func expectKind(t testing.TB, what string, err error, want ...provider.Kind) bool {
	t.Helper()
	if err == nil {
		t.Errorf("%s: succeeded, want %s", what, kindList(want))
		return false
	}
	var pe *provider.Error
	if !errors.As(err, &pe) {
		t.Errorf("%s: error %q (%T) is not a *provider.Error; want %s", what, err, err, kindList(want))
		return false
	}
	for _, k := range want {
		if errors.Is(err, k) {
			return true
		}
	}
	t.Errorf("%s: got kind %s (%v), want %s", what, provider.KindOf(err).String(), err, kindList(want))
	return false
}

func kindList(kinds []provider.Kind) string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = k.String()
	}
	return "an error of kind " + strings.Join(names, " or ")
}

// expectSuccess fails the test unless the call succeeded with a result for
// op on order id from a valid origin.
func expectSuccess(t testing.TB, what string, res *provider.Result, err error, op provider.Op, id string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: got error %q (kind %s), want success", what, err, provider.KindOf(err).String())
	}
	if res == nil {
		t.Fatalf("%s: got a nil Result and no error", what)
	}
	if res.ID != id {
		t.Errorf("%s: Result.ID = %q, want %q", what, res.ID, id)
	}
	if res.Op != op {
		t.Errorf("%s: Result.Op = %q, want %q", what, res.Op, op)
	}
	if err := provider.ValidateOrigin(res.Origin); err != nil {
		t.Errorf("%s: Result.Origin: %v", what, err)
	}
}

// expectReported reports an error unless got, a state the provider
// reported, is StateUnknown (when unknownOK) or reportable for want.
func expectReported(t testing.TB, h Harness, what string, got, want provider.State, unknownOK bool) {
	t.Helper()
	if unknownOK && got == provider.StateUnknown {
		return
	}
	if ok := reportable(h, want); !slices.Contains(ok, got) {
		t.Errorf("%s: reported state %s, want %s", what, got, statesList(ok))
	}
}

func statesList(states []provider.State) string {
	names := make([]string, len(states))
	for i, s := range states {
		names[i] = s.String()
	}
	return strings.Join(names, " or ")
}

// expectState reports an error unless order id exists out of band in
// state want.
func expectState(t testing.TB, h Harness, what, id string, want provider.State) {
	t.Helper()
	got, ok := h.State(t, id)
	switch {
	case !ok:
		t.Errorf("%s: order %s is gone, want it in state %s", what, id, want)
	case got != want:
		t.Errorf("%s: order %s is in state %s, want %s", what, id, got, want)
	}
}

// expectGone reports an error unless order id does not exist out of band.
func expectGone(t testing.TB, h Harness, what, id string) {
	t.Helper()
	if got, ok := h.State(t, id); ok {
		t.Errorf("%s: order %s exists in state %s, want it gone", what, id, got)
	}
}

// expectNoRequests reports an error unless the backend of h received no
// requests since it had received before.
func expectNoRequests(t testing.TB, h Harness, what string, before int) {
	t.Helper()
	if after := h.Requests(t); after != before {
		t.Errorf("%s: the backend received %d request(s), want none", what, after-before)
	}
}
