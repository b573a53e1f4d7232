package broker_test

import (
	"context"
	"testing"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

// TestAdvAuthLongRunReprobes: one bulk run that lasts longer than the
// gate's five-minute pause (its good origin is rate-limited to 1
// request/s and the refs of both origins are interleaved). Promise 5 as
// stated: at most 3 requests reach an origin with bad credentials in a
// bulk run. Actual: every five minutes of the run one more request is
// sent to the bad origin (a 20-minute run sends 6). This is what
// WithAuthFailureLimit documents ("for five minutes; then one request may
// probe it again"). The broker now stops probing for good at five failures
// in a row (Huawei locks a key after more than five), so however long the
// run, at most five requests reach the origin.
func TestAdvAuthLongRunReprobes(t *testing.T) {
	b, _ := fastBroker(t, broker.WithConcurrency(1))
	bad, good := fakeAt("bad", nil), fakeAt("good", nil)
	register(t, b, "bad", bad)
	register(t, b, "good", good, broker.WithRate(1, 1))
	bad.InjectError(providertest.AllOps, provider.ErrUnauthorized)
	var refs []provider.Ref
	for range 1200 {
		refs = append(refs, provider.Ref{Origin: "bad", ID: bad.Seed(provider.StateIssued)},
			provider.Ref{Origin: "good", ID: good.Seed(provider.StateIssued)})
	}
	_, _ = advDo(b, context.Background(), provider.OpStatus, refs, broker.BulkOptions{})
	const hardLimit = 5 // broker's authHardLimit
	if n := bad.CallCount(); n > hardLimit {
		t.Errorf("one bulk run sent %d requests to the origin with bad credentials, want at most %d", n, hardLimit)
	}
}
