package broker

import (
	"math"
	"sync"
)

// budget is an origin's retry budget: a bucket of retries that each retry
// drains by one and each success refills by a fraction, so that a cloud
// failing every call sees at most a bounded number of retries.
type budget struct {
	mu     sync.Mutex
	tokens float64
	max    float64
	refill float64
}

func newBudget(maxRetries, refill float64) *budget {
	return &budget{tokens: maxRetries, max: maxRetries, refill: refill}
}

// take spends one retry, reporting false when none is left.
func (b *budget) take() bool {
	if math.IsInf(b.max, 1) {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// succeeded refills the budget after a successful call.
func (b *budget) succeeded() {
	if b.refill == 0 || math.IsInf(b.max, 1) {
		return
	}
	b.mu.Lock()
	b.tokens = min(b.max, b.tokens+b.refill)
	b.mu.Unlock()
}
