package broker_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

// perWindow counts times in consecutive windows of width w from epoch.
func perWindow(times []time.Time, w time.Duration) map[int]int {
	m := map[int]int{}
	for _, t := range times {
		m[int(t.Sub(epoch)/w)]++
	}
	return m
}

func startTimes(f *providertest.Fake, op provider.Op) []time.Time {
	var ts []time.Time
	for _, c := range f.Calls() {
		if c.Op == op {
			ts = append(ts, c.Start)
		}
	}
	return ts
}

// TestRateLimitConcurrent runs 100 items, 8 at a time, against an origin
// limited to 10 calls per second with a burst of 2, on a clock that moves
// only when every busy worker sleeps, so every call time is exact.
func TestRateLimitConcurrent(t *testing.T) {
	t.Parallel()
	const n, workers, perSecond, burst = 100, 8, 10, 2
	clk := newManualClock()
	b := broker.New(broker.WithClock(clk), broker.WithConcurrency(workers))
	f := fakeAt("cloud", clk)
	register(t, b, "cloud", f, broker.WithRate(perSecond, burst))
	refs := make([]provider.Ref, n)
	for i := range refs {
		refs[i] = provider.Ref{Origin: "cloud", ID: f.Seed(provider.StateIssued)}
	}

	var done atomic.Int64
	stop := make(chan struct{})
	var driver sync.WaitGroup
	driver.Go(func() {
		for {
			quit := false
			clk.WaitFor(func(sleepers int) bool {
				select {
				case <-stop:
					quit = true
					return true
				default:
				}
				busy := min(workers, n-int(done.Load()))
				return busy > 0 && sleepers >= busy
			})
			if quit {
				return
			}
			clk.AdvanceToNext()
		}
	})
	_, err := b.Do(context.Background(), provider.StatusRequest{}, refs, broker.BulkOptions{StatusEach: true, Progress: func(broker.Progress) { done.Add(1); clk.Poke() }})
	close(stop)
	clk.Poke()
	driver.Wait()
	if err != nil {
		t.Fatal(err)
	}

	times := startTimes(f, provider.OpStatus)
	if len(times) != n {
		t.Fatalf("%d calls, want %d", len(times), n)
	}
	for w, c := range perWindow(times, time.Second) {
		if c > perSecond+burst {
			t.Errorf("second %d: %d calls, want at most %d", w, c, perSecond+burst)
		}
	}
	// The burst goes at once, then one call per 100ms: the last at 9.8s.
	last := times[0]
	for _, ts := range times {
		if ts.After(last) {
			last = ts
		}
	}
	if got, want := last.Sub(epoch), (n-burst)*time.Second/perSecond; got < want-time.Millisecond || got > want+time.Millisecond {
		t.Errorf("last call at %v, want %v", got, want)
	}
}

// TestRateAdvice checks per-operation limits from a RateAdvisor, and that
// WithRate overrides them.
func TestRateAdvice(t *testing.T) {
	t.Parallel()
	clk := newJumpClock()
	b := broker.New(broker.WithClock(clk), broker.WithConcurrency(1))
	advisedFake := fakeAt("cloud", clk)
	overridden := fakeAt("cloud", clk)
	rates := map[provider.Op]float64{provider.OpStatus: 5, provider.OpRevoke: 2}
	register(t, b, "advised", advised{Fake: advisedFake, rates: rates})
	register(t, b, "overridden", advised{Fake: overridden, rates: rates}, broker.WithRate(50, 1))

	run := func(origin string, f *providertest.Fake, op provider.Op, state provider.State) {
		t.Helper()
		refs := make([]provider.Ref, 11)
		for i := range refs {
			refs[i] = provider.Ref{Origin: origin, ID: f.Seed(state)}
		}
		if _, err := b.Do(context.Background(), provider.NewRequest(op, "", provider.RequestInputs{}), refs, broker.BulkOptions{StatusEach: true}); err != nil {
			t.Fatal(err)
		}
	}
	run("advised", advisedFake, provider.OpStatus, provider.StateIssued)
	run("advised", advisedFake, provider.OpRevoke, provider.StateIssued)
	run("overridden", overridden, provider.OpStatus, provider.StateIssued)
	run("overridden", overridden, provider.OpRevoke, provider.StateIssued)

	for _, tc := range []struct {
		f    *providertest.Fake
		op   provider.Op
		want time.Duration // between consecutive calls
	}{
		{advisedFake, provider.OpStatus, 200 * time.Millisecond},
		{advisedFake, provider.OpRevoke, 500 * time.Millisecond},
		{overridden, provider.OpStatus, 20 * time.Millisecond},
		{overridden, provider.OpRevoke, 20 * time.Millisecond},
	} {
		ts := startTimes(tc.f, tc.op)
		for i := 1; i < len(ts); i++ {
			if gap := ts[i].Sub(ts[i-1]); gap < tc.want-time.Millisecond {
				t.Errorf("%s: calls %d and %d %v apart, want at least %v", tc.op, i-1, i, gap, tc.want)
			}
		}
		if span, want := ts[len(ts)-1].Sub(ts[0]), 10*tc.want; span > want+time.Millisecond {
			t.Errorf("%s: 11 calls took %v, want %v: slower than the limit", tc.op, span, want)
		}
	}
}

// throttler answers every call at times in [from, to) with a throttling
// error, and records the time of every call it receives.
type throttler struct {
	provider.Provider
	clk      broker.Clock
	from, to time.Duration
	mu       sync.Mutex
	times    []time.Time
}

func (p *throttler) Status(ctx context.Context, r provider.StatusRequest) (*provider.Result, error) {
	now := p.clk.Now()
	p.mu.Lock()
	p.times = append(p.times, now)
	p.mu.Unlock()
	if d := now.Sub(epoch); d >= p.from && d < p.to {
		return nil, &provider.Error{Kind: provider.KindThrottled, Code: "Throttling.User", Message: "request was denied due to user flow control"}
	}
	return p.Provider.Status(ctx, r)
}

func TestThrottleSlowdownAndRecovery(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	for _, tc := range []struct {
		name     string
		from, to time.Duration
		n        int
		// minimum and maximum calls per window of one second, by window
		bounds map[int][2]int
	}{
		{"brief", 1050 * ms, 2050 * ms, 60, map[int][2]int{
			0: {10, 11}, // the configured 10/s
			1: {3, 7},   // halved to 5/s at 1.05s
			4: {9, 11},  // recovered
		}},
		{"long", 1050 * ms, 30 * time.Second, 40, map[int][2]int{
			0:  {10, 11},
			20: {0, 1}, // down at the floor, 10/16 per second
			21: {0, 1},
			22: {0, 1},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clk := newJumpClock()
			b := broker.New(broker.WithClock(clk), broker.WithConcurrency(1), broker.WithRetry(func(p *broker.RetryPolicy) { p.Jitter = noJitter }),
				broker.WithRetry(func(p *broker.RetryPolicy) { p.BackoffBase, p.BackoffMax = 10*ms, 10*ms }), broker.WithRetry(func(p *broker.RetryPolicy) { p.MaxAttempts = 1000 }), broker.WithRetry(func(p *broker.RetryPolicy) { p.Budget, p.Refill = 1e9, 0 }))
			f := fakeAt("cloud", clk)
			p := &throttler{Provider: f, clk: clk, from: tc.from, to: tc.to}
			register(t, b, "cloud", p, broker.WithRate(10, 1))
			refs := make([]provider.Ref, tc.n)
			for i := range refs {
				refs[i] = provider.Ref{Origin: "cloud", ID: f.Seed(provider.StateIssued)}
			}
			if _, err := b.Do(context.Background(), provider.StatusRequest{}, refs, broker.BulkOptions{StatusEach: true}); err != nil {
				t.Fatal(err)
			}
			counts := perWindow(p.times, time.Second)
			for w, c := range counts {
				if c > 11 {
					t.Errorf("second %d: %d calls, above the configured rate", w, c)
				}
			}
			for w, bd := range tc.bounds {
				if c := counts[w]; c < bd[0] || c > bd[1] {
					t.Errorf("second %d: %d calls, want %d to %d (all: %v)", w, c, bd[0], bd[1], counts)
				}
			}
			if tc.name == "long" {
				// The floor still lets calls through: 10/16 per second.
				slow := 0
				for w := 10; w < 30; w++ {
					slow += counts[w]
				}
				if slow < 10 || slow > 15 {
					t.Errorf("%d calls in seconds 10-29 at the floor rate, want about 12", slow)
				}
			}
		})
	}
}

// TestThrottleUnlimitedOrigin checks that an origin without any rate
// limit gets one when the cloud throttles it.
func TestThrottleUnlimitedOrigin(t *testing.T) {
	t.Parallel()
	clk := newJumpClock()
	b := broker.New(broker.WithClock(clk), broker.WithConcurrency(1), broker.WithRetry(func(p *broker.RetryPolicy) { p.Jitter = noJitter }),
		broker.WithRetry(func(p *broker.RetryPolicy) { p.BackoffBase, p.BackoffMax = time.Millisecond, time.Millisecond }))
	f := fakeAt("cloud", clk)
	p := &throttler{Provider: f, clk: clk, from: 0, to: time.Nanosecond} // only the very first call
	register(t, b, "cloud", p)
	refs := make([]provider.Ref, 30)
	for i := range refs {
		refs[i] = provider.Ref{Origin: "cloud", ID: f.Seed(provider.StateIssued)}
	}
	if _, err := b.Do(context.Background(), provider.StatusRequest{}, refs, broker.BulkOptions{StatusEach: true}); err != nil {
		t.Fatal(err)
	}
	counts := perWindow(p.times, time.Second)
	if counts[0] > 11 || counts[1] < 9 || counts[1] > 11 {
		t.Errorf("calls per second %v, want about 10 per second after the throttle", counts)
	}
}
