package broker_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

// multiRequest is a Fake that declares Capabilities.Paced and makes
// requests requests per Status, each to API "read-<n>", calling
// provider.Pace before each and recording when it was let through.
type multiRequest struct {
	*providertest.Fake
	clk      broker.Clock
	requests int
	advice   map[string]float64 // nil: no RateAdvisor advice

	mu   sync.Mutex
	sent map[string][]time.Time
}

func (m *multiRequest) Capabilities() provider.Capabilities {
	c := m.Fake.Capabilities()
	c.Paced = true
	return c
}

func (m *multiRequest) SuggestedRate(api string) (float64, int) { return m.advice[api], 1 }

func (m *multiRequest) Status(ctx context.Context, r provider.StatusRequest) (*provider.Result, error) {
	for i := range m.requests {
		api := "read-" + string(rune('a'+i))
		if err := provider.Pace(ctx, api); err != nil {
			return nil, &provider.Error{Kind: provider.KindCanceled, Op: provider.OpStatus, Err: err}
		}
		m.mu.Lock()
		m.sent[api] = append(m.sent[api], m.clk.Now())
		m.mu.Unlock()
	}
	return m.Fake.Status(ctx, r)
}

// maxPerSecond is the most timestamps of ts within any one-second window.
func maxPerSecond(ts []time.Time) int {
	most := 0
	for i := range ts {
		n := 0
		for _, u := range ts[i:] {
			if u.Sub(ts[i]) < time.Second {
				n++
			}
		}
		most = max(most, n)
	}
	return most
}

// TestPacingPerRequest: an origin set to 5 requests/s receives at most 5
// per second plus its burst, however many requests each operation makes;
// with a provider's advice and no WithRate, each API keeps to its own.
func TestPacingPerRequest(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		requests int
		withRate bool
		advice   map[string]float64
		want     map[string]int // API (or "" for all) -> most per second
	}{
		{"origin rate, 3 requests per status", 3, true, nil, map[string]int{"": 5 + 1}},
		{"origin rate, 1 request per status", 1, true, nil, map[string]int{"": 5 + 1}},
		{"advice per API", 2, false, map[string]float64{"read-a": 4, "read-b": 8}, map[string]int{"read-a": 4 + 1, "read-b": 8 + 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b, clk := fastBroker(t, broker.WithConcurrency(1))
			f := providertest.NewFake(providertest.WithClock(clk.Now))
			p := &multiRequest{Fake: f, clk: clk, requests: tc.requests, advice: tc.advice, sent: map[string][]time.Time{}}
			var opts []broker.RegisterOption
			if tc.withRate {
				opts = append(opts, broker.WithRate(5, 1))
			}
			register(t, b, "cloud", p, opts...)
			var refs []provider.Ref
			for range 20 {
				refs = append(refs, provider.Ref{Origin: "cloud", ID: f.Seed(provider.StateIssued)})
			}
			if _, err := b.Do(context.Background(), provider.StatusRequest{}, refs, broker.BulkOptions{StatusEach: true}); err != nil {
				t.Fatal(err)
			}
			var all []time.Time
			for _, ts := range p.sent {
				all = append(all, ts...)
			}
			if len(all) != 20*tc.requests {
				t.Fatalf("%d requests, want %d", len(all), 20*tc.requests)
			}
			for api, most := range tc.want {
				ts := p.sent[api]
				if api == "" {
					ts = sortedTimes(all)
				}
				if got := maxPerSecond(ts); got > most {
					t.Errorf("%q: %d requests within one second, want at most %d", api, got, most)
				}
				// read-b follows read-a in every Status, so only the
				// slowest API shows its own rate.
				if got := maxPerSecond(ts); api != "read-b" && got < most-2 {
					t.Errorf("%q: only %d requests within one second: paced too hard (want about %d)", api, got, most)
				}
			}
		})
	}
}

func sortedTimes(ts []time.Time) []time.Time {
	out := append([]time.Time(nil), ts...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Before(out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// TestPreSendRefusalSpendsNothing: a paced provider that refuses input
// before sending draws no token, so refused items do not slow the rest.
func TestPreSendRefusalSpendsNothing(t *testing.T) {
	t.Parallel()
	b, clk := fastBroker(t, broker.WithConcurrency(1))
	f := providertest.NewFake(providertest.WithClock(clk.Now))
	p := &multiRequest{Fake: f, clk: clk, requests: 1, sent: map[string][]time.Time{}}
	register(t, b, "cloud", p, broker.WithRate(1, 1))
	var refs []provider.Ref
	for range 50 {
		refs = append(refs, provider.Ref{Origin: "cloud", ID: "fake-x"}) // refused by the Fake's ID check
	}
	refs = append(refs, provider.Ref{Origin: "cloud", ID: f.Seed(provider.StateIssued)})
	start := clk.Now()
	items, _ := b.Do(context.Background(), provider.StatusRequest{}, refs, broker.BulkOptions{})
	if items[len(items)-1].Err != nil {
		t.Fatal(items[len(items)-1].Err)
	}
	if waited := clk.Now().Sub(start); waited > time.Second {
		t.Errorf("refused items held the valid one back by %v", waited)
	}
}
