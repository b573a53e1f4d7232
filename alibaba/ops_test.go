package alibaba

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/provider"
)

// native is an order as the emulator holds it, named by its native
// values.
type native struct {
	name  string
	order alibabatest.Order
}

var natives = []native{
	{"payed", alibabatest.Order{Type: alibabatest.TypePayed}},
	{"payed_cancelled", alibabatest.Order{Type: alibabatest.TypePayed, Cancelled: true}},
	{"domain_verify", alibabatest.Order{Type: alibabatest.TypeDomainVerify}},
	{"process", alibabatest.Order{Type: alibabatest.TypeProcess}},
	{"verify_fail", alibabatest.Order{Type: alibabatest.TypeVerifyFail}},
	{"certificate_issued", alibabatest.Order{Type: alibabatest.TypeCertificate, Status: alibabatest.StatusIssued}},
	{"certificate_willexpired", alibabatest.Order{Type: alibabatest.TypeCertificate, Status: alibabatest.StatusWillExpire}},
	{"certificate_expired", alibabatest.Order{Type: alibabatest.TypeCertificate, Status: alibabatest.StatusExpired}},
	{"unknow_revoked", alibabatest.Order{Type: alibabatest.TypeUnknown, Status: alibabatest.StatusRevoked}},
	{"unknow_notactivated", alibabatest.Order{Type: alibabatest.TypeUnknown, Status: alibabatest.StatusNotActivated}},
}

// TestOperationFromEveryNativeState runs every operation from every
// native state the emulator can hold and checks the outcome, the result
// and the order afterwards, out of band.
func TestOperationFromEveryNativeState(t *testing.T) {
	t.Parallel()
	// allowed[op] lists the natives from which op succeeds, and the
	// normalized state the order is in afterwards ("" = gone).
	allowed := map[provider.Op]map[string]provider.State{
		provider.OpCancel: {"domain_verify": provider.StateCancelled, "process": provider.StateCancelled},
		provider.OpRevoke: {"certificate_issued": provider.StateRevoked, "certificate_willexpired": provider.StateRevoked},
		provider.OpDelete: {"verify_fail": provider.StateUnknown, "payed_cancelled": provider.StateUnknown},
		provider.OpRenew:  {"certificate_willexpired": provider.StateExpiring},
	}
	// status[native] is what Status reports; for a revoked order (unknow)
	// the list Status, REVOKED, is the native state.
	status := map[string]provider.State{
		"payed": provider.StatePendingApplication, "payed_cancelled": provider.StatePendingApplication,
		"domain_verify": provider.StateUnderReview, "process": provider.StateUnderReview,
		"verify_fail": provider.StateReviewFailed, "certificate_issued": provider.StateIssued,
		"certificate_willexpired": provider.StateExpiring, "certificate_expired": provider.StateExpired,
		"unknow_revoked": provider.StateRevoked, "unknow_notactivated": provider.StateUnknown,
	}
	s := newEmulator(t)
	a := adapterFor(t, s)
	for _, op := range provider.Ops() {
		for _, n := range natives {
			t.Run(fmt.Sprintf("%s/from_%s", op, n.name), func(t *testing.T) {
				t.Parallel()
				id := s.SeedOrder(n.order)
				before, _ := s.State(id)
				res, err := callOp(t, a, op, id)
				if op == provider.OpStatus {
					checkStatus(t, s, id, n, res, err, status[n.name])
					return
				}
				after, ok := allowed[op][n.name]
				if !ok {
					if !errors.Is(err, provider.ErrInvalidState) {
						t.Fatalf("%s from %s: got %v, %v; want an invalid_state error", op, n.name, res, err)
					}
					if op == provider.OpRevoke && n.order.Type != alibabatest.TypeCertificate {
						// Refused by the adapter after its state read
						// (HTTP 200): CancelCertificateForPackageRequest
						// would cancel a pending order, so it is never sent
						// for anything but Type certificate.
						checkProviderError(t, err, op, id, "", 200)
						if sent := sentFor(s, alibabatest.ActionRevoke, id); sent != 0 {
							t.Errorf("%d CancelCertificateForPackageRequest requests sent for a %s order", sent, n.name)
						}
					} else {
						checkProviderError(t, err, op, id, "OrderStateError", 403)
					}
					if got, _ := s.State(id); got != before {
						t.Errorf("order moved from %s to %s after a refused %s", before, got, op)
					}
					return
				}
				if err != nil {
					t.Fatalf("%s from %s: %v", op, n.name, err)
				}
				checkResult(t, res, op, id)
				got, exists := s.State(id)
				switch {
				case op == provider.OpDelete:
					if exists || res.Op != provider.OpDelete {
						t.Errorf("after delete: exists=%v (state %s), Op=%v", exists, got, res.Op)
					}
				case got != after:
					t.Errorf("after %s the order is %s, want %s", op, got, after)
				}
				switch op {
				case provider.OpCancel:
					if res.State != provider.StateCancelled || res.NativeState != "payed" {
						t.Errorf("cancel result state %s/%q, want cancelled/payed", res.State, res.NativeState)
					}
				case provider.OpRevoke:
					if res.State != provider.StateRevoked {
						t.Errorf("revoke result state %s, want revoked", res.State)
					}
				case provider.OpRenew:
					if st, _ := s.State(res.NewID); st != provider.StatePendingApplication {
						t.Errorf("the new order %s is %s, want pending_application", res.NewID, st)
					}
					if err := a.CheckID(res.NewID); err != nil {
						t.Errorf("the new order ID fails CheckID: %v", err)
					}
				}
			})
		}
	}
}

func checkStatus(t *testing.T, s *alibabatest.Server, id string, n native, res *provider.Result, err error, want provider.State) {
	t.Helper()
	if err != nil {
		t.Fatalf("status: %v", err)
	}
	checkResult(t, res, provider.OpStatus, id)
	wantNative := n.order.Type
	if n.order.Status == alibabatest.StatusRevoked {
		// Found among the REVOKED rows of ListUserCertificateOrder;
		// other unknow orders are not searched for and stay unknow.
		wantNative = n.order.Status
	}
	if res.State != want || res.NativeState != wantNative {
		t.Errorf("status = %s/%q, want %s/%q", res.State, res.NativeState, want, wantNative)
	}
	o, _ := s.Order(id)
	switch {
	case n.order.Type == alibabatest.TypeCertificate:
		if !res.NotAfter.Equal(o.NotAfter.Truncate(time.Second)) {
			t.Errorf("NotAfter = %v, want the certificate's %v", res.NotAfter, o.NotAfter)
		}
	case n.order.Status == alibabatest.StatusRevoked:
		// From the list row's CertEndTime, in milliseconds.
		if !res.NotAfter.Equal(o.NotAfter.Truncate(time.Millisecond)) {
			t.Errorf("NotAfter = %v, want the revoked certificate's %v", res.NotAfter, o.NotAfter)
		}
	case !res.NotAfter.IsZero():
		t.Errorf("NotAfter = %v for a %s order, want zero", res.NotAfter, n.order.Type)
	}
}

func checkResult(t *testing.T, res *provider.Result, op provider.Op, id string) {
	t.Helper()
	if res.Origin != "alibaba" || res.ID != id || res.Op != op || res.RequestID == "" {
		t.Errorf("result = %+v, want origin alibaba, ID %s, op %s and a request ID", res, id, op)
	}
}

// checkProviderError checks the fields every adapter error carries.
func checkProviderError(t *testing.T, err error, op provider.Op, id, code string, status int) {
	t.Helper()
	var pe *provider.Error
	if !errors.As(err, &pe) {
		t.Fatalf("%v (%T) is not a *provider.Error", err, err)
	}
	if pe.Op != op || pe.ID != id || pe.Origin != "alibaba" || pe.Code != code || pe.HTTPStatus != status {
		t.Errorf("error = {Op:%s ID:%s Origin:%s Code:%s HTTPStatus:%d}, want {%s %s alibaba %s %d}",
			pe.Op, pe.ID, pe.Origin, pe.Code, pe.HTTPStatus, op, id, code, status)
	}
	if status != 0 && (pe.RequestID == "" || pe.Message == "") {
		t.Errorf("error %+v lacks the request ID or message", pe)
	}
}

// callOp invokes op on a for order id.
func callOp(t *testing.T, a *Adapter, op provider.Op, id string) (*provider.Result, error) {
	return callOpCtx(t.Context(), a, op, id)
}

// TestStatusExpiryWindow checks the issued/expiring/expired boundaries
// against a certificate of known NotAfter, on the adapter's clock.
func TestStatusExpiryWindow(t *testing.T) {
	t.Parallel()
	s := newEmulator(t)
	notAfter := time.Now().Add(400 * 24 * time.Hour).Truncate(time.Second)
	id := s.SeedOrder(alibabatest.Order{Type: alibabatest.TypeCertificate, NotAfter: notAfter})
	for _, tc := range []struct {
		before time.Duration // how long before NotAfter the adapter's clock is
		want   provider.State
	}{
		{ExpiringWindow + time.Second, provider.StateIssued},
		{ExpiringWindow, provider.StateExpiring},
		{time.Second, provider.StateExpiring},
		{0, provider.StateExpired},
		{-time.Hour, provider.StateExpired},
	} {
		now := notAfter.Add(-tc.before)
		a := adapterFor(t, s, WithClock(func() time.Time { return now }), WithPoolSize(1))
		res, err := a.Status(t.Context(), provider.StatusRequest{ID: id})
		if err != nil {
			t.Fatal(err)
		}
		if res.State != tc.want || !res.NotAfter.Equal(notAfter) {
			t.Errorf("%v before NotAfter: %s, NotAfter %v; want %s, %v", tc.before, res.State, res.NotAfter, tc.want, notAfter)
		}
	}
}

func TestLeafNotAfter(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, pem string
		ok        bool
	}{
		{"empty", "", false},
		{"garbage", "not a certificate", false},
		{"wrong block", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", false},
		{"bad DER", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", false},
	} {
		if _, ok := leafNotAfter(tc.pem); ok != tc.ok {
			t.Errorf("%s: ok = %v, want %v", tc.name, ok, tc.ok)
		}
	}
}
