package broker_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/go-multierror"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

// expectation is what a bulk revoke must report for one reference.
type expectation struct {
	kind     provider.Kind // KindOther: success
	attempts int
}

// mixedBatch builds n references over three origins, with unknown
// origins, invalid IDs, missing orders, orders in the wrong state and
// flaky orders (failing once, then revoked), in a seeded random order.
func mixedBatch(t *testing.T, b *broker.Broker, n int, seed uint64) ([]provider.Ref, []expectation) {
	t.Helper()
	fakes := map[string]*providertest.Fake{}
	for _, name := range []string{"alibaba-1", "alibaba-2", "huawei"} {
		fakes[name] = providertest.NewFake()
		register(t, b, name, fakes[name])
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	names := []string{"alibaba-1", "alibaba-2", "huawei"}
	refs := make([]provider.Ref, n)
	want := make([]expectation, n)
	for i := range refs {
		name := names[rng.IntN(len(names))]
		f := fakes[name]
		switch rng.IntN(10) {
		case 0:
			refs[i] = provider.Ref{Origin: "aws", ID: "fake-1"}
			want[i] = expectation{kind: provider.KindInvalidArgument}
		case 1:
			refs[i] = provider.Ref{Origin: name, ID: "bad/id"}
			want[i] = expectation{kind: provider.KindInvalidArgument}
		case 2:
			refs[i] = provider.Ref{Origin: name, ID: fmt.Sprintf("fake-%d", 900000+i)}
			want[i] = expectation{kind: provider.KindNotFound, attempts: 1}
		case 3:
			refs[i] = provider.Ref{Origin: name, ID: f.Seed(provider.StateUnderReview)}
			want[i] = expectation{kind: provider.KindInvalidState, attempts: 1}
		case 4:
			id := f.Seed(provider.StateIssued)
			f.InjectError(provider.OpRevoke, provider.ErrUnavailable, providertest.Once(), providertest.ForID(id))
			refs[i] = provider.Ref{Origin: name, ID: id}
			want[i] = expectation{attempts: 2}
		default:
			refs[i] = provider.Ref{Origin: name, ID: f.Seed(provider.StateIssued)}
			want[i] = expectation{attempts: 1}
		}
	}
	return refs, want
}

func checkItem(t *testing.T, i int, it broker.Item, ref provider.Ref, want expectation) {
	t.Helper()
	if it.Index != i || it.Ref != ref {
		t.Fatalf("item %d is %d %v, want %v", i, it.Index, it.Ref, ref)
	}
	if (it.Result == nil) == (it.Err == nil) {
		t.Fatalf("item %d has result %v and error %v: want exactly one", i, it.Result, it.Err)
	}
	if it.Attempts != want.attempts {
		t.Errorf("item %d (%v): %d attempts, want %d", i, ref, it.Attempts, want.attempts)
	}
	if want.kind != provider.KindOther {
		mustKind(t, it.Err, want.kind)
		return
	}
	if it.Err != nil {
		t.Fatalf("item %d (%v): %v, want success", i, ref, it.Err)
	}
	if it.Result.State != provider.StateRevoked || it.Result.Ref() != ref {
		t.Errorf("item %d: result %+v, want %v revoked", i, it.Result, ref)
	}
}

// TestBulkOrderAndOutcomes runs a mixed batch with random latencies and
// errors and checks one outcome per input, in input order, and the
// aggregate error.
func TestBulkOrderAndOutcomes(t *testing.T) {
	t.Parallel()
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			s := newSpy(seed, 200*time.Microsecond)
			b := broker.New(broker.WithConcurrency(8), broker.WithMiddleware(s.wrap),
				broker.WithRetry(func(p *broker.RetryPolicy) { p.BackoffBase, p.BackoffMax = time.Microsecond, 10*time.Microsecond }), broker.WithRetry(func(p *broker.RetryPolicy) { p.Budget, p.Refill = 1000, 1 }))
			refs, want := mixedBatch(t, b, 400, seed)

			items, err := b.Do(context.Background(), provider.RevokeRequest{Reason: "test"}, refs, broker.BulkOptions{})
			if len(items) != len(refs) {
				t.Fatalf("%d items for %d refs", len(items), len(refs))
			}
			var failed []int
			for i, it := range items {
				checkItem(t, i, it, refs[i], want[i])
				if it.Err != nil {
					failed = append(failed, i)
				}
			}

			var me *multierror.Error
			if !errors.As(err, &me) || len(me.Errors) != len(failed) {
				t.Fatalf("err = %T with %d errors, want *multierror.Error with %d", err, len(me.WrappedErrors()), len(failed))
			}
			for j, e := range me.Errors {
				if e != items[failed[j]].Err {
					t.Fatalf("aggregate error %d is not item %d's error", j, failed[j])
				}
			}
			if !errors.Is(err, provider.ErrNotFound) || !errors.Is(err, provider.ErrInvalidState) || errors.Is(err, provider.ErrThrottled) {
				t.Error("errors.Is through the aggregate does not see the items' kinds")
			}
			var pe *provider.Error
			var oe *broker.OpError
			if !errors.As(err, &pe) || !errors.As(err, &oe) || oe.Err != pe {
				t.Error("errors.As through the aggregate does not reach *OpError and its *provider.Error")
			}
		})
	}
}

func TestStreamOrder(t *testing.T) {
	t.Parallel()
	s := newSpy(7, 100*time.Microsecond)
	b := broker.New(broker.WithConcurrency(4), broker.WithMiddleware(s.wrap),
		broker.WithRetry(func(p *broker.RetryPolicy) { p.BackoffBase, p.BackoffMax = time.Microsecond, 10*time.Microsecond }), broker.WithRetry(func(p *broker.RetryPolicy) { p.Budget, p.Refill = 1000, 1 }))
	refs, want := mixedBatch(t, b, 300, 7)
	next, failed := 0, 0
	err := b.Stream(context.Background(), provider.RevokeRequest{}, slices.Values(refs), broker.BulkOptions{}, func(it broker.Item) {
		checkItem(t, next, it, refs[next], want[next])
		if it.Err != nil {
			failed++
		}
		next++
	})
	if next != len(refs) {
		t.Fatalf("emitted %d items for %d refs", next, len(refs))
	}
	var me *multierror.Error
	if !errors.As(err, &me) || len(me.Errors) != failed || !errors.Is(err, provider.ErrInvalidArgument) {
		t.Errorf("err = %v, want a *multierror.Error of %d item errors", err, failed)
	}
	if s.maxTotal > 4 {
		t.Errorf("%d calls in flight at once, want at most 4", s.maxTotal)
	}
}

func TestBulkBadCalls(t *testing.T) {
	t.Parallel()
	b, _ := fastBroker(t)
	register(t, b, "cloud", providertest.NewFake())
	refs := []provider.Ref{{Origin: "cloud", ID: "fake-1"}}
	items, err := b.Do(context.Background(), nil, refs, broker.BulkOptions{})
	mustKind(t, err, provider.KindInvalidArgument)
	if items != nil {
		t.Errorf("items = %v for a nil request, want nil", items)
	}
	err = b.Stream(context.Background(), provider.StatusRequest{}, slices.Values(refs), broker.BulkOptions{}, nil)
	mustKind(t, err, provider.KindInvalidArgument)
	items, err = b.Do(context.Background(), provider.StatusRequest{}, nil, broker.BulkOptions{})
	if err != nil || len(items) != 0 {
		t.Errorf("empty input: %v, %v; want no items and no error", items, err)
	}
}

// TestBulkCancel cancels the context when the 10th call arrives: the
// items never started must be reported as canceled, none dropped, and the
// backend must never see them.
func TestBulkCancel(t *testing.T) {
	t.Parallel()
	const n, workers, cancelAt = 100, 4, 10
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := newSpy(1, 0)
	s.before = func(k int) {
		if k == cancelAt {
			cancel()
		}
	}
	b := broker.New(broker.WithConcurrency(workers), broker.WithMiddleware(s.wrap))
	f := providertest.NewFake()
	register(t, b, "cloud", f)
	refs := make([]provider.Ref, n)
	for i := range refs {
		refs[i] = provider.Ref{Origin: "cloud", ID: f.Seed(provider.StateIssued)}
	}

	items, err := b.Do(ctx, provider.RevokeRequest{}, refs, broker.BulkOptions{})
	if len(items) != n {
		t.Fatalf("%d items, want %d", len(items), n)
	}
	mustKind(t, err, provider.KindCanceled)
	sent := map[string]bool{}
	for _, c := range f.Calls() {
		sent[c.ID] = true
	}
	if got := int(s.calls.Load()); got < cancelAt || got > cancelAt+workers-1 {
		t.Errorf("%d calls reached the provider, want %d to %d", got, cancelAt, cancelAt+workers-1)
	}
	canceled := 0
	for i, it := range items {
		if it.Index != i || it.Ref != refs[i] || (it.Result == nil) == (it.Err == nil) {
			t.Fatalf("item %d malformed: %+v", i, it)
		}
		if sent[it.Ref.ID] {
			continue
		}
		// Never reached the backend: canceled, never another outcome.
		mustKind(t, it.Err, provider.KindCanceled)
		if !errors.Is(it.Err, context.Canceled) {
			t.Errorf("item %d: %v lacks context.Canceled", i, it.Err)
		}
		if it.Attempts == 0 {
			canceled++
		}
	}
	if canceled < n-cancelAt-workers+1 {
		t.Errorf("%d items reported canceled before any attempt, want at least %d", canceled, n-cancelAt-workers+1)
	}
}

func TestConcurrencyLimits(t *testing.T) {
	t.Parallel()
	s := newSpy(3, 300*time.Microsecond)
	b := broker.New(broker.WithConcurrency(6), broker.WithMiddleware(s.wrap))
	slow, fast := providertest.NewFake(), providertest.NewFake()
	register(t, b, "slow", slow, broker.WithOriginConcurrency(2))
	register(t, b, "fast", fast)
	var refs []provider.Ref
	for i := range 120 {
		if i%2 == 0 {
			refs = append(refs, provider.Ref{Origin: "slow", ID: slow.Seed(provider.StateIssued)})
		} else {
			refs = append(refs, provider.Ref{Origin: "fast", ID: fast.Seed(provider.StateIssued)})
		}
	}
	if _, err := b.Do(context.Background(), provider.StatusRequest{}, refs, broker.BulkOptions{}); err != nil {
		t.Fatal(err)
	}
	if s.maxSeen["slow"] > 2 || s.maxTotal > 6 {
		t.Errorf("in flight at most: slow %d (limit 2), all %d (limit 6)", s.maxSeen["slow"], s.maxTotal)
	}
}

func TestProgress(t *testing.T) {
	t.Parallel()
	type final struct{ total, done, failed int }
	for _, mode := range []string{"do", "stream"} {
		b, _ := fastBroker(t, broker.WithConcurrency(3))
		a, h := providertest.NewFake(), providertest.NewFake()
		register(t, b, "alibaba", a)
		register(t, b, "huawei", h)
		var refs []provider.Ref
		for i := range 30 {
			switch i % 3 {
			case 0:
				refs = append(refs, provider.Ref{Origin: "alibaba", ID: a.Seed(provider.StateIssued)})
			case 1:
				refs = append(refs, provider.Ref{Origin: "huawei", ID: h.Seed(provider.StateExpired)}) // revoke refused
			default:
				refs = append(refs, provider.Ref{Origin: "gcp", ID: "fake-1"}) // not registered
			}
		}
		var got []broker.Progress
		opts := broker.BulkOptions{Progress: func(p broker.Progress) { got = append(got, p) }}
		if mode == "do" {
			_, _ = b.Do(context.Background(), provider.RevokeRequest{}, refs, opts)
		} else {
			_ = b.Stream(context.Background(), provider.RevokeRequest{}, slices.Values(refs), opts, func(broker.Item) {})
		}
		if len(got) != len(refs) {
			t.Fatalf("%s: %d progress reports, want %d", mode, len(got), len(refs))
		}
		wantTotal := len(refs)
		if mode == "stream" {
			wantTotal = -1
		}
		per := map[string]final{}
		for i, p := range got {
			if p.Done != i+1 || p.Total != wantTotal {
				t.Fatalf("%s: report %d: %+v, want Done %d, Total %d", mode, i, p, i+1, wantTotal)
			}
			per[p.Origin] = final{p.OriginTotal, p.OriginDone, p.OriginFailed}
		}
		last := got[len(got)-1]
		if last.Failed != 20 {
			t.Errorf("%s: Failed = %d, want 20", mode, last.Failed)
		}
		originTotal := func(n int) int {
			if mode == "stream" {
				return -1
			}
			return n
		}
		want := map[string]final{
			"alibaba": {originTotal(10), 10, 0},
			"huawei":  {originTotal(10), 10, 10},
			"":        {originTotal(10), 10, 10}, // unregistered origins
		}
		for name, w := range want {
			if per[name] != w {
				t.Errorf("%s: origin %q ended at %+v, want %+v", mode, name, per[name], w)
			}
		}
	}
}
