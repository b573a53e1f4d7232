package huaweitest

import (
	"net/http"
	"testing"

	"github.com/certbroker/certbroker/provider"
)

// TestCancelFailsLate: a withdrawal can fail late (user guide,
// 撤回SSL证书申请; fidelity H12): CANCELCHECKING then settles to ISSUED,
// with a validity, not to PAID. Decided per cancel from the seed, or on
// demand with FailCancel.
func TestCancelFailsLate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		opts     []Option
		onDemand bool
		want     string
	}{
		{"never by default", nil, false, StatusPaid},
		{"always", []Option{WithLateCancelFailure(1)}, false, StatusIssued},
		{"on demand", nil, true, StatusIssued},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, c := newServer(t, tt.opts...)
			id := s.Seed(provider.StateUnderReview)
			if _, err := c.cancel(id); err != nil {
				t.Fatal(err)
			}
			wantNative(t, s, id, StatusCancelChecking)
			if tt.onDemand && !s.FailCancel(id) {
				t.Fatal("FailCancel refused a certificate in CANCELCHECKING")
			}
			s.Settle(id)
			wantNative(t, s, id, tt.want)
			cert, _ := s.Cert(id)
			if tt.want == StatusIssued && (cert.NotAfter.IsZero() || cert.Cancelled) {
				t.Fatalf("late failure left %+v", cert)
			}
			if tt.want == StatusPaid && !cert.Cancelled {
				t.Fatal("a withdrawn application is not marked Cancelled")
			}
		})
	}
	t.Run("FailCancel needs CANCELCHECKING", func(t *testing.T) {
		t.Parallel()
		s, _ := newServer(t)
		if s.FailCancel(s.Seed(provider.StateUnderReview)) || s.FailCancel(s.UnknownID()) {
			t.Fatal("FailCancel accepted a certificate that is not being withdrawn")
		}
	})
}

// TestLateCancelIsSeeded: with a failure probability, the same seed makes
// the same certificates fail, and both outcomes occur.
func TestLateCancelIsSeeded(t *testing.T) {
	t.Parallel()
	run := func() []string {
		s, c := newServer(t, WithSeed(7), WithLateCancelFailure(0.5))
		var out []string
		for range 40 {
			id := s.Seed(provider.StateUnderReview)
			if _, err := c.cancel(id); err != nil {
				t.Fatal(err)
			}
			s.Settle(id)
			cert, _ := s.Cert(id)
			out = append(out, cert.Status)
		}
		return out
	}
	a, b := run(), run()
	seen := map[string]int{}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("cancel %d settled to %s, then %s, under the same seed", i, a[i], b[i])
		}
		seen[a[i]]++
	}
	if seen[StatusPaid] == 0 || seen[StatusIssued] == 0 {
		t.Fatalf("outcomes %v; want both PAID and ISSUED", seen)
	}
}

// TestCancelFromIssuingRefused: cancel from ISSUING ("about to issue") is
// not among the documented prerequisites (user guide, 撤回SSL证书申请;
// fidelity H13); the emulator refuses it [unverified], so an adapter that
// assumes it works is caught.
func TestCancelFromIssuingRefused(t *testing.T) {
	t.Parallel()
	s, c := newServer(t)
	id := s.SeedCert(Cert{Status: StatusIssuing})
	_, err := c.cancel(id)
	wantCode(t, err, http.StatusBadRequest, codeInvalidStatus)
	wantNative(t, s, id, StatusIssuing)
	if st, _ := s.State(id); st != provider.StateUnderReview {
		t.Fatalf("ISSUING reads as %s, want under_review", st)
	}
}
