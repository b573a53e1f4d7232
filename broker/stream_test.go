package broker_test

import (
	"context"
	"iter"
	"runtime"
	"strconv"
	"testing"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
)

// refSeq yields n references to origin, generated on the fly.
func refSeq(origin string, n int) iter.Seq[provider.Ref] {
	return func(yield func(provider.Ref) bool) {
		for i := range n {
			if !yield(provider.Ref{Origin: origin, ID: "id-" + strconv.Itoa(i)}) {
				return
			}
		}
	}
}

// streamPeak streams n references at concurrency 64 and returns the peak
// growth of HeapInuse seen while items were emitted, and the number of
// items emitted in order.
func streamPeak(tb testing.TB, origin string, n int) (peak uint64, inOrder int, err error) {
	b := broker.New(broker.WithConcurrency(64))
	register(tb, b, "null", nullProvider{})
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	sample := func() {
		runtime.ReadMemStats(&ms)
		if ms.HeapInuse > base {
			peak = max(peak, ms.HeapInuse-base)
		}
	}
	err = b.Stream(context.Background(), provider.StatusRequest{}, refSeq(origin, n), broker.BulkOptions{}, func(it broker.Item) {
		if it.Index == inOrder {
			inOrder++
		}
		if it.Index%5000 == 0 {
			sample()
		}
	})
	sample()
	return peak, inOrder, err
}

// TestStream100kMemory streams 100,000 references, all succeeding or all
// failing, and checks that the heap stays bounded. Not parallel: it
// measures the heap.
func TestStream100kMemory(t *testing.T) {
	const n, limit = 100_000, 16 << 20 // the brief allows 64 MiB; holding every item would take about 25
	for _, tc := range []struct {
		name, origin string
		fail         bool
	}{{"succeeding", "null", false}, {"failing", "unregistered", true}} {
		peak, inOrder, err := streamPeak(t, tc.origin, n)
		t.Logf("%s: peak HeapInuse growth %.1f MiB", tc.name, float64(peak)/(1<<20))
		if inOrder != n {
			t.Errorf("%s: %d of %d items emitted in order", tc.name, inOrder, n)
		}
		if (err != nil) != tc.fail {
			t.Errorf("%s: err = %v", tc.name, err)
		}
		if peak >= limit {
			t.Errorf("%s: heap grew by %d bytes, want under %d", tc.name, peak, limit)
		}
	}
}
