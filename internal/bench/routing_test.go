package bench

import (
	"context"
	"fmt"
	"testing"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

// nullProvider answers every call at once with a fresh Result and no
// other work, so that the broker's own cost stands alone.
type nullProvider struct{}

func (nullProvider) result(op provider.Op, id string) *provider.Result {
	return &provider.Result{Origin: "null", ID: id, Op: op, State: provider.StateIssued}
}

func (p nullProvider) Cancel(_ context.Context, r provider.CancelRequest) (*provider.Result, error) {
	return p.result(provider.OpCancel, r.ID), nil
}

func (p nullProvider) Revoke(_ context.Context, r provider.RevokeRequest) (*provider.Result, error) {
	return p.result(provider.OpRevoke, r.ID), nil
}

func (p nullProvider) Delete(_ context.Context, r provider.DeleteRequest) (*provider.Result, error) {
	return p.result(provider.OpDelete, r.ID), nil
}

func (p nullProvider) Renew(_ context.Context, r provider.RenewRequest) (*provider.Result, error) {
	return p.result(provider.OpRenew, r.ID), nil
}

func (p nullProvider) Status(_ context.Context, r provider.StatusRequest) (*provider.Result, error) {
	return p.result(provider.OpStatus, r.ID), nil
}

func (nullProvider) Capabilities() provider.Capabilities {
	all := provider.OpCapability{Supported: true, From: provider.States(), Lands: provider.StateIssued, Settles: provider.StateIssued}
	return provider.Capabilities{Cancel: all, Revoke: all, Delete: all, Renew: all}
}

// routingEnv is a broker with three origins registered to one Fake (as
// several accounts of one cloud might be) and one to a null provider.
type routingEnv struct {
	fake    *providertest.Fake
	id      string
	null    provider.Provider
	br      *broker.Broker
	fakeRef provider.Ref
	nullRef provider.Ref
}

func newRoutingEnv(b *testing.B) *routingEnv {
	fake := providertest.NewFake(providertest.WithOrigin("alibaba"))
	e := &routingEnv{fake: fake, id: fake.Seed(provider.StateIssued), null: opaque(nullProvider{}), br: broker.New()}
	for _, name := range []string{"alibaba", "alibaba-test", "huawei"} {
		if err := e.br.Register(name, fake); err != nil {
			b.Fatal(err)
		}
	}
	if err := e.br.Register("null", nullProvider{}); err != nil {
		b.Fatal(err)
	}
	e.fakeRef = provider.Ref{Origin: "alibaba", ID: e.id}
	e.nullRef = provider.Ref{Origin: "null", ID: "n-1"}
	return e
}

// BenchmarkRouting measures the broker's own cost per operation: a Status
// made directly on providertest's Fake and through a broker with three
// origins registered (the Fake under them), and the same with a provider
// that does nothing but allocate its Result. Rounds interleave as in
// BenchmarkOverhead; the medians and the differences (broker minus
// direct) are printed at the end. Targets: under 1 µs and at most 2
// allocations per operation beyond the provider.
//
// The Fake logs every call it receives, so its cost grows with the
// number of calls made on it. Each sub-benchmark therefore gets a fresh
// Fake and broker, and runs should use a fixed iteration count
// (-benchtime=100000x) so that both paths see a log of the same length.
func BenchmarkRouting(b *testing.B) {
	ctx := context.Background()
	variants := []struct {
		name string
		call func(*routingEnv) error
	}{
		{"fake_direct", func(e *routingEnv) error { _, err := e.fake.Status(ctx, provider.StatusRequest{ID: e.id}); return err }},
		{"fake_broker", func(e *routingEnv) error {
			_, err := e.br.Status(ctx, e.fakeRef.Origin, provider.StatusRequest{ID: e.fakeRef.ID})
			return err
		}},
		{"null_direct", func(e *routingEnv) error { _, err := e.null.Status(ctx, provider.StatusRequest{ID: "n-1"}); return err }},
		{"null_broker", func(e *routingEnv) error {
			_, err := e.br.Status(ctx, e.nullRef.Origin, provider.StatusRequest{ID: e.nullRef.ID})
			return err
		}},
	}
	res := samples{}
	for r := 1; r <= rounds(b); r++ {
		for _, v := range variants {
			b.Run(fmt.Sprintf("round=%d/path=%s", r, v.name), func(b *testing.B) {
				e := newRoutingEnv(b)
				res.loop(b, v.name, func() error { return v.call(e) })
			})
		}
	}
	fmt.Printf("--- routing\n%s", res.table("fake_direct", "fake_broker", "null_direct", "null_broker"))
	for _, pair := range [][2]string{{"fake_direct", "fake_broker"}, {"null_direct", "null_broker"}} {
		d, w := res.median(pair[0]), res.median(pair[1])
		fmt.Printf("broker cost over %s: %+.0f ns/op, %+.1f allocs/op, %+.0f B/op\n",
			pair[0], w.ns-d.ns, w.allocs-d.allocs, w.bytes-d.bytes)
	}
}

// opaque hides p's concrete type from the compiler, which would otherwise
// devirtualise the direct calls and keep their Result on the stack.
//
//go:noinline
func opaque(p provider.Provider) provider.Provider { return p }
