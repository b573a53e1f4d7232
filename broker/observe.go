package broker

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/certbroker/certbroker/provider"
)

// Attempt describes one call the broker made to a provider, for
// [WithObserver].
type Attempt struct {
	// Origin, Op and ID say what was called. Reads of the optional
	// interfaces are attempts too: a list page (provider.OpList, no ID)
	// and a renewal search (provider.OpFindRenewal, the renewed order's
	// ID).
	Origin string
	Op     provider.Op
	ID     string
	// Number counts the attempts of this operation on this reference,
	// from 1. A settling Status read counts its own attempts.
	Number int
	// Duration is how long the call took, by the broker's clock.
	Duration time.Duration
	// Err is the call's error, nil on success; Kind is its kind
	// (provider.KindOther on success: check Err).
	Err  *provider.Error
	Kind provider.Kind
}

// WithObserver sets a function called after every attempt, from the
// goroutine that made it, so that users can feed their own metrics. It
// must be safe for concurrent use and quick: it runs on the request path.
// A panic in it is logged at Error and otherwise ignored: metrics must not
// change outcomes. A nil function is ignored.
func WithObserver(f func(Attempt)) Option {
	return func(c *config) {
		if f != nil {
			c.observer = f
		}
	}
}

func (b *Broker) observe(origin string, op provider.Op, id string, n int, d time.Duration, perr *provider.Error) {
	if b.cfg.observer == nil {
		return
	}
	a := Attempt{Origin: origin, Op: op, ID: id, Number: n, Duration: d, Err: perr}
	if perr != nil {
		a.Kind = perr.Kind
	}
	defer func() {
		if r := recover(); r != nil {
			b.cfg.logger.LogAttrs(context.Background(), slog.LevelError, "certbroker: observer panicked",
				slog.String("panic", truncate(fmt.Sprint(r), 512)), slog.String("stack", string(debug.Stack())))
		}
	}()
	b.cfg.observer(a)
}
