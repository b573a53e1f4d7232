package reliability

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/internal/faultinject"
	"github.com/certbroker/certbroker/provider"
)

// matrixOps is the number of operations of the fault matrix.
const matrixOps = 5000

// matrixSeed fixes the plan (which order gets which operation) and the
// fault draws of both emulators.
const matrixSeed = 20260707

// planned is one operation of the matrix: op on order id of backend b,
// seeded in state seeded (or, with unknown set, an ID that names nothing).
type planned struct {
	b       *backend
	op      provider.Op
	id      string
	seeded  provider.State
	unknown bool
}

// outcome is what the broker reported for one planned operation.
type outcome struct {
	planned
	item broker.Item
}

// weightedOp is an operation and how often it appears in the matrix.
type weightedOp struct {
	op     provider.Op
	weight int
}

// opWeights is the matrix's mix of operations.
func opWeights() []weightedOp {
	return []weightedOp{
		{provider.OpStatus, 25}, {provider.OpCancel, 20}, {provider.OpRevoke, 20},
		{provider.OpDelete, 15}, {provider.OpRenew, 20},
	}
}

// maxHuaweiExpiring keeps the Huawei plan within its distinct specs.
const maxHuaweiExpiring = 780

// plan draws the matrix: for every operation a backend, an op and a
// freshly seeded order, each order used exactly once. Seven in ten
// operations target a state the operation is allowed from; the others a
// state drawn from everything the emulator can hold; one in fifty an ID
// that names nothing.
func plan(t *testing.T, rng *rand.Rand, backends []*backend, n int) []planned {
	t.Helper()
	weights := opWeights()
	total := 0
	for _, w := range weights {
		total += w.weight
	}
	hwExpiring := 0
	out := make([]planned, 0, n)
	for len(out) < n {
		b := backends[rng.IntN(len(backends))]
		op := pickOp(weights, rng.IntN(total))
		if rng.IntN(50) == 0 {
			out = append(out, planned{b: b, op: op, id: b.unknownID, unknown: true})
			continue
		}
		candidates := b.states
		if allowed := allowedStates(b, op); len(allowed) > 0 && rng.IntN(10) < 7 {
			candidates = allowed
		}
		st := candidates[rng.IntN(len(candidates))]
		if b.cloud == "huawei" && st == provider.StateExpiring {
			if hwExpiring == maxHuaweiExpiring {
				continue
			}
			hwExpiring++
		}
		out = append(out, planned{b: b, op: op, id: b.seed(st), seeded: st})
	}
	return out
}

// pickOp returns the operation whose weight band r falls in.
func pickOp(weights []weightedOp, r int) provider.Op {
	for _, w := range weights {
		if r < w.weight {
			return w.op
		}
		r -= w.weight
	}
	return weights[len(weights)-1].op
}

// allowedStates lists the states of b from which op is accepted.
func allowedStates(b *backend, op provider.Op) []provider.State {
	c := b.p.Capabilities().For(op)
	var out []provider.State
	for _, s := range b.states {
		if c.Allows(s) {
			out = append(out, s)
		}
	}
	return out
}

// TestFaultMatrix runs 5,000 mixed operations through one broker over
// both emulators with the real adapters, with 30% of requests hit by an
// injected fault, and accounts for every outcome (see checkMatrix).
func TestFaultMatrix(t *testing.T) {
	t.Parallel()
	ali, _ := newAlibaba(t, aliOptions{origin: "alibaba", timeout: 3 * time.Second, pool: 64, seed: matrixSeed})
	hw, _ := newHuawei(t, hwOptions{origin: "huawei", timeout: 3 * time.Second, seed: matrixSeed, lateCancel: 0.2})
	backends := []*backend{ali, hw}

	rng := rand.New(rand.NewPCG(matrixSeed, 1))
	work := plan(t, rng, backends, matrixOps)
	for _, b := range backends {
		injectMatrixFaults(b)
	}

	jitter := rand.New(rand.NewPCG(matrixSeed, 2))
	mw, panicsBefore, panicsAfter := panicMiddleware(matrixSeed)
	br := broker.New(
		broker.WithMiddleware(mw),
		broker.WithConcurrency(64),
		broker.WithRetry(func(p *broker.RetryPolicy) { p.MaxAttempts = 4 }),
		broker.WithRetry(func(p *broker.RetryPolicy) { p.BackoffBase, p.BackoffMax = time.Millisecond, 8*time.Millisecond }),
		broker.WithRetry(func(p *broker.RetryPolicy) { p.Budget, p.Refill = math.Inf(1), 0 }),
		broker.WithRetry(func(p *broker.RetryPolicy) { p.Jitter = jitter.Float64 }),
	)
	for _, b := range backends {
		if err := br.Register(b.origin, b.p, broker.WithRate(1e6, 1000)); err != nil {
			t.Fatal(err)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	start := time.Now()
	dupRNG := rand.New(rand.NewPCG(matrixSeed, 4))
	outcomes := runMixed(ctx, t, br, work, dupRNG)
	elapsed := time.Since(start)
	if ctx.Err() != nil {
		t.Fatalf("the matrix did not finish within its safety bound: %v", ctx.Err())
	}
	for _, b := range backends {
		b.settle()
	}
	checkMatrix(t, backends, outcomes)
	for _, b := range backends {
		hit, all := b.faulted()
		share := float64(hit) / float64(all)
		t.Logf("%s: %d of %d requests hit by an injected fault (%.1f%%): %v", b.origin, hit, all, 100*share, b.faultsOf())
		for _, k := range []faultinject.Kind{faultinject.ProxyNotFound, faultinject.ProxyBadGateway} {
			if b.faultsOf()[k] == 0 {
				t.Errorf("%s: no request hit by %v", b.origin, k)
			}
		}
		if share < 0.25 || share > 0.35 {
			t.Errorf("%s: %.1f%% of requests faulted, want about %.0f%%", b.origin, 100*share, 100*mixTotal(faultMix()))
		}
	}
	t.Logf("%d operations in %v; the middleware panicked %d times before a call and %d after one",
		len(outcomes), elapsed.Round(time.Millisecond), panicsBefore.Load(), panicsAfter.Load())
	if panicsBefore.Load() == 0 || panicsAfter.Load() == 0 {
		t.Errorf("no panics of one kind: the matrix did not exercise containment")
	}
}

// runMixed sends every planned operation through br, one Do per
// operation kind, all at once, and returns the outcomes in plan order.
// About one reference in fifty is given a second time, later in the same
// Do: it must come back as a duplicate carrying the first one's outcome
// (and the checks against the emulators then prove it was not sent
// twice). It fails the test unless every Do reports exactly one item per
// reference, in input order.
func runMixed(ctx context.Context, t *testing.T, br *broker.Broker, work []planned, rng *rand.Rand) []outcome {
	t.Helper()
	byOp := map[provider.Op][]int{}
	for i, w := range work {
		byOp[w.op] = append(byOp[w.op], i)
	}
	out := make([]outcome, len(work))
	var wg sync.WaitGroup
	var mu sync.Mutex
	var problems []error
	var dups atomic.Int64
	for op, idx := range byOp {
		refs := make([]provider.Ref, len(idx))
		for k, i := range idx {
			refs[k] = provider.Ref{Origin: work[i].b.origin, ID: work[i].id}
		}
		extra := 0
		for k := range idx {
			if rng.IntN(50) == 0 {
				refs = append(refs, refs[k])
				extra++
			}
		}
		dups.Add(int64(extra))
		firstPos := map[provider.Ref]int{}
		for k, r := range refs {
			if _, ok := firstPos[r]; !ok {
				firstPos[r] = k
			}
		}
		wg.Go(func() {
			items, err := br.Do(ctx, provider.NewRequest(op, "", provider.RequestInputs{Reason: "fault matrix"}), refs, broker.BulkOptions{})
			mu.Lock()
			defer mu.Unlock()
			if len(items) != len(refs) {
				problems = append(problems, errors.New(string(op)+": wrong number of items"))
				return
			}
			failed := 0
			for k, it := range items {
				if it.Index != k || it.Ref != refs[k] {
					problems = append(problems, errors.New(string(op)+": item out of order"))
					return
				}
				if it.Err != nil {
					failed++
				}
				if first := firstPos[it.Ref]; first != k {
					if p := checkDuplicate(it, items[first]); p != nil {
						problems = append(problems, fmt.Errorf("%s item %d: %w", op, k, p))
					}
				} else if it.Duplicate {
					problems = append(problems, fmt.Errorf("%s item %d: marked duplicate, but its ref is new", op, k))
				}
				if k < len(idx) {
					out[idx[k]] = outcome{planned: work[idx[k]], item: it}
				}
			}
			if (failed == 0) != (err == nil) {
				problems = append(problems, errors.New(string(op)+": aggregate error disagrees with the items"))
			}
		})
	}
	wg.Wait()
	for _, p := range problems {
		t.Error(p)
	}
	t.Logf("%d references given twice, each reported as a duplicate of its first", dups.Load())
	n := 0
	for _, o := range out {
		if o.b != nil && (o.item.Result != nil) != (o.item.Err != nil) {
			n++
		}
	}
	if n != len(work) {
		t.Fatalf("%d outcomes with exactly one of result and error, want %d", n, len(work))
	}
	return out
}

// checkDuplicate checks the item of a repeated reference against the item
// of its first occurrence.
func checkDuplicate(dup, first broker.Item) error {
	switch {
	case !dup.Duplicate || dup.DuplicateOf != first.Index:
		return fmt.Errorf("Duplicate=%v DuplicateOf=%d, want a duplicate of %d", dup.Duplicate, dup.DuplicateOf, first.Index)
	case dup.Attempts != 0:
		return fmt.Errorf("a duplicate reports %d attempts", dup.Attempts)
	case dup.Err != first.Err:
		return fmt.Errorf("error %v, want the first's %v", dup.Err, first.Err)
	case (dup.Result == nil) != (first.Result == nil):
		return errors.New("result presence differs from the first's")
	case dup.Result != nil && (dup.Result.NewID != first.Result.NewID || dup.Result.State != first.Result.State):
		return fmt.Errorf("result %+v, want the first's %+v", *dup.Result, *first.Result)
	}
	return nil
}
