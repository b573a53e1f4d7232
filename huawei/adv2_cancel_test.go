package huawei

import (
	"context"
	"testing"
	"time"

	"github.com/certbroker/certbroker/huawei/huaweitest"
	"github.com/certbroker/certbroker/provider"
)

// TestAdv2CancelAbortsReadsInRenew: a hung details read inside Renew
// (before the purchase, and the paid-check after it) ends when the
// caller's context ends, and the emulator sees the request go away.
func TestAdv2CancelAbortsReadsInRenew(t *testing.T) {
	t.Parallel()
	for _, after := range []bool{false, true} {
		h := newEmulated(t, true)
		id := h.srv.SeedCert(huaweitest.Cert{Status: huaweitest.StatusIssued, Brand: "GEOTRUST", Type: "DV_SSL_CERT",
			DomainType: "SINGLE_DOMAIN", DomainCount: 1, NotAfter: time.Now().Add(20 * 24 * time.Hour)})
		times := 1
		if after {
			// the first details read passes, the second (paid check) hangs
			h.srv.InjectFault(huaweitest.Fault{Action: huaweitest.ActionDetails, Kind: huaweitest.FaultLatency, Times: 1})
		}
		h.srv.InjectFault(huaweitest.Fault{Action: huaweitest.ActionDetails, Kind: huaweitest.FaultHang, Times: times})
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		start := time.Now()
		res, err := h.a.Renew(ctx, provider.RenewRequest{ID: id})
		cancel()
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("after=%v: Renew took %v after the context ended", after, d)
		}
		if !after && provider.KindOf(err) != provider.KindCanceled {
			t.Errorf("after=%v: kind %v (%v), want canceled", after, provider.KindOf(err), err)
		}
		if after && (err != nil || res.NewID == "") {
			t.Errorf("after=%v: %v %+v: want success with NewID (the purchase was made)", after, err, res)
		}
		deadline := time.Now().Add(2 * time.Second)
		for {
			done := true
			for _, r := range h.srv.Requests() {
				done = done && r.Done
			}
			if done {
				break
			}
			if time.Now().After(deadline) {
				t.Errorf("after=%v: the emulator still holds a request: the HTTP request was not aborted", after)
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}
