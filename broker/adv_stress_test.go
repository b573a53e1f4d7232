package broker_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

// randPanicky is a Fake that panics on some calls, after applying or
// before.
type randPanicky struct {
	*providertest.Fake
	mu  sync.Mutex
	rng *rand.Rand
	pct int
}

func (p *randPanicky) roll() (bool, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rng.IntN(100) < p.pct, p.rng.IntN(2) == 0
}

func (p *randPanicky) Revoke(ctx context.Context, r provider.RevokeRequest) (*provider.Result, error) {
	boom, after := p.roll()
	if boom && !after {
		panic("before")
	}
	res, err := p.Fake.Revoke(ctx, r)
	if boom {
		panic("after")
	}
	return res, err
}

func (p *randPanicky) Renew(ctx context.Context, r provider.RenewRequest) (*provider.Result, error) {
	boom, after := p.roll()
	if boom && !after {
		panic("before")
	}
	res, err := p.Fake.Renew(ctx, r)
	if boom {
		panic("after")
	}
	return res, err
}

func (p *randPanicky) Status(ctx context.Context, r provider.StatusRequest) (*provider.Result, error) {
	boom, _ := p.roll()
	if boom {
		return nil, nil
	}
	return p.Fake.Status(ctx, r)
}

// TestAdvStressOutcomes runs Revoke and Renew over inputs with many
// duplicates, random faults (lost answers after applying, throttles,
// panics, (nil, nil) status reads) and a context cancelled at a random
// point, at concurrency 1 and 64, through Do and Stream, and checks the
// promises on every item against the Fake's true state.
func TestAdvStressOutcomes(t *testing.T) {
	for seed := range uint64(24) {
		for _, conc := range []int{1, 64} {
			for _, op := range []provider.Op{provider.OpRevoke, provider.OpRenew} {
				for _, stream := range []bool{false, true} {
					name := fmt.Sprintf("seed%d/c%d/%s/stream=%v", seed, conc, op, stream)
					t.Run(name, func(t *testing.T) { stressOnce(t, seed, conc, op, stream) })
				}
			}
		}
	}
}

func stressOnce(t *testing.T, seed uint64, conc int, op provider.Op, stream bool) {
	rng := rand.New(rand.NewPCG(seed, uint64(conc)))
	b, _ := fastBroker(t, broker.WithConcurrency(conc), broker.WithAuthFailureLimit(0),
		broker.WithRetry(func(p *broker.RetryPolicy) { p.Budget, p.Refill = 1e9, 1 }))
	f := providertest.NewFake()
	p := &randPanicky{Fake: f, rng: rand.New(rand.NewPCG(seed, 7)), pct: 5}
	register(t, b, "cloud", p)
	from := provider.StateIssued
	if op == provider.OpRenew {
		from = provider.StateExpiring
	}
	var distinct []string
	for range 40 {
		distinct = append(distinct, f.Seed(from))
	}
	// Some orders in a state the op is refused from.
	for range 5 {
		distinct = append(distinct, f.Seed(provider.StateRevoked))
	}
	var refs []provider.Ref
	for range 300 {
		refs = append(refs, provider.Ref{Origin: "cloud", ID: distinct[rng.IntN(len(distinct))]})
	}
	initial := map[string]provider.State{}
	for _, id := range distinct {
		initial[id], _ = f.StateOf(id)
	}
	f.InjectError(op, provider.ErrOutcomeUnknown, providertest.AfterApply(), providertest.Times(8))
	f.InjectError(op, provider.ErrOutcomeUnknown, providertest.Times(8))
	f.InjectError(op, provider.ErrThrottled, providertest.Times(8))
	f.InjectError(provider.OpStatus, provider.ErrUnavailable, providertest.Times(4))
	f.SetLatency(providertest.AllOps, time.Duration(rng.IntN(300))*time.Microsecond)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if rng.IntN(2) == 0 {
		d := time.Duration(rng.IntN(20000)) * time.Microsecond
		time.AfterFunc(d, cancel)
	}
	base := runtime.NumGoroutine()
	var items []broker.Item
	if stream {
		var mu sync.Mutex
		err := advStream(b, ctx, op, slices.Values(refs), broker.BulkOptions{}, func(it broker.Item) {
			mu.Lock()
			items = append(items, it)
			mu.Unlock()
		})
		_ = err
	} else {
		items, _ = advDo(b, ctx, op, refs, broker.BulkOptions{})
	}
	if len(items) != len(refs) {
		t.Fatalf("%d items for %d refs", len(items), len(refs))
	}
	first := map[provider.Ref]int{}
	for i, it := range items {
		if it.Index != i || it.Ref != refs[i] {
			t.Fatalf("item %d: index %d ref %v, want %v", i, it.Index, it.Ref, refs[i])
		}
		if (it.Err == nil) == (it.Result == nil) {
			t.Errorf("item %d: result %v err %v: want exactly one", i, it.Result, it.Err)
		}
		fi, seen := first[it.Ref]
		if !seen {
			first[it.Ref] = i
			if it.Duplicate {
				t.Errorf("item %d marked duplicate but is the first occurrence", i)
			}
			continue
		}
		if !it.Duplicate || it.DuplicateOf != fi || it.Err != items[fi].Err ||
			(it.Result == nil) != (items[fi].Result == nil) {
			t.Errorf("item %d: duplicate %v of %d, want duplicate of %d with the same outcome", i, it.Duplicate, it.DuplicateOf, fi)
		}
	}
	renewals := map[string]int{}
	for _, r := range f.Renewals() {
		renewals[r.From]++
	}
	for ref, i := range first {
		it := items[i]
		st, _ := f.StateOf(ref.ID)
		applied := false
		switch op {
		case provider.OpRevoke:
			applied = initial[ref.ID] != provider.StateRevoked && st == provider.StateRevoked
		case provider.OpRenew:
			if renewals[ref.ID] > 1 {
				t.Errorf("%s renewed %d times", ref.ID, renewals[ref.ID])
			}
			applied = renewals[ref.ID] > 0
		}
		k := provider.KindOf(it.Err)
		switch {
		case it.Err == nil && !applied && initial[ref.ID] == from:
			t.Errorf("item %d (%s) succeeded but was not applied", i, ref.ID)
		case it.Err != nil && applied && k != provider.KindOutcomeUnknown:
			t.Errorf("item %d (%s) applied but reported %v: %v", i, ref.ID, k, it.Err)
		case k == provider.KindCanceled && it.Attempts != 0:
			t.Errorf("item %d reported canceled after %d attempts: %v", i, it.Attempts, it.Err)
		}
	}
	hist := map[string]int{}
	for _, it := range items {
		if it.Err == nil {
			hist["ok"]++
		} else {
			hist[provider.KindOf(it.Err).String()]++
		}
	}
	t.Logf("outcomes: %v", hist)
	cancel()
	waitGoroutines(t, base+2)
}
