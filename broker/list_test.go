package broker_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

// listed is what a broker listing yielded: "origin:id" per entry, and
// "origin!kind" per failure, in order.
func listed(b *broker.Broker, ctx context.Context, req provider.ListRequest, origins ...string) []string {
	var out []string
	for it := range b.List(ctx, req, origins...) {
		if it.Err != nil {
			out = append(out, fmt.Sprintf("%s!%s", it.Origin, provider.KindOf(it.Err)))
			continue
		}
		out = append(out, it.Ref().String())
	}
	return out
}

// seedN seeds n issued orders into f and returns "origin:id" for each.
func seedN(f *providertest.Fake, n int) []string {
	var refs []string
	for range n {
		refs = append(refs, f.Origin()+":"+f.Seed(provider.StateIssued))
	}
	return refs
}

func TestListMergesOrigins(t *testing.T) {
	t.Parallel()
	b, _ := fastBroker(t)
	fa, fb := fakeAt("a", nil), fakeAt("b", nil)
	register(t, b, "b", fb) // registered first, listed second
	register(t, b, "a", fa)
	want := append(seedN(fa, 5), seedN(fb, 3)...)
	tests := []struct {
		name    string
		req     provider.ListRequest
		origins []string
		want    []string
	}{
		{"every origin, default pages", provider.ListRequest{}, nil, want},
		{"every origin, pages of 2", provider.ListRequest{PageSize: 2}, nil, want},
		{"named in reverse, and twice", provider.ListRequest{PageSize: 1}, []string{"b", "a", "b"}, want},
		{"one origin", provider.ListRequest{}, []string{"b"}, want[5:]},
		{"unknown origin in the middle", provider.ListRequest{}, []string{"a", "aa", "b"},
			slices.Concat(want[:5], []string{"aa!invalid_argument"}, want[5:])},
		{"a filter", provider.ListRequest{States: []provider.State{provider.StateExpired}}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := listed(b, t.Context(), tt.req, tt.origins...); !slices.Equal(got, tt.want) {
				t.Errorf("listed %v, want %v", got, tt.want)
			}
		})
	}
}

// TestListOriginFailsMidListing fails origin a after its first page: a's
// first page is kept and its failure reported, and b is listed in full.
func TestListOriginFailsMidListing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		err   error
		kind  provider.Kind
		calls int // list calls to a
	}{
		{"forbidden, not retried", provider.ErrForbidden, provider.KindForbidden, 2},
		{"unavailable, retried to the limit", provider.ErrUnavailable, provider.KindUnavailable, 1 + broker.DefaultMaxAttempts},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, _ := fastBroker(t)
			fa, fb := fakeAt("a", nil), fakeAt("b", nil)
			register(t, b, "a", fa)
			register(t, b, "b", fb)
			wantA, wantB := seedN(fa, 5), seedN(fb, 3)
			var got []string
			for it := range b.List(t.Context(), provider.ListRequest{PageSize: 2}) {
				if it.Err != nil {
					mustKind(t, it.Err, tt.kind)
					got = append(got, it.Origin+"!")
					continue
				}
				if len(got) == 0 {
					fa.InjectError(provider.OpList, tt.err) // every later page of a fails
				}
				got = append(got, it.Ref().String())
			}
			want := slices.Concat(wantA[:2], []string{"a!"}, wantB)
			if !slices.Equal(got, want) {
				t.Errorf("listed %v, want %v", got, want)
			}
			if n := callsOf(fa)[provider.OpList]; n != tt.calls {
				t.Errorf("a received %d list calls, want %d", n, tt.calls)
			}
		})
	}
}

func TestListRetriesThrottledPage(t *testing.T) {
	t.Parallel()
	b, clk := fastBroker(t)
	f := fakeAt("a", nil)
	register(t, b, "a", f)
	want := seedN(f, 3)
	f.InjectError(provider.OpList, provider.ErrThrottled, providertest.Times(2))
	if got := listed(b, t.Context(), provider.ListRequest{PageSize: 2}); !slices.Equal(got, want) {
		t.Errorf("listed %v, want %v", got, want)
	}
	if n := callsOf(f)[provider.OpList]; n != 4 { // two throttled, two pages
		t.Errorf("%d list calls, want 4", n)
	}
	if len(clk.Sleeps()) < 2 {
		t.Errorf("slept %v, want a backoff before each retry", clk.Sleeps())
	}
}

// unlisted is a provider that is not a Lister.
type unlisted struct{ provider.Provider }

// panicLister panics in List.
type panicLister struct{ *providertest.Fake }

func (panicLister) List(context.Context, provider.ListRequest) (*provider.ListPage, error) {
	panic("boom")
}

func TestListUnsupportedAndPanics(t *testing.T) {
	t.Parallel()
	b, _ := fastBroker(t)
	fa, fb, fc := fakeAt("a", nil), fakeAt("b", nil), fakeAt("c", nil)
	register(t, b, "a", unlisted{fa})
	register(t, b, "b", panicLister{fb})
	register(t, b, "c", fc)
	seedN(fa, 2)
	seedN(fb, 2)
	want := slices.Concat([]string{"a!unsupported", "b!other"}, seedN(fc, 2))
	if got := listed(b, t.Context(), provider.ListRequest{}); !slices.Equal(got, want) {
		t.Errorf("listed %v, want %v", got, want)
	}
	if n := fa.CallCount(); n != 0 {
		t.Errorf("the provider that does not list received %d calls", n)
	}
}

func TestListRefusesBadRequests(t *testing.T) {
	t.Parallel()
	b, _ := fastBroker(t)
	f := fakeAt("a", nil)
	register(t, b, "a", f)
	seedN(f, 1)
	for _, req := range []provider.ListRequest{
		{PageSize: -1},
		{ExpiringWithin: -time.Second},
		{PageToken: "fake-1"},
	} {
		var items []broker.ListItem
		for it := range b.List(t.Context(), req) {
			items = append(items, it)
		}
		if len(items) != 1 || items[0].Origin != "" {
			t.Fatalf("%+v: items %+v, want one failure without an origin", req, items)
		}
		mustKind(t, items[0].Err, provider.KindInvalidArgument)
	}
	if n := f.CallCount(); n != 0 {
		t.Errorf("refused requests sent %d calls", n)
	}
}

func TestListContextAndBreak(t *testing.T) {
	t.Parallel()
	b, _ := fastBroker(t)
	fa, fb := fakeAt("a", nil), fakeAt("b", nil)
	register(t, b, "a", fa)
	register(t, b, "b", fb)
	wantA := seedN(fa, 4)
	seedN(fb, 4)

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var got []string
	for it := range b.List(ctx, provider.ListRequest{PageSize: 2}) {
		if it.Err != nil {
			mustKind(t, it.Err, provider.KindCanceled)
			got = append(got, it.Origin+"!")
			continue
		}
		got = append(got, it.Ref().String())
		cancel() // after a's first entry: a's first page is already read
	}
	if want := slices.Concat(wantA[:2], []string{"a!", "b!"}); !slices.Equal(got, want) {
		t.Errorf("listed %v, want %v", got, want)
	}

	n := 0
	for range b.List(t.Context(), provider.ListRequest{PageSize: 2}) {
		if n++; n == 3 {
			break
		}
	}
	if calls := fa.CallCount() + fb.CallCount(); calls != 1+2 { // one page above, two here
		t.Errorf("%d list calls in all, want 3: the listing went on after break", calls)
	}
}

// pacedLister declares Paced and paces each page under api "ListCerts".
type pacedLister struct {
	*providertest.Fake
	paced atomic.Int64
}

func (p *pacedLister) Capabilities() provider.Capabilities {
	c := p.Fake.Capabilities()
	c.Paced = true
	return c
}

func (p *pacedLister) List(ctx context.Context, req provider.ListRequest) (*provider.ListPage, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	if err := provider.Pace(ctx, "ListCerts"); err != nil {
		return nil, err
	}
	p.paced.Add(1)
	return p.Fake.List(ctx, req)
}

// TestListPaces lists 5 pages at 1 request a second, burst 1: the pages
// after the first each wait a second on the broker's clock, whether the
// provider paces itself or the broker paces whole pages.
func TestListPaces(t *testing.T) {
	t.Parallel()
	for _, paced := range []bool{false, true} {
		t.Run(fmt.Sprint("paced=", paced), func(t *testing.T) {
			t.Parallel()
			b, clk := fastBroker(t)
			f := fakeAt("a", nil)
			var p provider.Provider = f
			pl := &pacedLister{Fake: f}
			if paced {
				p = pl
			}
			register(t, b, "a", p, broker.WithRate(1, 1))
			want := seedN(f, 9)
			start := clk.Now()
			if got := listed(b, t.Context(), provider.ListRequest{PageSize: 2}); !slices.Equal(got, want) {
				t.Fatalf("listed %v, want %v", got, want)
			}
			if d := clk.Now().Sub(start); d < 4*time.Second {
				t.Errorf("5 pages at 1/s took %v on the broker's clock, want at least 4s", d)
			}
			if paced && pl.paced.Load() != 5 {
				t.Errorf("the provider paced %d pages, want 5", pl.paced.Load())
			}
		})
	}
}

// listingMW is a middleware that forwards listing, and counts it.
type listingMW struct {
	provider.Provider
	n *atomic.Int64
}

func (m listingMW) List(ctx context.Context, req provider.ListRequest) (*provider.ListPage, error) {
	m.n.Add(1)
	return m.Provider.(provider.Lister).List(ctx, req)
}

func TestListThroughMiddleware(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	forwards := func(_ string, p provider.Provider) provider.Provider { return listingMW{p, &n} }
	hides := func(_ string, p provider.Provider) provider.Provider { return unlisted{p} }
	for _, tt := range []struct {
		name  string
		mw    func(string, provider.Provider) provider.Provider
		want  func(refs []string) []string
		calls int64
	}{
		{"forwards", forwards, func(refs []string) []string { return refs }, 2},
		{"hides", hides, func([]string) []string { return []string{"a!unsupported"} }, 0},
	} {
		n.Store(0)
		b, _ := fastBroker(t, broker.WithMiddleware(tt.mw))
		f := fakeAt("a", nil)
		register(t, b, "a", f)
		refs := seedN(f, 3)
		if got := listed(b, t.Context(), provider.ListRequest{PageSize: 2}); !slices.Equal(got, tt.want(refs)) {
			t.Errorf("%s: listed %v, want %v", tt.name, got, tt.want(refs))
		}
		if n.Load() != tt.calls {
			t.Errorf("%s: the middleware saw %d list calls, want %d", tt.name, n.Load(), tt.calls)
		}
	}
}

// TestListPagesAreObservedAndBudgeted checks that list pages are attempts
// like any call: the observer sees each one, retries stop when the
// origin's retry budget is spent, and a page's success refills it.
func TestListPagesAreObservedAndBudgeted(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		budget   int
		wantErr  bool
		attempts int // list attempts the observer sees
	}{
		{"budget left: the failed page is retried", 10, false, 3},
		{"no budget: the failed page is not retried", 0, true, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			var seen []broker.Attempt
			b, _ := fastBroker(t,
				broker.WithRetry(func(p *broker.RetryPolicy) { p.Budget, p.Refill = float64(tc.budget), 0 }),
				broker.WithObserver(func(a broker.Attempt) { mu.Lock(); seen = append(seen, a); mu.Unlock() }))
			f := providertest.NewFake(providertest.WithOrigin("f"))
			seedN(f, 30)
			register(t, b, "f", f)
			f.InjectError(provider.OpList, provider.ErrUnavailable, providertest.Once())
			got := listed(b, context.Background(), provider.ListRequest{PageSize: 15})
			failed := len(got) > 0 && strings.HasSuffix(got[len(got)-1], "!unavailable")
			if failed != tc.wantErr {
				t.Fatalf("listing %v: failed %v, want %v", got, failed, tc.wantErr)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(seen) != tc.attempts {
				t.Fatalf("observer saw %d attempts, want %d: %+v", len(seen), tc.attempts, seen)
			}
			if a := seen[0]; a.Op != provider.OpList || a.Origin != "f" || a.Number != 1 || a.Kind != provider.KindUnavailable {
				t.Errorf("first attempt %+v", a)
			}
			if !tc.wantErr && (seen[1].Number != 2 || seen[1].Err != nil) {
				t.Errorf("retry %+v", seen[1])
			}
		})
	}
}
