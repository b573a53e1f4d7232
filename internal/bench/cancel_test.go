package bench

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/certbroker/certbroker/alibaba"
	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/huawei"
	"github.com/certbroker/certbroker/huawei/huaweitest"
	"github.com/certbroker/certbroker/provider"
)

// hangingBackend is an emulator that holds every request, with the
// adapter in front of it and a way to wait for the n-th request.
type hangingBackend struct {
	p     provider.Provider
	id    string
	count func() int
	wait  func(ctx context.Context, n int) error
}

func hangingAlibaba(b *testing.B) hangingBackend {
	s := alibabatest.NewServer()
	b.Cleanup(s.Close)
	id := s.Seed(provider.StateIssued)
	s.InjectFault(alibabatest.Fault{Kind: alibabatest.FaultHang})
	a, err := alibaba.New(alibaba.Config{Endpoint: s.URL(), AccessKeyID: s.AccessKeyID(), AccessKeySecret: s.AccessKeySecret()})
	if err != nil {
		b.Fatal(err)
	}
	return hangingBackend{p: a, id: id, count: s.RequestCount, wait: s.WaitForRequests}
}

func hangingHuawei(b *testing.B) hangingBackend {
	s := huaweitest.NewServer()
	b.Cleanup(s.Close)
	id := s.Seed(provider.StateIssued)
	s.InjectFault(huaweitest.Fault{Kind: huaweitest.FaultHang})
	a, err := huawei.New(huawei.Config{Endpoint: s.URL(), ProjectID: s.ProjectID(), AK: s.AccessKeyID(), SK: s.AccessKeySecret()})
	if err != nil {
		b.Fatal(err)
	}
	return hangingBackend{p: a, id: id, count: s.RequestCount, wait: s.WaitForRequests}
}

// BenchmarkCancelLatency measures how long a Revoke held by a hanging
// emulator takes to return after its context is cancelled, on the adapter
// and through the broker, per cloud (target: 50 ms). Each iteration sends
// one request, waits until the emulator holds it, cancels, and times the
// return; the metrics are the median and the worst of those times.
// The reliability suite asserts the same with a generous bound and checks
// that the connection is closed on the server side.
func BenchmarkCancelLatency(b *testing.B) {
	for _, cloud := range []struct {
		name  string
		build func(*testing.B) hangingBackend
	}{{"alibaba", hangingAlibaba}, {"huawei", hangingHuawei}} {
		for _, path := range []string{"adapter", "broker"} {
			b.Run("cloud="+cloud.name+"/path="+path, func(b *testing.B) {
				hb := cloud.build(b)
				br := broker.New()
				if err := br.Register("o", hb.p, broker.WithRate(broker.Unlimited, 1)); err != nil {
					b.Fatal(err)
				}
				call := func(ctx context.Context) error {
					_, err := hb.p.Revoke(ctx, provider.RevokeRequest{ID: hb.id})
					return err
				}
				if path == "broker" {
					call = func(ctx context.Context) error {
						_, err := br.Revoke(ctx, "o", provider.RevokeRequest{ID: hb.id})
						return err
					}
				}
				var took []time.Duration
				for b.Loop() {
					took = append(took, cancelOnce(b, hb, call))
				}
				slices.Sort(took)
				b.ReportMetric(float64(took[len(took)/2].Microseconds()), "median-µs")
				b.ReportMetric(float64(took[len(took)-1].Microseconds()), "max-µs")
			})
		}
	}
}

// cancelOnce makes one held call, cancels it and returns how long the
// call took to return after the cancel.
func cancelOnce(b *testing.B, hb hangingBackend, call func(context.Context) error) time.Duration {
	ctx, cancel := context.WithCancel(context.Background())
	n := hb.count()
	done := make(chan time.Time, 1)
	var err error
	go func() {
		err = call(ctx)
		done <- time.Now()
	}()
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	if werr := hb.wait(wctx, n+1); werr != nil {
		b.Fatalf("the request never arrived: %v", werr)
	}
	start := time.Now()
	cancel()
	end := <-done
	if !errors.Is(err, context.Canceled) {
		b.Fatalf("err = %v, want context.Canceled in the chain", err)
	}
	return end.Sub(start)
}
