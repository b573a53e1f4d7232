package reliability

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
)

// wirePacingRate and wirePacingBurst are the origin limit the pacing test
// sets: the brief's "5 requests per second".
const (
	wirePacingRate  = 5
	wirePacingBurst = 1
)

// mostInOneSecond is the most arrival times of ts within any window of
// one second.
func mostInOneSecond(ts []time.Time) int {
	ts = slices.SortedFunc(slices.Values(ts), func(a, b time.Time) int { return a.Compare(b) })
	most, j := 0, 0
	for i := range ts {
		for ts[i].Sub(ts[j]) >= time.Second {
			j++
		}
		most = max(most, i-j+1)
	}
	return most
}

// TestWirePacing measures, at the emulators, that an origin limited to 5
// requests per second receives no more than 5 plus its burst in any one
// second, when each operation sends several requests: a bulk Status of
// issued Huawei certificates, and of revoked Alibaba orders (whose Status
// reads DescribeCertificateState and then ListUserCertificateOrder).
func TestWirePacing(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		cloud string
		seed  provider.State
	}{{"huawei", provider.StateIssued}, {"alibaba", provider.StateRevoked}} {
		t.Run(tc.cloud, func(t *testing.T) {
			t.Parallel()
			var (
				b     *backend
				times func() []time.Time
			)
			if tc.cloud == "huawei" {
				hb, srv := newHuawei(t, hwOptions{origin: "huawei", timeout: 5 * time.Second})
				b = hb
				times = func() []time.Time {
					var ts []time.Time
					for _, r := range srv.Requests() {
						ts = append(ts, r.Time)
					}
					return ts
				}
			} else {
				ab, srv := newAlibaba(t, aliOptions{origin: "alibaba", timeout: 5 * time.Second, pool: 8})
				b = ab
				times = func() []time.Time {
					var ts []time.Time
					for _, r := range srv.Requests() {
						ts = append(ts, r.Time)
					}
					return ts
				}
			}
			var refs []provider.Ref
			for range 8 {
				refs = append(refs, provider.Ref{Origin: b.origin, ID: b.seed(tc.seed)})
			}
			br := broker.New(broker.WithConcurrency(8))
			if err := br.Register(b.origin, b.p, broker.WithRate(wirePacingRate, wirePacingBurst)); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			items, err := br.Do(ctx, provider.StatusRequest{}, refs, broker.BulkOptions{})
			if err != nil {
				t.Fatalf("bulk status: %v", err)
			}
			for _, it := range items {
				if it.Result.State != tc.seed {
					t.Errorf("%s reads %v, want %v", it.Ref, it.Result.State, tc.seed)
				}
			}
			ts := times()
			most := mostInOneSecond(ts)
			t.Logf("%s: %d requests for %d statuses; at most %d within one second (limit %d/s, burst %d)",
				tc.cloud, len(ts), len(refs), most, wirePacingRate, wirePacingBurst)
			if len(ts) < len(refs) {
				t.Fatalf("%d requests for %d statuses", len(ts), len(refs))
			}
			if most > wirePacingRate+wirePacingBurst {
				t.Errorf("%d requests within one second, want at most %d", most, wirePacingRate+wirePacingBurst)
			}
		})
	}
}
