package reliability

import (
	"context"
	"math/rand/v2"
	"sync"
	"sync/atomic"

	"github.com/certbroker/certbroker/provider"
)

// panicShare is the share of mutating calls the matrix's middleware turns
// into a panic.
const panicShare = 0.01

// panicking is broker middleware that makes a seeded share of mutating
// calls panic: before the provider is called (nothing was sent), or after
// it returned (whatever it answered). A renewal only panics after it
// succeeded: the matrix counts every outcome-unknown renewal of a
// renewable order as one created order.
type panicking struct {
	provider.Provider
	mu     *sync.Mutex
	rng    *rand.Rand
	before *atomic.Int64
	after  *atomic.Int64
}

// panicMiddleware returns the middleware and counters of panics raised
// before and after the call.
func panicMiddleware(seed uint64) (mw func(string, provider.Provider) provider.Provider, before, after *atomic.Int64) {
	mu := &sync.Mutex{}
	rng := rand.New(rand.NewPCG(seed, 3))
	before, after = new(atomic.Int64), new(atomic.Int64)
	return func(_ string, p provider.Provider) provider.Provider {
		return panicking{Provider: p, mu: mu, rng: rng, before: before, after: after}
	}, before, after
}

// draw decides, for one call of op, whether to panic and when.
func (p panicking) draw(op provider.Op) (panicBefore, panicAfter bool) {
	if !op.Mutating() {
		return false, false
	}
	p.mu.Lock()
	r, when := p.rng.Float64(), p.rng.IntN(2)
	p.mu.Unlock()
	if r >= panicShare {
		return false, false
	}
	if when == 0 && !op.CreatesOrder() {
		return true, false
	}
	return false, true
}

func (p panicking) wrap(ctx context.Context, req provider.Request) (*provider.Result, error) {
	b, a := p.draw(req.Op())
	if b {
		p.before.Add(1)
		panic("matrix: panic before " + string(req.Op()))
	}
	res, err := provider.Call(ctx, p.Provider, req)
	if a && (err == nil || !req.Op().CreatesOrder()) {
		p.after.Add(1)
		panic("matrix: panic after " + string(req.Op()))
	}
	return res, err
}

func (p panicking) Cancel(ctx context.Context, r provider.CancelRequest) (*provider.Result, error) {
	return p.wrap(ctx, r)
}

func (p panicking) Revoke(ctx context.Context, r provider.RevokeRequest) (*provider.Result, error) {
	return p.wrap(ctx, r)
}

func (p panicking) Delete(ctx context.Context, r provider.DeleteRequest) (*provider.Result, error) {
	return p.wrap(ctx, r)
}

func (p panicking) Renew(ctx context.Context, r provider.RenewRequest) (*provider.Result, error) {
	return p.wrap(ctx, r)
}
