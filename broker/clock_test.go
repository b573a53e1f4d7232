package broker_test

import (
	"context"
	"slices"
	"sync"
	"time"
)

// epoch is where every test clock starts.
var epoch = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

// jumpClock is a virtual clock for single-goroutine timing tests: Sleep
// returns at once, having moved the clock forward by d. With one item in
// flight at a time, every timestamp is exact.
type jumpClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newJumpClock() *jumpClock { return &jumpClock{now: epoch} }

func (c *jumpClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *jumpClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d <= 0 {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.sleeps = append(c.sleeps, d)
	return nil
}

// Sleeps returns every pause taken so far.
func (c *jumpClock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.sleeps)
}

// manualClock is a virtual clock whose sleepers wait until the test moves
// time forward: Advance wakes the earliest sleepers. Waiters can block
// until a condition on the number of sleepers holds.
type manualClock struct {
	mu       sync.Mutex
	changed  sync.Cond
	now      time.Time
	sleepers []*sleeper
}

type sleeper struct {
	until time.Time
	wake  chan struct{}
}

func newManualClock() *manualClock {
	c := &manualClock{now: epoch}
	c.changed.L = &c.mu
	return c
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d <= 0 {
		return nil
	}
	c.mu.Lock()
	s := &sleeper{until: c.now.Add(d), wake: make(chan struct{})}
	c.sleepers = append(c.sleepers, s)
	c.changed.Broadcast()
	c.mu.Unlock()
	select {
	case <-s.wake:
		return nil
	case <-ctx.Done():
		c.mu.Lock()
		c.sleepers = slices.DeleteFunc(c.sleepers, func(x *sleeper) bool { return x == s })
		c.changed.Broadcast()
		c.mu.Unlock()
		return ctx.Err()
	}
}

// Poke wakes goroutines blocked in WaitFor so they re-check their
// condition; call it when something the condition reads has changed.
func (c *manualClock) Poke() {
	c.mu.Lock()
	c.changed.Broadcast()
	c.mu.Unlock()
}

// WaitFor blocks until cond(number of sleepers) holds.
func (c *manualClock) WaitFor(cond func(sleepers int) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for !cond(len(c.sleepers)) {
		c.changed.Wait()
	}
}

// AdvanceToNext moves the clock to the earliest sleeper's wake time and
// wakes every sleeper due by then. It returns false if no one sleeps.
func (c *manualClock) AdvanceToNext() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.sleepers) == 0 {
		return false
	}
	next := c.sleepers[0].until
	for _, s := range c.sleepers {
		if s.until.Before(next) {
			next = s.until
		}
	}
	if next.After(c.now) {
		c.now = next
	}
	c.sleepers = slices.DeleteFunc(c.sleepers, func(s *sleeper) bool {
		if s.until.After(c.now) {
			return false
		}
		close(s.wake)
		return true
	})
	c.changed.Broadcast()
	return true
}
