package broker

import (
	"context"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Unlimited, as a rate, means no rate limit.
const Unlimited = math.MaxFloat64

// Adaptive rate control, applied to every limiter:
const (
	// throttledFallbackRate is the rate an unlimited origin drops to, and
	// keeps as its configured rate, when it is throttled: it has shown it
	// has a limit, and no one said what it is.
	throttledFallbackRate = 10
	// floorDivisor bounds the slowdown: never below rate/floorDivisor.
	floorDivisor = 16
	// recoverySteps is how many successes, at most, bring a limiter from
	// zero back to its configured rate (additive increase).
	recoverySteps = 20
	// cutCooldown ignores further throttles for a while after a cut, so a
	// burst of throttled responses to requests already in flight halves
	// the rate once, not once per response.
	cutCooldown = time.Second
)

// limiter is a token bucket whose rate halves when the cloud throttles and
// recovers additively with successes. It reads time only from the times
// it is given, so it works with any Clock.
type limiter struct {
	lim      *rate.Limiter
	degraded atomic.Bool // cur < base: successes must raise the rate

	mu      sync.Mutex
	base    rate.Limit // the configured rate
	burst   int        // the configured burst
	cur     rate.Limit
	lastCut time.Time
	cut     bool // lastCut is set
}

func newLimiter(perSecond float64, burst int) *limiter {
	r := rate.Limit(perSecond)
	if perSecond >= Unlimited || math.IsInf(perSecond, 1) {
		r = rate.Inf
	}
	burst = max(burst, 1)
	return &limiter{lim: rate.NewLimiter(r, burst), base: r, burst: burst, cur: r}
}

// wait blocks, on clk, until one request may be sent. When ctx ends first
// it gives the token back and returns ctx's error.
func (l *limiter) wait(ctx context.Context, clk Clock) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	now := clk.Now()
	if l.lim.AllowN(now, 1) { // the common case, without allocating
		return nil
	}
	r := l.lim.ReserveN(now, 1)
	d := r.DelayFrom(now)
	if d <= 0 {
		return nil
	}
	if err := clk.Sleep(ctx, d); err != nil {
		r.CancelAt(clk.Now())
		return err
	}
	return nil
}

// throttled halves the rate (an unlimited one falls to the fallback rate)
// and removes the burst, unless it was cut less than cutCooldown ago. It
// reports the new rate and whether it changed.
func (l *limiter) throttled(now time.Time) (float64, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cut && now.Sub(l.lastCut) < cutCooldown {
		return float64(l.cur), false
	}
	l.cut, l.lastCut = true, now
	if l.base == rate.Inf {
		l.base, l.burst, l.cur = throttledFallbackRate, 1, throttledFallbackRate
		l.lim.SetLimitAt(now, l.cur)
		l.lim.SetBurstAt(now, 1)
		return float64(l.cur), true
	}
	l.cur = max(l.cur/2, l.base/floorDivisor)
	l.lim.SetLimitAt(now, l.cur)
	l.lim.SetBurstAt(now, 1)
	l.degraded.Store(true)
	return float64(l.cur), true
}

// succeeded raises a slowed-down rate by one step, restoring the
// configured rate and burst once reached.
func (l *limiter) succeeded(clk Clock) {
	if !l.degraded.Load() {
		return
	}
	now := clk.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cur >= l.base {
		l.degraded.Store(false)
		return
	}
	l.cur += l.base / recoverySteps
	if l.cur >= l.base {
		l.cur = l.base
		l.lim.SetBurstAt(now, l.burst)
		l.degraded.Store(false)
	}
	l.lim.SetLimitAt(now, l.cur)
}
