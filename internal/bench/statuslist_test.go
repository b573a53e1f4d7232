package bench

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/certbroker/certbroker/alibaba"
	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/huawei"
	"github.com/certbroker/certbroker/huawei/huaweitest"
	"github.com/certbroker/certbroker/provider"
)

// statusOrdersEnv sets how many orders BenchmarkBulkStatus seeds and asks
// for per cloud (default 10,000).
const statusOrdersEnv = "CERTBROKER_BENCH_ORDERS"

// statusEnv is one cloud's emulator with its orders, behind a broker.
type statusEnv struct {
	cloud    string
	br       *broker.Broker
	refs     []provider.Ref
	requests func() int // the emulator's request count
	pageRows int        // rows one list request asks the cloud for
	rate     float64    // the documented rate of the Status API, per second
}

// bulkStatusEnvs seeds n orders in every state of each emulator, with the
// broker's pacing off (the emulators enforce no quota here), so the
// figures are the requests' own.
func bulkStatusEnvs(b *testing.B, n int) []statusEnv {
	ali := alibabatest.NewServer()
	b.Cleanup(ali.Close)
	hw := huaweitest.NewServer()
	b.Cleanup(hw.Close)
	aa, err := alibaba.New(alibaba.Config{Endpoint: ali.URL(), AccessKeyID: ali.AccessKeyID(), AccessKeySecret: ali.AccessKeySecret()})
	if err != nil {
		b.Fatal(err)
	}
	ha, err := huawei.New(huawei.Config{Endpoint: hw.URL(), ProjectID: hw.ProjectID(), AK: hw.AccessKeyID(), SK: hw.AccessKeySecret()})
	if err != nil {
		b.Fatal(err)
	}
	var envs []statusEnv
	for _, e := range []struct {
		cloud    string
		p        provider.Provider
		seed     func(provider.State) string
		states   []provider.State
		count    func() int
		pageRows int
		rate     float64
	}{
		// Alibaba: DescribeCertificateState and ListUserCertificateOrder
		// are 10/s each (CAS quota page); the list asks 100 rows a page.
		{"alibaba", aa, ali.Seed, alibabatest.States(), ali.RequestCount, 100, 10},
		// Huawei: the gateway's 200/s per API, of which the adapter
		// advises a tenth; the list asks 50 rows a request.
		{"huawei", ha, hw.Seed, huaweitest.States(), hw.RequestCount, 50, 20},
	} {
		br := broker.New(broker.WithConcurrency(16))
		if err := br.Register(e.cloud, e.p, broker.WithRate(broker.Unlimited, 1)); err != nil {
			b.Fatal(err)
		}
		refs := make([]provider.Ref, n)
		for i := range refs {
			refs[i] = provider.Ref{Origin: e.cloud, ID: e.seed(e.states[i%len(e.states)])}
		}
		envs = append(envs, statusEnv{cloud: e.cloud, br: br, refs: refs, requests: e.count, pageRows: e.pageRows, rate: e.rate})
	}
	return envs
}

// BenchmarkBulkStatus compares, side by side in one run against the
// emulators, a bulk Status of N orders (default 10,000; set
// CERTBROKER_BENCH_ORDERS) read through each cloud's list (broker.Do's
// default) with one Status request per order (BulkOptions.StatusEach),
// over the real adapters, SDKs and loopback HTTP. It reports the requests
// each takes (requests/op), the bound for the listing (1.2 × N /
// rows per list request), and the time the requests would take at the
// cloud's documented rate (s-at-quota), and checks that both read the
// same state and NotAfter (to the second) for every order for every order.
func BenchmarkBulkStatus(b *testing.B) {
	n := 10_000
	if s := os.Getenv(statusOrdersEnv); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 {
			b.Fatalf("%s=%q: want a positive integer", statusOrdersEnv, s)
		}
		n = v
	}
	ctx := context.Background()
	res := samples{}
	reqs := map[string]float64{}
	for _, env := range bulkStatusEnvs(b, n) {
		var want []broker.Item
		for r := 1; r <= rounds(b); r++ {
			for _, path := range []struct {
				name string
				opts broker.BulkOptions
			}{{"each", broker.BulkOptions{StatusEach: true}}, {"list", broker.BulkOptions{}}} {
				name := env.cloud + "/" + path.name
				b.Run(fmt.Sprintf("cloud=%s/round=%d/path=%s", env.cloud, r, path.name), func(b *testing.B) {
					var sent int
					res.loop(b, name, func() error {
						before := env.requests()
						items, err := env.br.Do(ctx, provider.StatusRequest{}, env.refs, path.opts)
						sent = env.requests() - before
						if err != nil {
							return err
						}
						if want == nil {
							want = items
						}
						return sameStatuses(items, want, path.opts.StatusEach)
					})
					reqs[name] = float64(sent)
					b.ReportMetric(float64(sent), "requests/op")
					b.ReportMetric(float64(sent)/env.rate, "s-at-quota")
					if !path.opts.StatusEach {
						b.ReportMetric(1.2*float64(n)/float64(env.pageRows), "bound-requests")
					}
				})
			}
		}
		each, list := env.cloud+"/each", env.cloud+"/list"
		if len(res[each]) > 0 && len(res[list]) > 0 {
			fmt.Printf("--- bulk status of %d %s orders: requests %0.f one each, %0.f through the list (bound %.0f); at %g/s: %.0f s and %.0f s\n%s",
				n, env.cloud, reqs[each], reqs[list], 1.2*float64(n)/float64(env.pageRows), env.rate,
				reqs[each]/env.rate, reqs[list]/env.rate, res.table(each, list))
		}
	}
}

// sameStatuses checks that items read what want read, order by order, and
// that they were listed (or not) as the path says.
func sameStatuses(items, want []broker.Item, each bool) error {
	if len(items) != len(want) {
		return fmt.Errorf("%d items, want %d", len(items), len(want))
	}
	for i, it := range items {
		w := want[i]
		switch {
		case it.Err != nil || it.Result == nil:
			return fmt.Errorf("item %d: %v", i, it.Err)
		case it.Listed == each:
			return fmt.Errorf("item %d: Listed=%v with StatusEach=%v", i, it.Listed, each)
		// The native status is each API's own word: Alibaba's list
		// says "CHECKING" where DescribeCertificateState says
		// "domain_verify". The normalized state must agree.
		case it.Result.State != w.Result.State || it.Result.NativeState == "" ||
			// Alibaba's list gives NotAfter in milliseconds, its
			// Status in seconds.
			!it.Result.NotAfter.Truncate(time.Second).Equal(w.Result.NotAfter.Truncate(time.Second)):
			return fmt.Errorf("item %d (%s): %s %q %v, one Status each read %s %q %v", i, it.Ref,
				it.Result.State, it.Result.NativeState, it.Result.NotAfter, w.Result.State, w.Result.NativeState, w.Result.NotAfter)
		}
	}
	return nil
}
