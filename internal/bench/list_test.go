package bench

import (
	"context"
	"fmt"
	"runtime"
	"runtime/metrics"
	"testing"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

// BenchmarkListMemory lists N = 10,000 and 100,000 orders through
// broker.List over providertest's Fake, in pages of 1,000, and reports the
// peak heap growth over the listing (peak-MiB), the growth still live
// after it (retained-MiB) and the time per listed entry (ns/entry). The
// baseline is the live heap after the Fake is seeded, so the figures are
// the listing's own: the broker's, and the Fake's per-page work. Each run
// checks that every seeded order was listed exactly once.
//
// Target (issue 13): 100,000 listed in under 64 MiB of peak growth.
func BenchmarkListMemory(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("provider=fake/N=%d", n), func(b *testing.B) {
			fake := providertest.NewFake(providertest.WithOrigin("mem"), providertest.WithCallLogLimit(256))
			ids := make([]string, n)
			for i := range ids {
				ids[i] = fake.SeedWith(providertest.SeedOptions{State: provider.StateIssued, Domains: []string{"www.example.com"}})
			}
			br := broker.New()
			if err := br.Register("mem", fake); err != nil {
				b.Fatal(err)
			}
			s := []metrics.Sample{{Name: heapObjects}}
			var peak, retained uint64
			for b.Loop() {
				// unlisted holds the orders not listed yet; each entry
				// listed is deleted from it, which allocates nothing, so
				// an entry missing from it was listed twice or never seeded.
				unlisted := make(map[string]struct{}, n)
				for _, id := range ids {
					unlisted[id] = struct{}{}
				}
				runtime.GC()
				base := heapNow(s)
				listed := 0
				for it := range br.List(context.Background(), provider.ListRequest{PageSize: 1000}) {
					if it.Err != nil {
						b.Fatal(it.Err)
					}
					if _, ok := unlisted[it.Entry.ID]; !ok {
						b.Fatalf("listed %q twice, or it was never seeded", it.Entry.ID)
					}
					delete(unlisted, it.Entry.ID)
					listed++
					if listed%256 == 0 {
						peak = max(peak, heapNow(s)-min(heapNow(s), base))
					}
				}
				peak = max(peak, heapNow(s)-min(heapNow(s), base))
				if listed != n || len(unlisted) != 0 {
					b.Fatalf("listed %d, %d never listed; want all %d once", listed, len(unlisted), n)
				}
				runtime.GC()
				retained = heapNow(s) - min(heapNow(s), base)
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
			b.ReportMetric(float64(retained)/(1<<20), "retained-MiB")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/entry")
			runtime.KeepAlive(fake)
		})
	}
}
