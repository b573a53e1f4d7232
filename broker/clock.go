package broker

import (
	"context"
	"time"
)

// Clock is the broker's source of time. Rate limits, backoff pauses and
// logged durations all use it, so a test can drive them with a fake clock
// instead of waiting.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// Sleep waits until d has passed on this clock or ctx ends, whichever
	// comes first, and returns ctx.Err() in the second case. A d of zero
	// or less returns at once.
	Sleep(ctx context.Context, d time.Duration) error
}

// SystemClock returns the wall clock.
func SystemClock() Clock { return systemClock{} }

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (systemClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
