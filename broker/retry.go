package broker

import (
	"math"
	"math/rand/v2"
	"time"
)

// RetryPolicy is how the broker retries, as one value: how often, how
// long it waits between attempts, and how many retries an origin may spend.
// Which errors are retried is not part of it: that is provider.Retryable,
// and the outcome rule of package provider decides how an ambiguous
// operation ends.
type RetryPolicy struct {
	// MaxAttempts is how many times an operation is sent at most,
	// counting the first; 1 disables retries.
	MaxAttempts int
	// BackoffBase is the pause before the first retry; it doubles with
	// every further retry, up to BackoffMax. The pause actually taken is
	// drawn between half of it and all of it.
	BackoffBase, BackoffMax time.Duration
	// Jitter returns a number in [0, 1) for that draw. The broker
	// serialises its calls, so a math/rand.Rand's Float64 is fine; nil
	// means math/rand/v2.Float64.
	Jitter func() float64
	// Budget is how many retries an origin may spend before successes
	// have to give some back, Refill per success (at most back to
	// Budget). math.Inf(1) means no budget.
	Budget, Refill float64
}

// DefaultRetryPolicy is the policy of a Broker built without WithRetry:
// four attempts, 200 ms doubling to 10 s, and a budget of 10 retries per
// origin, each success giving back a tenth of one.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{
		MaxAttempts: DefaultMaxAttempts,
		BackoffBase: DefaultBackoffBase,
		BackoffMax:  DefaultBackoffMax,
		Budget:      DefaultRetryBudget,
		Refill:      DefaultRetryRefill,
	}
}

// WithRetry changes the broker's retry policy, starting from
// [DefaultRetryPolicy] (or from what earlier WithRetry options left):
//
//	broker.New(broker.WithRetry(func(p *broker.RetryPolicy) { p.MaxAttempts = 1 }))
//
// After every option has run, a field with an invalid value (fewer than
// one attempt, a non-positive backoff, a negative or NaN budget or
// refill) takes its default, and BackoffMax is raised to BackoffBase if
// lower. A nil edit is ignored.
func WithRetry(edit func(p *RetryPolicy)) Option {
	return func(c *config) {
		if edit != nil {
			edit(&c.retry)
		}
	}
}

// normalized returns p with every invalid field set to its default.
func (p RetryPolicy) normalized() RetryPolicy {
	d := DefaultRetryPolicy()
	if p.MaxAttempts < 1 {
		p.MaxAttempts = d.MaxAttempts
	}
	if p.BackoffBase <= 0 {
		p.BackoffBase = d.BackoffBase
	}
	if p.BackoffMax <= 0 {
		p.BackoffMax = d.BackoffMax
	}
	p.BackoffMax = max(p.BackoffMax, p.BackoffBase)
	if p.Jitter == nil {
		p.Jitter = rand.Float64
	}
	if !(p.Budget >= 0) { // also NaN
		p.Budget = d.Budget
	}
	if !(p.Refill >= 0) || math.IsInf(p.Refill, 0) {
		p.Refill = d.Refill
	}
	return p
}
