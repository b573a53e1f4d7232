package reliability

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/internal/faultinject"
	"github.com/certbroker/certbroker/provider"
)

// cancelBound is the generous bound on how long a call may take to
// return once its context is cancelled: only a call that ignores the
// cancellation (and waits for the adapter's 30 s default timeout) exceeds
// it. The target is 50 ms; the measured figure is logged, and
// BenchmarkCancelLatency in internal/bench reports it.
const cancelBound = 2 * time.Second

// TestCancelHanging cancels calls held by a hanging emulator, for both
// clouds, a read and a mutating operation, called on the adapter and
// through the broker. The call must return within cancelBound with
// context.Canceled in its chain, and the emulator side must see the
// client close its connection (observed by a proxy in front of the
// emulator), with the request logged as held by the hang and never
// answered.
func TestCancelHanging(t *testing.T) {
	t.Parallel()
	type call func(ctx context.Context, b *backend, br *broker.Broker, id string) error
	direct := map[provider.Op]call{
		provider.OpStatus: func(ctx context.Context, b *backend, _ *broker.Broker, id string) error {
			_, err := b.p.Status(ctx, provider.StatusRequest{ID: id})
			return err
		},
		provider.OpRevoke: func(ctx context.Context, b *backend, _ *broker.Broker, id string) error {
			_, err := b.p.Revoke(ctx, provider.RevokeRequest{ID: id, Reason: "cancel test"})
			return err
		},
	}
	viaBroker := map[provider.Op]call{
		provider.OpStatus: func(ctx context.Context, b *backend, br *broker.Broker, id string) error {
			_, err := br.Status(ctx, b.origin, provider.StatusRequest{ID: id})
			return err
		},
		provider.OpRevoke: func(ctx context.Context, b *backend, br *broker.Broker, id string) error {
			_, err := br.Revoke(ctx, b.origin, provider.RevokeRequest{ID: id, Reason: "cancel test"})
			return err
		},
	}
	for _, cloud := range []string{"alibaba", "huawei"} {
		for _, path := range []string{"adapter", "broker"} {
			for _, op := range []provider.Op{provider.OpStatus, provider.OpRevoke} {
				t.Run(cloud+"/"+path+"/"+string(op), func(t *testing.T) {
					t.Parallel()
					fn := direct[op]
					if path == "broker" {
						fn = viaBroker[op]
					}
					elapsed := cancelOne(t, cloud, op, fn)
					t.Logf("returned %v after cancel (target 50ms)", elapsed.Round(10*time.Microsecond))
				})
			}
		}
	}
}

// cancelOne runs one case of TestCancelHanging and returns how long the
// call took to return after the cancel.
func cancelOne(t *testing.T, cloud string, op provider.Op,
	fn func(context.Context, *backend, *broker.Broker, string) error) time.Duration {
	t.Helper()
	var proxy *watchProxy
	via := func(u string) string {
		var pu string
		proxy, pu = newWatchProxy(t, u)
		return pu
	}
	var b *backend
	switch cloud {
	case "alibaba":
		b, _ = newAlibaba(t, aliOptions{origin: cloud, via: via})
	default:
		b, _ = newHuawei(t, hwOptions{origin: cloud, via: via})
	}
	br := broker.New()
	if err := br.Register(b.origin, b.p, broker.WithRate(broker.Unlimited, 1)); err != nil {
		t.Fatal(err)
	}
	id := b.seed(provider.StateIssued)
	b.inject(faultinject.Fault{Kind: faultinject.Hang})
	before := b.requests()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type ret struct {
		err error
		at  time.Time
	}
	done := make(chan ret, 1)
	go func() {
		err := fn(ctx, b, br, id)
		done <- ret{err, time.Now()}
	}()
	wctx, wcancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer wcancel()
	if err := b.wait(wctx, before+1); err != nil {
		t.Fatalf("the request never reached the emulator: %v", err)
	}
	// The emulator logs a request when it arrives and notes its fault a
	// moment later, once it has read and checked it; a cancel in between
	// would end the request before the hang holds it. Cancel only once the
	// hang is recorded.
	for {
		if _, f := b.last(); f == faultinject.Hang {
			break
		}
		select {
		case <-wctx.Done():
			t.Fatalf("the request was never held by the hang")
		case <-time.After(time.Millisecond):
		}
	}
	cancelled := time.Now()
	cancel()

	var r ret
	select {
	case r = <-done:
	case <-time.After(cancelBound):
		t.Fatalf("the call did not return within %v of the cancel", cancelBound)
	}
	elapsed := r.at.Sub(cancelled)
	if r.err == nil || !errors.Is(r.err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled in the chain", r.err)
	}
	want := provider.KindUnavailable
	if op.Mutating() {
		want = provider.KindOutcomeUnknown
	}
	if k := provider.KindOf(r.err); k != want && k != provider.KindCanceled {
		t.Errorf("kind %v, want %v (or canceled)", k, want)
	}

	select {
	case <-proxy.gone:
	case <-time.After(cancelBound):
		t.Fatalf("the emulator side never saw the client close its connection")
	}
	if n := b.requests(); n != before+1 {
		t.Errorf("%d requests reached the emulator, want 1 (the call must not be retried after the cancel)", n-before)
	}
	if status, fault := b.last(); status != 0 || fault != faultinject.Hang {
		t.Errorf("the held request was logged with status %d, fault %v; want no response and the hang", status, fault)
	}
	return elapsed
}
