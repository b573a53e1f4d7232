package broker_test

import (
	"context"
	"testing"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

// BenchmarkFakeStatus is the baseline: the Fake's own cost per Status.
func BenchmarkFakeStatus(b *testing.B) {
	f := providertest.NewFake()
	id := f.Seed(provider.StateIssued)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.Status(ctx, provider.StatusRequest{ID: id}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRoute is one Status through the broker (routing, rate limiter,
// retry bookkeeping, logging checks) to the Fake. Subtract
// BenchmarkFakeStatus for the broker's own cost.
func BenchmarkRoute(b *testing.B) {
	f := providertest.NewFake()
	id := f.Seed(provider.StateIssued)
	br := broker.New()
	for _, name := range []string{"alibaba", "alibaba-test", "huawei"} {
		if err := br.Register(name, f); err != nil {
			b.Fatal(err)
		}
	}
	ref := provider.Ref{Origin: "alibaba", ID: id}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := br.Status(ctx, ref.Origin, provider.StatusRequest{ID: ref.ID}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRouteNull is BenchmarkRoute with a provider that costs nothing
// but its Result, to show the broker's own cost alone.
func BenchmarkRouteNull(b *testing.B) {
	br := broker.New()
	if err := br.Register("null", nullProvider{}, broker.WithRate(1e12, 1)); err != nil {
		b.Fatal(err)
	}
	ref := provider.Ref{Origin: "null", ID: "id-1"}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := br.Status(ctx, ref.Origin, provider.StatusRequest{ID: ref.ID}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStream100k streams 100,000 Status operations at concurrency 64
// through a provider that costs nothing, and reports the peak heap growth.
func BenchmarkStream100k(b *testing.B) {
	const n = 100_000
	b.ReportAllocs()
	var peak uint64
	for b.Loop() {
		p, inOrder, err := streamPeak(b, "null", n)
		if err != nil || inOrder != n {
			b.Fatalf("err %v, %d in order", err, inOrder)
		}
		peak = max(peak, p)
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/item")
}
