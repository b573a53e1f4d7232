package bench

import (
	"context"
	"fmt"
	"iter"
	"runtime"
	"runtime/metrics"
	"strconv"
	"testing"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

// heapObjects is the runtime metric sampled for the peak: bytes in heap
// objects, live or not yet swept (what the heap really holds).
const heapObjects = "/memory/classes/heap/objects:bytes"

// heapNow reads heapObjects.
func heapNow(s []metrics.Sample) uint64 {
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// refsOf yields n distinct references to origin: ids in order, or, with
// ids nil, "n-<i>" generated lazily so that the input itself takes no
// memory. (Distinct, since a bulk call sends a repeated ref only once.)
func refsOf(origin string, ids []string, n int) iter.Seq[provider.Ref] {
	return func(yield func(provider.Ref) bool) {
		for i := range n {
			id := "n-" + strconv.Itoa(i)
			if ids != nil {
				id = ids[i]
			}
			if !yield(provider.Ref{Origin: origin, ID: id}) {
				return
			}
		}
	}
}

// streamFigures is what one streamed run measured.
type streamFigures struct {
	peak     uint64 // highest heapObjects sample, minus the baseline
	retained uint64 // live heap after the run and a GC, minus the baseline
	items    int
}

// streamOnce streams n Status operations over p at concurrency 64 and
// samples the heap every 256 emitted items. The baseline is the live
// heap after a GC just before the run.
func streamOnce(b *testing.B, p provider.Provider, ids []string, n int) streamFigures {
	br := broker.New(broker.WithConcurrency(64))
	if err := br.Register("mem", p); err != nil {
		b.Fatal(err)
	}
	s := []metrics.Sample{{Name: heapObjects}}
	runtime.GC()
	base := heapNow(s)
	f := streamFigures{}
	next := 0
	var bad error
	err := br.Stream(context.Background(), provider.StatusRequest{}, refsOf("mem", ids, n), broker.BulkOptions{},
		func(it broker.Item) {
			if (it.Index != next || it.Err != nil) && bad == nil {
				bad = fmt.Errorf("item %d (want %d): %v", it.Index, next, it.Err)
			}
			next++
			f.items++
			if f.items%256 == 0 {
				f.peak = max(f.peak, heapNow(s)-min(heapNow(s), base))
			}
		})
	if err != nil || bad != nil {
		b.Fatal(err, bad)
	}
	f.peak = max(f.peak, heapNow(s)-min(heapNow(s), base))
	runtime.GC()
	f.retained = heapNow(s) - min(heapNow(s), base)
	runtime.KeepAlive(p)
	return f
}

// BenchmarkStreamMemory streams N = 10,000 and 100,000 references through
// one bulk Status at concurrency 64 and reports the peak heap growth over
// the run (peak-MiB) and the growth still live after it (retained-MiB),
// with two providers:
//
//   - fake: providertest's Fake (N seeded orders, one per reference), with its
//     call log bounded to the last fakeCallLog calls
//     (providertest.WithCallLogLimit) so that it does not grow with N; the
//     run checks the Fake's CallCount instead.
//   - null: a provider that allocates only its Result, so the figures are
//     the broker's own.
//
// Target: peak under 64 MiB. Since a bulk call sends each distinct
// reference once, Stream keeps a 128-bit hash per distinct reference, so
// the peak grows with N by about that much.
func BenchmarkStreamMemory(b *testing.B) {
	const fakeCallLog = 256
	for _, prov := range []string{"fake", "null"} {
		for _, n := range []int{10_000, 100_000} {
			b.Run(fmt.Sprintf("provider=%s/N=%d", prov, n), func(b *testing.B) {
				var last streamFigures
				var peak uint64
				for b.Loop() {
					var p provider.Provider = nullProvider{}
					var fake *providertest.Fake
					var ids []string
					if prov == "fake" {
						fake = providertest.NewFake(providertest.WithOrigin("mem"), providertest.WithCallLogLimit(fakeCallLog))
						ids = make([]string, n)
						for i := range ids {
							ids[i] = fake.Seed(provider.StateIssued)
						}
						p = fake
					}
					last = streamOnce(b, p, ids, n)
					peak = max(peak, last.peak)
					if fake != nil && fake.CallCount() != n {
						b.Fatalf("the Fake counted %d calls, want %d", fake.CallCount(), n)
					}
				}
				if last.items != n {
					b.Fatalf("%d items emitted, want %d", last.items, n)
				}
				b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
				b.ReportMetric(float64(last.retained)/(1<<20), "retained-MiB")
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/item")
			})
		}
	}
}
