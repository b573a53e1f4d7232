package alibaba

import (
	"context"
	"testing"
	"time"

	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/provider"
)

// TestAdv2CancelAbortsRevokeRead: a hung state read inside Revoke ends
// with the caller's context (kind canceled: the revocation was not sent),
// the emulator sees the request go away, and no revocation is sent.
func TestAdv2CancelAbortsRevokeRead(t *testing.T) {
	t.Parallel()
	s := newEmulator(t)
	a := adapterFor(t, s)
	id := s.Seed(provider.StateIssued)
	s.InjectFault(alibabatest.Fault{Action: alibabatest.ActionDescribe, Kind: alibabatest.FaultHang, Times: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := a.Revoke(ctx, provider.RevokeRequest{ID: id})
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Revoke took %v", d)
	}
	if provider.KindOf(err) != provider.KindCanceled {
		t.Errorf("kind %v (%v), want canceled", provider.KindOf(err), err)
	}
	if n := sentFor(s, alibabatest.ActionRevoke, id); n != 0 {
		t.Errorf("%d revocations sent", n)
	}
	deadline := time.Now().Add(2 * time.Second)
	for {
		done := true
		for _, r := range s.Requests() {
			done = done && r.Done
		}
		if done {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the emulator still holds the read: the HTTP request was not aborted")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
