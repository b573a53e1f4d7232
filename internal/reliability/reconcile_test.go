package reliability

import (
	"context"
	"testing"
	"time"

	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/huawei/huaweitest"
	"github.com/certbroker/certbroker/internal/faultinject"
	"github.com/certbroker/certbroker/provider"
)

// TestReconcileClaimsOnlyWhatHappened is the fault matrix's rarest
// inconsistency made deterministic. A Cancel is sent for an order that
// was never under review (a fresh pending-application order, which the
// cloud refuses to cancel); the refusal's response is lost (an HTTP 500
// after the state machine ran), so the outcome is unknown; the broker's
// retry is refused for the order's state and it reconciles by reading
// Status. Neither cloud tells a cancelled order from a fresh one, so the
// order reads pending_application either way. The broker may report
// the Cancel as failed or as outcome-unknown, but it must not report
// success: the emulator shows the order was never cancelled (and, at
// Alibaba, a Delete that a real cancel would allow is still refused).
func TestReconcileClaimsOnlyWhatHappened(t *testing.T) {
	t.Parallel()
	for _, cloud := range []string{"alibaba", "huawei"} {
		t.Run(cloud, func(t *testing.T) {
			t.Parallel()
			var b *backend
			action := ""
			switch cloud {
			case "alibaba":
				b, _ = newAlibaba(t, aliOptions{origin: cloud})
				action = alibabatest.ActionCancel
			default:
				b, _ = newHuawei(t, hwOptions{origin: cloud})
				action = huaweitest.ActionCancelCert
			}
			id := b.seed(provider.StatePendingApplication)
			b.inject(faultinject.Fault{Action: action, Kind: faultinject.ServerError, AfterApply: true, Times: 1})
			br := broker.New(broker.WithRetry(func(p *broker.RetryPolicy) { p.BackoffBase, p.BackoffMax = time.Millisecond, time.Millisecond }))
			if err := br.Register(b.origin, b.p, broker.WithRate(broker.Unlimited, 1)); err != nil {
				t.Fatal(err)
			}
			res, err := br.Cancel(context.Background(), b.origin, provider.CancelRequest{ID: id})
			b.settle()
			st, _ := b.state(id)
			if err == nil && st != provider.StateCancelled {
				t.Errorf("Cancel reported success (AlreadyDone %v, state %v), but the order was never cancelled: the emulator holds it in %v",
					res.AlreadyDone, res.State, st)
			}
			if err != nil {
				t.Logf("reported %v: %v", provider.KindOf(err), err)
			}
		})
	}
}
