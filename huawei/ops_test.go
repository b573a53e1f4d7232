package huawei

import (
	"context"
	"testing"
	"time"

	"github.com/certbroker/certbroker/huawei/huaweitest"
	"github.com/certbroker/certbroker/provider"
)

// seedNative is a certificate to seed in the emulator for the matrix.
type seedNative struct {
	name     string
	status   string
	notAfter time.Duration // from now; 0 = the emulator's default
}

func matrixSeeds() []seedNative {
	return []seedNative{
		{"PAID", huaweitest.StatusPaid, 0},
		{"CHECKING", huaweitest.StatusChecking, 0},
		{"CANCELCHECKING", huaweitest.StatusCancelChecking, 0},
		{"UNPASSED", huaweitest.StatusUnpassed, 0},
		{"ISSUED", huaweitest.StatusIssued, 365 * 24 * time.Hour},
		{"ISSUED_expiring", huaweitest.StatusIssued, 15 * 24 * time.Hour},
		{"EXPIRED", huaweitest.StatusExpired, 0},
		{"REVOKING", huaweitest.StatusRevoking, 0},
		{"REVOKED", huaweitest.StatusRevoked, 0},
		{"UPLOAD", huaweitest.StatusUpload, 0},
		{"SUPPLEMENTCHECKING", huaweitest.StatusSupplementChecking, 0},
		{"CANCELSUPPLEMENTING", huaweitest.StatusCancelSupplementing, 0},
	}
}

// outcome of one operation on one native status: the error kind (or
// KindOther for success), the native status afterwards ("" = gone), and
// the state Result.State reports on success.
type matrixWant struct {
	kind   provider.Kind
	after  string
	result provider.State
}

const ok = provider.KindOther

// matrixExpect is the documented behaviour, written out per pair.
func matrixExpect(op provider.Op, seed string) matrixWant {
	native := seed
	if seed == "ISSUED_expiring" {
		native = huaweitest.StatusIssued
	}
	refused := matrixWant{provider.KindInvalidState, native, 0}
	switch op {
	case provider.OpCancel:
		switch seed {
		case "CHECKING":
			return matrixWant{ok, huaweitest.StatusCancelChecking, provider.StateCancelling}
		case "SUPPLEMENTCHECKING":
			return matrixWant{ok, huaweitest.StatusCancelSupplementing, provider.StateCancelling}
		}
	case provider.OpRevoke:
		// Refused in the renewal period (user guide, 吊销SSL证书; H2).
		if native == huaweitest.StatusIssued && seed != "ISSUED_expiring" {
			return matrixWant{ok, huaweitest.StatusRevoking, provider.StateRevoking}
		}
	case provider.OpDelete:
		switch native {
		case huaweitest.StatusIssued, huaweitest.StatusRevoked, huaweitest.StatusExpired, huaweitest.StatusUpload:
			return matrixWant{ok, "", provider.StateUnknown}
		}
	case provider.OpRenew:
		if seed == "ISSUED_expiring" {
			return matrixWant{ok, native, provider.StateExpiring}
		}
	case provider.OpStatus:
		states := map[string]provider.State{
			"PAID": provider.StatePendingApplication, "CHECKING": provider.StateUnderReview,
			"CANCELCHECKING": provider.StateCancelling, "UNPASSED": provider.StateReviewFailed,
			"ISSUED": provider.StateIssued, "ISSUED_expiring": provider.StateExpiring,
			"EXPIRED": provider.StateExpired, "REVOKING": provider.StateRevoking,
			"REVOKED": provider.StateRevoked, "UPLOAD": provider.StateHosted,
			"SUPPLEMENTCHECKING": provider.StateUnderReview, "CANCELSUPPLEMENTING": provider.StateCancelling,
		}
		return matrixWant{ok, native, states[seed]}
	}
	return refused
}

func callOp(ctx context.Context, p provider.Provider, op provider.Op, id string) (*provider.Result, error) {
	switch op {
	case provider.OpCancel:
		return p.Cancel(ctx, provider.CancelRequest{ID: id})
	case provider.OpRevoke:
		return p.Revoke(ctx, provider.RevokeRequest{ID: id, Reason: "keyCompromise"})
	case provider.OpDelete:
		return p.Delete(ctx, provider.DeleteRequest{ID: id})
	case provider.OpRenew:
		return p.Renew(ctx, provider.RenewRequest{ID: id})
	}
	return p.Status(ctx, provider.StatusRequest{ID: id})
}

// TestOperationNativeStatusMatrix runs every operation on a certificate in
// every native status the emulator holds, through the real SDK with
// signatures checked, and compares with the documented behaviour.
func TestOperationNativeStatusMatrix(t *testing.T) {
	t.Parallel()
	for _, op := range provider.Ops() {
		for _, seed := range matrixSeeds() {
			t.Run(string(op)+"/"+seed.name, func(t *testing.T) {
				t.Parallel()
				h := newEmulated(t, true)
				c := huaweitest.Cert{Status: seed.status}
				if seed.notAfter != 0 {
					c.NotAfter = time.Now().Add(seed.notAfter)
				}
				id := h.srv.SeedCert(c)
				want := matrixExpect(op, seed.name)
				res, err := callOp(t.Context(), h.a, op, id)
				if want.kind == ok {
					if err != nil {
						t.Fatalf("got error %v, want success", err)
					}
					if res.State != want.result || res.ID != id || res.Op != op {
						t.Errorf("result %+v, want state %s", res, want.result)
					}
					if res.NativeState != "" && want.after != "" && op != provider.OpRenew && res.NativeState != want.after {
						t.Errorf("NativeState %q, want %q", res.NativeState, want.after)
					}
				} else {
					if pe := asProviderError(t, err); pe.Kind != want.kind {
						t.Fatalf("got %v, want kind %s", err, want.kind)
					}
				}
				got, exists := h.srv.Cert(id)
				switch {
				case want.after == "" && exists:
					t.Errorf("certificate still exists in %s, want it gone", got.Status)
				case want.after != "" && (!exists || got.Status != want.after):
					t.Errorf("certificate afterwards: %q (exists %t), want %s", got.Status, exists, want.after)
				}
				purchases := len(h.srv.Purchases())
				if wantP := map[bool]int{true: 1, false: 0}[op == provider.OpRenew && want.kind == ok]; purchases != wantP {
					t.Errorf("%d purchases, want %d", purchases, wantP)
				}
			})
		}
	}
}
