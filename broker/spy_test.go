package broker_test

import (
	"context"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/certbroker/certbroker/provider"
)

// spy is middleware that delays every call by a random latency (seeded)
// and tracks how many calls are in flight, per origin and overall.
type spy struct {
	mu       sync.Mutex
	rng      *rand.Rand
	maxDelay time.Duration
	inFlight map[string]int
	maxSeen  map[string]int
	total    int
	maxTotal int
	before   func(n int) // called before each call with its 1-based number
	calls    atomic.Int64
}

func newSpy(seed uint64, maxDelay time.Duration) *spy {
	return &spy{rng: rand.New(rand.NewPCG(seed, seed)), maxDelay: maxDelay,
		inFlight: map[string]int{}, maxSeen: map[string]int{}}
}

func (s *spy) wrap(origin string, p provider.Provider) provider.Provider {
	return &spied{Provider: p, spy: s, origin: origin}
}

func (s *spy) enter(origin string) time.Duration {
	if s.before != nil {
		s.before(int(s.calls.Add(1)))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inFlight[origin]++
	s.total++
	s.maxSeen[origin] = max(s.maxSeen[origin], s.inFlight[origin])
	s.maxTotal = max(s.maxTotal, s.total)
	if s.maxDelay == 0 {
		return 0
	}
	return time.Duration(s.rng.Int64N(int64(s.maxDelay)))
}

func (s *spy) leave(origin string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inFlight[origin]--
	s.total--
}

type spied struct {
	provider.Provider
	spy    *spy
	origin string
}

func (p *spied) around(f func() (*provider.Result, error)) (*provider.Result, error) {
	d := p.spy.enter(p.origin)
	defer p.spy.leave(p.origin)
	if d > 0 {
		time.Sleep(d) // simulated network latency, not synchronisation
	}
	return f()
}

func (p *spied) Cancel(ctx context.Context, r provider.CancelRequest) (*provider.Result, error) {
	return p.around(func() (*provider.Result, error) { return p.Provider.Cancel(ctx, r) })
}

func (p *spied) Revoke(ctx context.Context, r provider.RevokeRequest) (*provider.Result, error) {
	return p.around(func() (*provider.Result, error) { return p.Provider.Revoke(ctx, r) })
}

func (p *spied) Delete(ctx context.Context, r provider.DeleteRequest) (*provider.Result, error) {
	return p.around(func() (*provider.Result, error) { return p.Provider.Delete(ctx, r) })
}

func (p *spied) Renew(ctx context.Context, r provider.RenewRequest) (*provider.Result, error) {
	return p.around(func() (*provider.Result, error) { return p.Provider.Renew(ctx, r) })
}

func (p *spied) Status(ctx context.Context, r provider.StatusRequest) (*provider.Result, error) {
	return p.around(func() (*provider.Result, error) { return p.Provider.Status(ctx, r) })
}
