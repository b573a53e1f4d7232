package alibaba

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/provider"
)

// TestRevokeReadsStateFirst: CancelCertificateForPackageRequest cancels a
// pending order and returns its quota (its documentation page, 2025-12
// revision), so Revoke sends it only after DescribeCertificateState
// answered Type certificate. A pending order is refused with
// invalid_state, keeps existing, and gets no quota back; an issued one is
// revoked with exactly one read and one revocation.
func TestRevokeReadsStateFirst(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		order alibabatest.Order
		want  provider.Kind // KindOther: success
		calls []string
	}{
		{"pending", alibabatest.Order{Type: alibabatest.TypePayed}, provider.KindInvalidState,
			[]string{actDescribe}},
		{"cancelled", alibabatest.Order{Type: alibabatest.TypePayed, Cancelled: true}, provider.KindInvalidState,
			[]string{actDescribe}},
		{"under review", alibabatest.Order{Type: alibabatest.TypeProcess}, provider.KindInvalidState,
			[]string{actDescribe}},
		{"revoked (unknow)", alibabatest.Order{Status: alibabatest.StatusRevoked}, provider.KindInvalidState,
			[]string{actDescribe}},
		{"issued", alibabatest.Order{Type: alibabatest.TypeCertificate}, provider.KindOther,
			[]string{actDescribe, alibabatest.ActionRevoke}},
		{"expiring", alibabatest.Order{Type: alibabatest.TypeCertificate, Status: alibabatest.StatusWillExpire}, provider.KindOther,
			[]string{actDescribe, alibabatest.ActionRevoke}},
		// The cloud, not the adapter's clock, judges expiry.
		{"expired", alibabatest.Order{Type: alibabatest.TypeCertificate, Status: alibabatest.StatusExpired}, provider.KindInvalidState,
			[]string{actDescribe, alibabatest.ActionRevoke}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newEmulator(t)
			id := s.SeedOrder(tc.order)
			before, _ := s.State(id)
			res, err := adapterFor(t, s).Revoke(t.Context(), provider.RevokeRequest{ID: id})
			if got := actions(s); !slices.Equal(got, tc.calls) {
				t.Errorf("the emulator saw %v, want %v", got, tc.calls)
			}
			if tc.want != provider.KindOther {
				if !errors.Is(err, tc.want) {
					t.Fatalf("revoke = %+v, %v; want %s", res, err, tc.want)
				}
				if st, ok := s.State(id); !ok || st != before {
					t.Errorf("order is %v (exists %v) after a refused revoke, want %v", st, ok, before)
				}
				if q := s.QuotaReturns(); len(q) != 0 {
					t.Errorf("quota returned by a refused revoke: %+v", q)
				}
				return
			}
			if err != nil {
				t.Fatalf("revoke: %v", err)
			}
			checkResult(t, res, provider.OpRevoke, id)
			reqs := s.Requests()
			if res.State != provider.StateRevoked || res.RequestID != reqs[len(reqs)-1].RequestID {
				t.Errorf("result %s, request %q; want revoked and the revocation's request ID", res.State, res.RequestID)
			}
			if st, _ := s.State(id); st != provider.StateRevoked {
				t.Errorf("order is %v, want revoked", st)
			}
		})
	}
}

// TestRevokeStateReadFailures fails only the state read that precedes
// the revocation. Nothing that could change the order was sent, so no
// failure is outcome_unknown, the revocation is never sent, and a
// cancelled context reads as canceled (with context.Canceled in the
// chain).
func TestRevokeStateReadFailures(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		fault alibabatest.FaultKind
		want  provider.Kind
	}{
		{alibabatest.FaultServerError, provider.KindUnavailable},
		{alibabatest.FaultUnavailable, provider.KindUnavailable},
		{alibabatest.FaultReset, provider.KindUnavailable},
		{alibabatest.FaultMalformed, provider.KindUnavailable},
		{alibabatest.FaultThrottle, provider.KindThrottled},
		{alibabatest.FaultHang, provider.KindCanceled},
	} {
		t.Run(tc.fault.String(), func(t *testing.T) {
			t.Parallel()
			s := newEmulator(t)
			id := s.Seed(provider.StateIssued)
			s.InjectFault(alibabatest.Fault{Kind: tc.fault, Action: actDescribe})
			a := adapterFor(t, s)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			done := make(chan error, 1)
			go func() {
				_, err := a.Revoke(ctx, provider.RevokeRequest{ID: id})
				done <- err
			}()
			if tc.fault == alibabatest.FaultHang {
				// Once the read has arrived its headers were written:
				// whether or not the hang holds it yet, the cancel ends
				// a request that was sent.
				if err := s.WaitForRequests(t.Context(), 1); err != nil {
					t.Fatal(err)
				}
				cancel()
			}
			err := <-done
			if !errors.Is(err, tc.want) {
				t.Fatalf("revoke = %v (kind %s), want %s", err, provider.KindOf(err), tc.want)
			}
			if tc.fault == alibabatest.FaultHang && !errors.Is(err, context.Canceled) {
				t.Errorf("error %v lacks context.Canceled", err)
			}
			if n := sentFor(s, alibabatest.ActionRevoke, id); n != 0 {
				t.Errorf("%d revocations sent after a failed state read", n)
			}
			if st, _ := s.State(id); st != provider.StateIssued {
				t.Errorf("order is %v, want still issued", st)
			}
		})
	}
}
