package broker

import (
	"math"
	"testing"
	"time"
)

// TestRetryPolicyNormalized: invalid fields take their defaults, valid
// ones are kept, and BackoffMax is never below BackoffBase.
func TestRetryPolicyNormalized(t *testing.T) {
	t.Parallel()
	d := DefaultRetryPolicy()
	got := RetryPolicy{MaxAttempts: 0, BackoffBase: -1, BackoffMax: 0, Budget: math.NaN(), Refill: -1}.normalized()
	if got.MaxAttempts != d.MaxAttempts || got.BackoffBase != d.BackoffBase || got.BackoffMax != d.BackoffMax ||
		got.Budget != d.Budget || got.Refill != d.Refill || got.Jitter == nil {
		t.Errorf("invalid fields: got %+v, want the defaults %+v", got, d)
	}
	kept := RetryPolicy{MaxAttempts: 1, BackoffBase: time.Second, BackoffMax: time.Millisecond, Budget: math.Inf(1), Refill: 0}.normalized()
	if kept.MaxAttempts != 1 || kept.BackoffBase != time.Second || kept.BackoffMax != time.Second ||
		!math.IsInf(kept.Budget, 1) || kept.Refill != 0 {
		t.Errorf("valid fields: got %+v", kept)
	}
	c := New(WithRetry(func(p *RetryPolicy) { p.MaxAttempts = 2 }), WithRetry(func(p *RetryPolicy) { p.Budget = 3 })).cfg.retry
	if c.MaxAttempts != 2 || c.Budget != 3 || c.BackoffBase != d.BackoffBase {
		t.Errorf("two WithRetry options compose: got %+v", c)
	}
}
