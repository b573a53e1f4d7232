// Command bulkbench measures bulk renewal throughput through the broker
// against both cloud emulators, and prints the figures.
//
// It seeds -n expiring orders on an Alibaba emulator and -n on a Huawei
// emulator (Huawei renews by purchase), injects -latency on every request
// of both, limits the order-creating API of each emulator to -qps
// requests per second (Alibaba RenewCertificateOrderForPackageRequest,
// Huawei purchase; with -quota-all also Huawei's details and list reads),
// gives the broker the same per-origin rate, and renews all 2×n orders in
// one broker.Do. It then reports the elapsed time against the ideal, the
// outcomes, the throttling the emulators answered and whether any of it
// reached the caller, and checks that each emulator created exactly n
// renewal orders. The broker's rate counts HTTP requests, so the ideal is
// the slowest origin's: the requests it received divided by qps (a Huawei
// renewal is three requests: details, buy, and a read of the new
// certificate).
//
//	go run ./internal/bench/cmd/bulkbench
//	go run ./internal/bench/cmd/bulkbench -n 1000 -latency 20ms -qps 200 -burst 1
//
// Everything runs on loopback in this one process.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
)

// params are the command-line settings.
type params struct {
	n           int
	latency     time.Duration
	qps         float64
	burst       int
	concurrency int
	quotaAll    bool
}

func main() {
	var p params
	flag.IntVar(&p.n, "n", 1000, "expiring orders per cloud")
	flag.DurationVar(&p.latency, "latency", 20*time.Millisecond, "latency injected on every emulator request")
	flag.Float64Var(&p.qps, "qps", 200, "quota per origin, requests per second (emulator SetQPS and broker WithRate)")
	flag.IntVar(&p.burst, "burst", 1, "burst of the broker's per-origin rate")
	flag.IntVar(&p.concurrency, "concurrency", 64, "broker concurrency")
	flag.BoolVar(&p.quotaAll, "quota-all", false, "also limit Huawei's details and list reads to -qps each")
	flag.Parse()
	if err := run(p); err != nil {
		fmt.Fprintln(os.Stderr, "bulkbench:", err)
		os.Exit(1)
	}
}

// run performs one measurement and prints it.
func run(p params) error {
	env, err := newEnv(p)
	if err != nil {
		return err
	}
	defer env.close()

	br := broker.New(broker.WithConcurrency(p.concurrency))
	for _, c := range env.clouds {
		if err := br.Register(c.origin, c.p, broker.WithRate(p.qps, p.burst)); err != nil {
			return err
		}
	}
	refs := env.refs()

	var mu sync.Mutex
	lastDone := map[string]time.Duration{}
	start := time.Now()
	items, _ := br.Do(context.Background(), provider.RenewRequest{}, refs, broker.BulkOptions{Progress: func(pr broker.Progress) {
		mu.Lock()
		lastDone[pr.Origin] = time.Since(start)
		mu.Unlock()
	},
	})
	elapsed := time.Since(start)

	var ideal time.Duration
	for _, c := range env.clouds {
		_, total := c.throttled()
		ideal = max(ideal, time.Duration(float64(total)/p.qps*float64(time.Second)))
	}
	fmt.Printf("bulkbench: %d renewals (%d per cloud), latency %v per request, quota %.0f/s per origin (broker burst %d), concurrency %d\n",
		len(refs), p.n, p.latency, p.qps, p.burst, p.concurrency)
	fmt.Printf("machine: %d CPUs, %s\n", runtime.NumCPU(), runtime.Version())
	fmt.Printf("elapsed %.3fs, ideal %.3fs (the slowest origin's requests / its quota), ratio %.4f\n",
		elapsed.Seconds(), ideal.Seconds(), elapsed.Seconds()/ideal.Seconds())

	outcomes := map[string]map[string]int{}
	retried := map[string]int{}
	for _, it := range items {
		o := it.Ref.Origin
		if outcomes[o] == nil {
			outcomes[o] = map[string]int{}
		}
		if it.Err != nil {
			outcomes[o][provider.KindOf(it.Err).String()]++
		} else {
			outcomes[o]["ok"]++
		}
		if it.Attempts > 1 {
			retried[o]++
		}
	}
	var failed bool
	for _, c := range env.clouds {
		o := c.origin
		throttled, total := c.throttled()
		fmt.Printf("%-8s last item done at %.3fs (its own ideal %.3fs); outcomes %v; items retried %d; "+
			"emulator requests %d, answered throttling %d; renewal orders created %d\n",
			o, lastDone[o].Seconds(), float64(total)/p.qps, sorted(outcomes[o]), retried[o], total, throttled, c.renewals())
		if outcomes[o]["throttled"] > 0 || outcomes[o]["ok"] != p.n || c.renewals() != p.n {
			failed = true
		}
	}
	if failed {
		return fmt.Errorf("not every renewal succeeded exactly once (see above)")
	}
	return nil
}

// sorted renders a count map in key order.
func sorted(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	s := ""
	for i, k := range keys {
		if i > 0 {
			s += " "
		}
		s += fmt.Sprintf("%s=%d", k, m[k])
	}
	return s
}
