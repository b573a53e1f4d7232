package bench

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// roundsEnv sets how many interleaved rounds BenchmarkOverhead and
// BenchmarkRouting run (default 1). Each round runs every variant once,
// in turn, so slow drift of the machine hits all variants alike.
const roundsEnv = "CERTBROKER_BENCH_ROUNDS"

// rounds reads roundsEnv.
func rounds(b *testing.B) int {
	s := os.Getenv(roundsEnv)
	if s == "" {
		return 1
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		b.Fatalf("%s=%q: want a positive integer", roundsEnv, s)
	}
	return n
}

// sample is one sub-benchmark's result.
type sample struct{ ns, bytes, allocs float64 }

// samples collects the results of sub-benchmarks by variant name, so the
// parent benchmark can report medians and ratios.
type samples map[string][]sample

// loop runs body in b.Loop, after a GC, and records ns/op, B/op and allocs/op under
// name, measured the way the testing package does.
func (s samples) loop(b *testing.B, name string, body func() error) {
	b.ReportAllocs()
	runtime.GC() // start every variant from a collected heap
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for b.Loop() {
		if err := body(); err != nil {
			b.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	n := float64(b.N)
	s[name] = append(s[name], sample{
		ns:     float64(b.Elapsed().Nanoseconds()) / n,
		bytes:  float64(after.TotalAlloc-before.TotalAlloc) / n,
		allocs: float64(after.Mallocs-before.Mallocs) / n,
	})
}

// median returns the median sample of name, taken field by field.
func (s samples) median(name string) sample {
	xs := s[name]
	pick := func(f func(sample) float64) float64 {
		v := make([]float64, len(xs))
		for i, x := range xs {
			v[i] = f(x)
		}
		slices.Sort(v)
		if len(v) == 0 {
			return 0
		}
		if len(v)%2 == 1 {
			return v[len(v)/2]
		}
		return (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	return sample{
		ns:     pick(func(x sample) float64 { return x.ns }),
		bytes:  pick(func(x sample) float64 { return x.bytes }),
		allocs: pick(func(x sample) float64 { return x.allocs }),
	}
}

// table renders the medians of variants relative to base, one line each.
func (s samples) table(base string, variants ...string) string {
	var sb strings.Builder
	bm := s.median(base)
	fmt.Fprintf(&sb, "%-28s %12s %10s %10s %9s %9s  (median of %d)\n",
		"variant", "ns/op", "B/op", "allocs/op", "time×", "allocs×", len(s[base]))
	for _, v := range append([]string{base}, variants...) {
		m := s.median(v)
		fmt.Fprintf(&sb, "%-28s %12.0f %10.0f %10.1f %9.3f %9.3f\n",
			v, m.ns, m.bytes, m.allocs, m.ns/bm.ns, m.allocs/bm.allocs)
	}
	return sb.String()
}
