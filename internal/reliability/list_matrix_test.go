package reliability

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/huawei/huaweitest"
	"github.com/certbroker/certbroker/internal/faultinject"
	"github.com/certbroker/certbroker/provider"
)

// The listing fault matrix: broker.List over both real adapters and both
// emulators (real SDKs, loopback HTTP, signatures checked), with faults
// injected on the list API of one cloud while the other lists alongside,
// and with orders deleted or changed between pages.

const (
	// lmOrders is how many orders each cloud holds: 13 pages of
	// lmPageSize on either (Alibaba: 10 pages of CPACK orders, then 3 of
	// BUY ones; Huawei: 12 full pages and one of 10).
	lmOrders = 250
	// lmBuy is how many of Alibaba's orders are of OrderType BUY, which
	// the adapter lists after every CPACK order.
	lmBuy = 50
	// lmPageSize is the ListRequest's page size (Huawei pages hold at most
	// 44 entries; 20 keeps one request per page on both clouds).
	lmPageSize = 20
	// lmPages is how many page requests a whole listing of lmOrders takes
	// on either cloud, without faults or changes.
	lmPages = 13
	// lmAttempts is the broker's MaxAttempts: a listing fails once a page
	// failed this many attempts in a row.
	lmAttempts = 4
	// lmMiddle is how many entries of the faulted origin are read (5
	// pages) before a middle-page fault is installed.
	lmMiddle = 5 * lmPageSize
	// lmProb is the chance that any one list request fails in the
	// every-page pattern.
	lmProb = 0.3
	// lmSeed fixes the inventories' states and, plus a row's offset for
	// the every-page rows, the emulators' IDs and fault draws.
	lmSeed = 20260811
	// lmTimeout is the adapters' timeout, except for faults that wait it
	// out, which get lmShortTimeout.
	lmTimeout      = 10 * time.Second
	lmShortTimeout = 400 * time.Millisecond
	// lmRateLowered is the message the broker logs when a throttle
	// lowers an origin's rate (broker/log.go, logRate).
	lmRateLowered = "certbroker: throttled; rate lowered"
)

// lmFault is one fault kind of the matrix and what the broker must make
// of a page it hits.
type lmFault struct {
	name    string
	kind    faultinject.Kind
	latency time.Duration
	// short: the adapter gets lmShortTimeout, which the fault waits out.
	short bool
	// fails: a hit fails the page request (a latency within the timeout
	// does not).
	fails bool
	// retried: the broker retries a page that failed with it.
	retried bool
	// want is the kind of the origin's failure item when the listing
	// fails with it.
	want provider.Kind
}

// lmFaults lists every fault kind the emulators offer that a read can
// meet. A latency beyond the client's timeout is the hang (the client
// gives up either way), so it is not repeated.
func lmFaults() []lmFault {
	return []lmFault{
		// HTTP 500 with the cloud's internal-error code: a read applied
		// nothing, so unavailable, retried.
		{name: "server_error", kind: faultinject.ServerError, fails: true, retried: true, want: provider.KindUnavailable},
		// HTTP 503 with the cloud's unavailable code.
		{name: "unavailable_503", kind: faultinject.Unavailable, fails: true, retried: true, want: provider.KindUnavailable},
		// The cloud's throttling error: throttled, retried, and the
		// origin's rate is lowered (and only that origin's).
		{name: "throttle", kind: faultinject.Throttle, fails: true, retried: true, want: provider.KindThrottled},
		// TCP RST after the request: no answer; for a read, unavailable.
		{name: "reset", kind: faultinject.Reset, fails: true, retried: true, want: provider.KindUnavailable},
		// No answer until the adapter's timeout: unavailable, retried.
		{name: "hang_timeout", kind: faultinject.Hang, short: true, fails: true, retried: true, want: provider.KindUnavailable},
		// A slow answer within the timeout: no failure at all.
		{name: "latency_within_timeout", kind: faultinject.Latency, latency: 25 * time.Millisecond, want: provider.KindOther},
		// HTTP 200 whose body is not JSON: no page, unavailable, retried.
		{name: "malformed_body", kind: faultinject.Malformed, fails: true, retried: true, want: provider.KindUnavailable},
		// An HTML 404 from a proxy: internal/classify makes a code-less
		// 404 KindOther, which is not retried; it must not end the
		// listing as if it were complete, nor read as not_found.
		{name: "proxy_html_404", kind: faultinject.ProxyNotFound, fails: true, want: provider.KindOther},
		// An HTML 502 from a proxy: unavailable, retried.
		{name: "proxy_html_502", kind: faultinject.ProxyBadGateway, fails: true, retried: true, want: provider.KindUnavailable},
	}
}

// lmPattern is when a fault rule is installed and how often it hits.
type lmPattern struct {
	name string
	// at is how many entries of the faulted origin are read before the
	// rule is installed; 0 installs it before the listing.
	at int
	// times and prob are the rule's Times and Probability.
	times int
	prob  float64
	// persistent: the rule hits every request after it is installed.
	persistent bool
}

func lmPatterns() []lmPattern {
	return []lmPattern{
		// The first page's first request fails once.
		{name: "first_page_once", times: 1},
		// The sixth page's first request fails once, 100 entries in.
		{name: "middle_page_once", at: lmMiddle, times: 1},
		// Every request fails with probability 0.3 (a fixed seed per row):
		// whether some page exhausts its attempts, and so whether the
		// listing must fail, is read back from the broker's attempts.
		{name: "every_page_p30", prob: lmProb},
		// From the sixth page on, every request fails: beyond the retry
		// budget, so the listing ends with a failure after 100 entries.
		{name: "middle_page_persistent", at: lmMiddle, persistent: true},
	}
}

// lmClock is a fake broker clock: sleeps (backoff, pacing) return at once
// and move the clock on.
type lmClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *lmClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *lmClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d > 0 {
		c.mu.Lock()
		c.now = c.now.Add(d)
		c.mu.Unlock()
	}
	return nil
}

// lmLog counts, per origin, the broker's "rate lowered" records.
type lmLog struct {
	mu      sync.Mutex
	lowered map[string]int
}

func (h *lmLog) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelInfo }

func (h *lmLog) Handle(_ context.Context, r slog.Record) error {
	if r.Message != lmRateLowered {
		return nil
	}
	origin := ""
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "origin" {
			origin = a.Value.String()
		}
		return true
	})
	h.mu.Lock()
	defer h.mu.Unlock()
	h.lowered[origin]++
	return nil
}

func (h *lmLog) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *lmLog) WithGroup(string) slog.Handler      { return h }

func (h *lmLog) loweredFor(origin string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.lowered[origin]
}

// lmReq is one list request as an emulator logged it.
type lmReq struct {
	fault faultinject.Kind
}

// lmAttempt is one page attempt the broker made: the List call it sent
// to the provider, as a middleware saw it.
type lmAttempt struct {
	token string
	err   error
}

// lmRecorder records every origin's page attempts.
type lmRecorder struct {
	mu       sync.Mutex
	attempts map[string][]lmAttempt
}

func (r *lmRecorder) add(origin string, a lmAttempt) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.attempts[origin] = append(r.attempts[origin], a)
}

func (r *lmRecorder) of(origin string) []lmAttempt {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.attempts[origin])
}

// lmLister is the recording middleware: the provider, and a List that
// records each call. (broker.WithObserver does not see list pages.)
type lmLister struct {
	provider.Provider
	origin string
	rec    *lmRecorder
}

func (l lmLister) List(ctx context.Context, req provider.ListRequest) (*provider.ListPage, error) {
	page, err := l.Provider.(provider.Lister).List(ctx, req)
	l.rec.add(l.origin, lmAttempt{token: req.PageToken, err: err})
	return page, err
}

// lmEnv is both emulators, each seeded with lmOrders orders in mixed
// states, the real adapters, and a broker over both.
type lmEnv struct {
	ali, hw *backend
	aliS    *alibabatest.Server
	hwS     *huaweitest.Server
	br      *broker.Broker
	log     *lmLog
	rec     *lmRecorder
	// seeded holds every seeded ID, per origin.
	seeded map[string]map[string]bool
}

// lmAliOrder is the native order alibabatest.Seed creates for st, for
// seeding orders of OrderType BUY (Seed makes CPACK ones).
func lmAliOrder(st provider.State) alibabatest.Order {
	switch st {
	case provider.StatePendingApplication:
		return alibabatest.Order{Type: alibabatest.TypePayed}
	case provider.StateCancelled:
		return alibabatest.Order{Type: alibabatest.TypePayed, Cancelled: true}
	case provider.StateUnderReview:
		return alibabatest.Order{Type: alibabatest.TypeDomainVerify}
	case provider.StateReviewFailed:
		return alibabatest.Order{Type: alibabatest.TypeVerifyFail}
	case provider.StateIssued:
		return alibabatest.Order{Type: alibabatest.TypeCertificate, Status: alibabatest.StatusIssued}
	case provider.StateExpiring:
		return alibabatest.Order{Type: alibabatest.TypeCertificate, Status: alibabatest.StatusWillExpire}
	case provider.StateExpired:
		return alibabatest.Order{Type: alibabatest.TypeCertificate, Status: alibabatest.StatusExpired}
	case provider.StateRevoked:
		return alibabatest.Order{Type: alibabatest.TypeUnknown, Status: alibabatest.StatusRevoked}
	}
	panic(fmt.Sprintf("no Alibaba order for state %v", st))
}

// newLMEnv builds the environment; shortAli and shortHW give that
// cloud's adapter lmShortTimeout, and seed seeds the emulators (their IDs
// and fault draws; the inventories' states always come from lmSeed).
func newLMEnv(t *testing.T, shortAli, shortHW bool, seed uint64) *lmEnv {
	t.Helper()
	timeout := func(short bool) time.Duration {
		if short {
			return lmShortTimeout
		}
		return lmTimeout
	}
	ali, aliS := newAlibaba(t, aliOptions{origin: "alibaba", timeout: timeout(shortAli), seed: seed})
	hw, hwS := newHuawei(t, hwOptions{origin: "huawei", timeout: timeout(shortHW), seed: seed})
	e := &lmEnv{ali: ali, hw: hw, aliS: aliS, hwS: hwS, log: &lmLog{lowered: map[string]int{}},
		rec:    &lmRecorder{attempts: map[string][]lmAttempt{}},
		seeded: map[string]map[string]bool{"alibaba": {}, "huawei": {}}}

	rng := rand.New(rand.NewPCG(lmSeed, 7))
	aliStates, hwStates := alibabatest.States(), huaweitest.States()
	buy := map[int]bool{}
	for _, i := range rng.Perm(lmOrders)[:lmBuy] {
		buy[i] = true
	}
	for i := range lmOrders {
		st := aliStates[rng.IntN(len(aliStates))]
		var id string
		if buy[i] {
			o := lmAliOrder(st)
			o.OrderType = alibabatest.OrderTypeBuy
			id = aliS.SeedOrder(o)
		} else {
			id = aliS.Seed(st)
		}
		if got, ok := aliS.State(id); !ok || got != st {
			t.Fatalf("alibaba: seeded %s in %v, the emulator holds %v (%v)", id, st, got, ok)
		}
		e.seeded["alibaba"][id] = true
		e.seeded["huawei"][hwS.Seed(hwStates[rng.IntN(len(hwStates))])] = true
	}
	if len(e.seeded["huawei"]) != lmOrders {
		t.Fatalf("huawei: %d distinct IDs seeded, want %d", len(e.seeded["huawei"]), lmOrders)
	}

	e.br = broker.New(
		broker.WithClock(&lmClock{now: time.Date(2026, 8, 11, 9, 0, 0, 0, time.UTC)}),
		broker.WithLogger(slog.New(e.log)),
		broker.WithMiddleware(func(origin string, p provider.Provider) provider.Provider {
			return lmLister{Provider: p, origin: origin, rec: e.rec}
		}),
		broker.WithRetry(func(p *broker.RetryPolicy) {
			p.MaxAttempts = lmAttempts
			p.BackoffBase, p.BackoffMax = time.Millisecond, 4*time.Millisecond
			p.Jitter = func() float64 { return 0.5 }
			p.Budget, p.Refill = math.Inf(1), 0
		}),
	)
	// No WithRate: each adapter's own per-API rates, on the fake clock.
	for _, b := range []*backend{ali, hw} {
		if err := e.br.Register(b.origin, b.p); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func (e *lmEnv) backendOf(origin string) *backend {
	if origin == "alibaba" {
		return e.ali
	}
	return e.hw
}

// inject adds a fault rule on origin's list API.
func (e *lmEnv) inject(origin string, f faultinject.Fault) {
	switch origin {
	case "alibaba":
		f.Action = alibabatest.ActionList
	case "huawei":
		f.Action = huaweitest.ActionList // GET /v3/scm/certificates (and v2 certlist)
	}
	e.backendOf(origin).inject(f)
}

// listReqs returns origin's list requests, oldest first.
func (e *lmEnv) listReqs(origin string) []lmReq {
	var out []lmReq
	if origin == "alibaba" {
		for _, r := range e.aliS.Requests() {
			if r.Action == alibabatest.ActionList {
				out = append(out, lmReq{fault: faultinject.Kind(r.Fault)})
			}
		}
		return out
	}
	for _, r := range e.hwS.Requests() {
		if r.Action == huaweitest.ActionList {
			out = append(out, lmReq{fault: faultinject.Kind(r.Fault)})
		}
	}
	return out
}

// truth is origin's order id as the emulator holds it, as a listing can
// report it: both clouds list a cancelled order like a fresh one (PAYED,
// PAID), as both adapters document (their StatusAliases), so a cancelled
// order is expected as pending application.
func (e *lmEnv) truth(origin, id string) (provider.State, bool) {
	st, ok := e.backendOf(origin).state(id)
	if st == provider.StateCancelled {
		st = provider.StatePendingApplication
	}
	return st, ok
}

// lmOther is the origin that is not origin.
func lmOther(origin string) string {
	if origin == "alibaba" {
		return "huawei"
	}
	return "alibaba"
}

// lmList lists origins (sorted) through the broker, calling hooks[n] once
// n entries of origin target have been read (between two pages when n is
// a multiple of lmPageSize). It returns the items per origin, in order,
// and fails the test unless the origins come one after the other, in name
// order.
func lmList(t *testing.T, br *broker.Broker, target string, hooks map[int]func(), origins ...string) map[string][]broker.ListItem {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	out := map[string][]broker.ListItem{}
	var order []string
	n := 0
	for it := range br.List(ctx, provider.ListRequest{PageSize: lmPageSize}, origins...) {
		if len(order) == 0 || order[len(order)-1] != it.Origin {
			if slices.Contains(order, it.Origin) {
				t.Errorf("origin %q listed again after %v", it.Origin, order)
			}
			order = append(order, it.Origin)
		}
		out[it.Origin] = append(out[it.Origin], it)
		if it.Origin == target && it.Err == nil {
			n++
			if h := hooks[n]; h != nil {
				h()
			}
		}
	}
	if ctx.Err() != nil {
		t.Fatalf("the listing did not end within its safety bound: %v", ctx.Err())
	}
	if !slices.Equal(order, origins) {
		t.Errorf("origins listed in the order %v, want %v", order, origins)
	}
	return out
}

// lmSplit checks what holds for any listing of one origin: only seeded
// orders, none twice, at most one failure and only as the origin's last
// item, a *provider.Error of Op list, stamped with the origin, and never
// outcome_unknown. It returns the entries and the failure.
func lmSplit(t *testing.T, origin string, items []broker.ListItem, seeded map[string]bool) ([]provider.ListEntry, *provider.Error) {
	t.Helper()
	var entries []provider.ListEntry
	var failure *provider.Error
	seen := map[string]bool{}
	for i, it := range items {
		if it.Err != nil {
			if i != len(items)-1 {
				t.Errorf("%s: failure is item %d of %d, not the origin's last: %v", origin, i+1, len(items), it.Err)
			}
			if failure != nil {
				t.Errorf("%s: a second failure item: %v", origin, it.Err)
			}
			var pe *provider.Error
			if !errors.As(it.Err, &pe) {
				t.Errorf("%s: failure %T is not a *provider.Error: %v", origin, it.Err, it.Err)
				continue
			}
			failure = pe
			switch {
			case pe.Kind == provider.KindOutcomeUnknown:
				t.Errorf("%s: a read failed with outcome_unknown: %v", origin, pe)
			case pe.Op != provider.OpList:
				t.Errorf("%s: failure has Op %q, want %q: %v", origin, pe.Op, provider.OpList, pe)
			case pe.Origin != origin:
				t.Errorf("%s: failure has Origin %q: %v", origin, pe.Origin, pe)
			}
			continue
		}
		id := it.Entry.ID
		if seen[id] {
			t.Errorf("%s: order %s listed twice", origin, id)
		}
		seen[id] = true
		if !seeded[id] {
			t.Errorf("%s: listed %s, which was never seeded", origin, id)
		}
		entries = append(entries, it.Entry)
	}
	return entries, failure
}

// lmExpectAll fails unless entries list every ID of want (and, by
// lmSplit, none twice).
func lmExpectAll(t *testing.T, what string, entries []provider.ListEntry, want map[string]bool) {
	t.Helper()
	listed := map[string]bool{}
	for _, e := range entries {
		listed[e.ID] = true
	}
	missing := 0
	for id := range want {
		if !listed[id] {
			missing++
			if missing <= 5 {
				t.Errorf("%s: order %s not listed", what, id)
			}
		}
	}
	if missing > 0 || len(entries) != len(want) {
		t.Errorf("%s: %d entries for %d orders, %d of them missing", what, len(entries), len(want), missing)
	}
}

// lmExpectStates fails unless each entry's State is what want reports.
func lmExpectStates(t *testing.T, what string, entries []provider.ListEntry, want func(id string) (provider.State, bool)) {
	t.Helper()
	bad := 0
	for _, e := range entries {
		st, ok := want(e.ID)
		if !ok || e.State != st {
			bad++
			if bad <= 5 {
				t.Errorf("%s: order %s listed as %v (native %q), want %v (exists: %v)", what, e.ID, e.State, e.NativeState, st, ok)
			}
		}
	}
	if bad > 5 {
		t.Errorf("%s: %d entries in the wrong state", what, bad)
	}
}

// lmExpectClean checks a listing of origin that no fault touched: every
// seeded order exactly once, in its state, no failure, no rate lowered,
// and one request per page.
func lmExpectClean(t *testing.T, e *lmEnv, origin string, items []broker.ListItem) {
	t.Helper()
	entries, failure := lmSplit(t, origin, items, e.seeded[origin])
	if failure != nil {
		t.Errorf("%s (not faulted): the listing failed: %v", origin, failure)
	}
	lmExpectAll(t, origin+" (not faulted)", entries, e.seeded[origin])
	lmExpectStates(t, origin+" (not faulted)", entries, func(id string) (provider.State, bool) { return e.truth(origin, id) })
	if n := e.log.loweredFor(origin); n != 0 {
		t.Errorf("%s (not faulted): the broker lowered its rate %d times", origin, n)
	}
	if reqs := e.listReqs(origin); len(reqs) != lmPages {
		t.Errorf("%s (not faulted): %d list requests, want %d (one per page)", origin, len(reqs), lmPages)
	}
	if atts := e.rec.of(origin); len(atts) != lmPages {
		t.Errorf("%s (not faulted): %d page attempts, want %d", origin, len(atts), lmPages)
	}
}

// lmGivesUp replays the broker's retry rule over the page attempts made
// since the fault was installed: it reports whether some page failed
// lmAttempts times in a row (once, for a fault not retried), and at which
// attempt.
func lmGivesUp(atts []lmAttempt, f lmFault) (bool, int) {
	run := 0
	for i, a := range atts {
		if a.err == nil {
			run = 0
			continue
		}
		run++
		if !f.retried || run == lmAttempts {
			return true, i
		}
	}
	return false, -1
}

// TestListFaultMatrix lists both clouds through the broker, 250 orders
// each in 13 pages of 20, with one fault kind injected on one cloud's list
// API in one pattern: 2 clouds x 9 kinds x 4 patterns = 72 rows. Where
// the other cloud is listed too (persistent faults, throttling) it must
// list completely and cleanly. See lmFaults and
// lmPatterns for what each row proves. Each every-page row draws its
// faults from a seed of its own, so that some end complete after retries
// and some exhaust a page's attempts; at least one of each must occur.
func TestListFaultMatrix(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	outcomes := map[bool]int{} // every-page rows of retried kinds: ended with a failure?
	retriedKinds := 0
	for _, f := range lmFaults() {
		if f.retried {
			retriedKinds++
		}
	}
	t.Run("rows", func(t *testing.T) {
		for ci, origin := range []string{"alibaba", "huawei"} {
			for fi, f := range lmFaults() {
				for _, p := range lmPatterns() {
					seed := uint64(lmSeed)
					if p.prob > 0 {
						seed += uint64(2*fi + ci)
					}
					t.Run(origin+"/"+f.name+"/"+p.name, func(t *testing.T) {
						t.Parallel()
						failed := runListFault(t, origin, f, p, seed)
						if p.prob > 0 && f.retried {
							mu.Lock()
							outcomes[failed]++
							mu.Unlock()
						}
					})
				}
			}
		}
	})
	t.Logf("every-page rows of retried kinds: %d listed everything, %d exhausted a page's %d attempts", outcomes[false], outcomes[true], lmAttempts)
	if ran := outcomes[false] + outcomes[true]; ran == 2*retriedKinds && !t.Failed() && (outcomes[false] == 0 || outcomes[true] == 0) {
		t.Errorf("every-page rows: %d complete, %d failed; want some of each (change the seeds)", outcomes[false], outcomes[true])
	}
}

// runListFault runs one row and reports whether the faulted origin's
// listing ended with a failure.
func runListFault(t *testing.T, target string, f lmFault, p lmPattern, seed uint64) bool {
	e := newLMEnv(t, f.short && target == "alibaba", f.short && target == "huawei", seed)
	rule := faultinject.Fault{Kind: f.kind, Latency: f.latency, Times: p.times, Probability: p.prob}
	attBefore, reqBefore := 0, 0 // page attempts and list requests before the rule
	hooks := map[int]func(){}
	if p.at == 0 {
		e.inject(target, rule)
	} else {
		hooks[p.at] = func() {
			attBefore, reqBefore = len(e.rec.of(target)), len(e.listReqs(target))
			e.inject(target, rule)
		}
	}
	// The other origin is listed too where it can be hurt: after (or
	// before) a listing that fails, and beside a throttled one.
	origins := []string{target}
	if p.persistent || f.kind == faultinject.Throttle {
		origins = []string{"alibaba", "huawei"}
	}
	items := lmList(t, e.br, target, hooks, origins...)
	if p.at != 0 && attBefore != p.at/lmPageSize {
		t.Fatalf("%d page attempts before the fault, want %d: the hook did not run between pages", attBefore, p.at/lmPageSize)
	}

	if len(origins) == 2 {
		lmExpectClean(t, e, lmOther(target), items[lmOther(target)])
	}

	entries, failure := lmSplit(t, target, items[target], e.seeded[target])
	lmExpectStates(t, target, entries, func(id string) (provider.State, bool) { return e.truth(target, id) })

	// The emulator's view: list requests, and those the rule hit.
	reqs := e.listReqs(target)
	hit := 0
	for i, r := range reqs {
		switch {
		case r.fault != 0 && i < reqBefore:
			t.Errorf("list request %d hit by %v before the rule was installed", i+1, r.fault)
		case r.fault != 0:
			hit++
		}
	}
	// The broker's view: page attempts, and those that failed.
	atts := e.rec.of(target)
	after := atts[attBefore:]
	failed := 0
	for i, a := range atts {
		switch {
		case a.err != nil && (i < attBefore || !f.fails):
			t.Errorf("page attempt %d failed without a fault that fails: %v", i+1, a.err)
		case a.err != nil:
			failed++
			// A failed page is retried from the same page token.
			if i+1 < len(atts) && atts[i+1].token != a.token {
				t.Errorf("page attempt %d (token %q) failed; the next asked for %q", i+1, a.token, atts[i+1].token)
			}
		}
	}
	// Each failed attempt is a request the rule hit. A reset may hit one
	// more request per attempt: net/http replays a GET (Huawei lists with
	// GET) once, on a new connection, when a reused keep-alive connection
	// is reset before any answer; when the replay succeeds the broker sees
	// no failure at all.
	replays := 0
	if f.kind == faultinject.Reset {
		replays = len(atts)
	}
	if f.fails && (hit < failed || hit > failed+replays) {
		t.Errorf("%d page attempts failed, but the emulator's rule hit %d requests", failed, hit)
	}

	// What the pattern must produce, stated independently of the log...
	wantErr := false
	switch {
	case p.persistent && f.fails:
		want := 1
		if f.retried {
			want = lmAttempts
		}
		if failed != want || len(after) != want {
			t.Errorf("persistent fault: %d of %d page attempts failed, want %d of %d (1 for a fault not retried, %d for one retried)",
				failed, len(after), want, want, lmAttempts)
		}
		wantErr = true
	case p.persistent:
		if hit == 0 || hit != len(reqs)-reqBefore {
			t.Errorf("persistent latency hit %d of the %d requests after it was installed", hit, len(reqs)-reqBefore)
		}
	case p.times == 1:
		if hit != 1 {
			t.Errorf("a fault installed for one request hit %d", hit)
		}
		if f.fails && failed != 1 && (f.kind != faultinject.Reset || failed != 0) {
			t.Errorf("a fault installed for one request failed %d page attempts", failed)
		}
		wantErr = f.fails && !f.retried
	default:
		if hit == 0 {
			t.Errorf("a fault of probability %.1f hit none of %d requests: the row proves nothing", lmProb, len(reqs))
		}
	}
	// ...and as the retry rule replayed over the broker's attempts says.
	givesUp, at := lmGivesUp(after, f)
	if p.prob > 0 {
		wantErr = givesUp
		t.Logf("%d of %d list requests hit, %d of %d page attempts failed; the broker should give up: %v", hit, len(reqs), failed, len(atts), givesUp)
	} else if givesUp != wantErr {
		t.Errorf("the attempts show a page failing %v, but the pattern expects the listing to fail: %v", givesUp, wantErr)
	}
	if givesUp && at != len(after)-1 {
		t.Errorf("the broker gave up at page attempt %d but made %d more", attBefore+at+1, len(after)-1-at)
	}

	okPages := len(atts) - failed
	switch {
	case wantErr && failure == nil:
		t.Errorf("the listing ended without a failure after %d entries; want one of kind %v", len(entries), f.want)
	case !wantErr && failure != nil:
		t.Errorf("the listing failed after %d entries: %v (kind %v); the retries should have covered it", len(entries), failure, failure.Kind)
	case failure != nil:
		if failure.Kind != f.want {
			t.Errorf("the listing failed with kind %v, want %v: %v", failure.Kind, f.want, failure)
		}
		// Every page read was listed whole, and nothing else.
		if len(entries) != okPages*lmPageSize {
			t.Errorf("%d entries before the failure, want %d (%d pages read)", len(entries), okPages*lmPageSize, okPages)
		}
		if p.at != 0 && len(entries) != p.at {
			t.Errorf("%d entries before the failure, want the %d read before the fault", len(entries), p.at)
		}
	default:
		lmExpectAll(t, target, entries, e.seeded[target])
		if okPages != lmPages {
			t.Errorf("%d successful page attempts for %d pages", okPages, lmPages)
		}
	}

	// A throttle lowers the throttled origin's rate (and, lmExpectClean,
	// never the other's), and nothing else lowers any rate.
	lowered := e.log.loweredFor(target)
	switch {
	case f.kind == faultinject.Throttle && hit > 0 && lowered == 0:
		t.Errorf("%d throttled requests, and the broker never lowered the rate", hit)
	case f.kind != faultinject.Throttle && lowered != 0:
		t.Errorf("a %s fault lowered the rate %d times", f.name, lowered)
	}
	return failure != nil
}

// lmChange is a change made between two pages of one origin's listing.
type lmChange struct {
	name   string
	origin string
	// op is the operation sent through the broker on the chosen order:
	// OpDelete, OpRevoke or OpCancel; "" for no change.
	op provider.Op
	// lo and hi bound the chosen order's place relative to the page
	// boundary k (the change happens once k entries were read): -1 is the
	// last order listed (Huawei's anchor), 0 the first of the next page.
	// The first boundary from the third page on with an order in range
	// that the operation accepts is taken.
	lo, hi int
	// failNext also makes the next page's first request fail once (HTTP
	// 500).
	failNext bool
	// checkStatus compares every entry with a Status call.
	checkStatus bool
}

func lmChanges() []lmChange {
	var out []lmChange
	for _, origin := range []string{"alibaba", "huawei"} {
		out = append(out,
			// No change: every entry agrees with a Status call through the broker.
			lmChange{name: "none_status_agrees", origin: origin, checkStatus: true},
			// An order listed shortly before the last one (within Huawei's
			// 5-row look-back) is deleted: rows shift back by one; nothing
			// is skipped or repeated.
			lmChange{name: "delete_listed", origin: origin, op: provider.OpDelete, lo: -6, hi: -2},
			// Same, and the next page's first request fails once: the
			// retry from the same token still lists everything once.
			lmChange{name: "delete_listed_then_500", origin: origin, op: provider.OpDelete, lo: -6, hi: -2, failNext: true},
			// One of the first orders of the next page is deleted: it is
			// not listed, everything else is, once.
			lmChange{name: "delete_next", origin: origin, op: provider.OpDelete, lo: 0, hi: 4},
			// An order further on is deleted: not listed; the rest once.
			lmChange{name: "delete_later", origin: origin, op: provider.OpDelete, lo: 25, hi: 45},
			// The last order listed is deleted (Huawei's newest anchor):
			// Alibaba's cursor and Huawei's older anchors must cope;
			// nothing is skipped or repeated.
			lmChange{name: "delete_last_listed", origin: origin, op: provider.OpDelete, lo: -1, hi: -1},
			// A listed order is revoked: listed once, in its old state.
			lmChange{name: "revoke_listed", origin: origin, op: provider.OpRevoke, lo: -6, hi: -2},
			// An order of the next page is revoked: listed once, in
			// its new state (Huawei: revoking; its expiry, the sort key,
			// does not move).
			lmChange{name: "revoke_next", origin: origin, op: provider.OpRevoke, lo: 0, hi: 9},
			// An application further on is withdrawn: listed once, in
			// its new state.
			lmChange{name: "cancel_later", origin: origin, op: provider.OpCancel, lo: 5, hi: 15},
		)
	}
	return out
}

// TestListMidListingChanges changes one order between two pages of a
// listing through the broker (9 rows per cloud, see lmChanges): nothing
// is listed twice, every order present throughout is listed exactly once
// (except where an adapter documents otherwise), a deleted order is
// listed only if it was read before it went, and every entry carries the
// state the order had when its page was read.
func TestListMidListingChanges(t *testing.T) {
	t.Parallel()
	for _, c := range lmChanges() {
		t.Run(c.origin+"/"+c.name, func(t *testing.T) {
			t.Parallel()
			runListChange(t, c)
		})
	}
}

func runListChange(t *testing.T, c lmChange) {
	e := newLMEnv(t, false, false, lmSeed)
	b := e.backendOf(c.origin)

	// The listing's order, read once through the adapter alone.
	var ref []string
	l := b.p.(provider.Lister)
	for page, err := range provider.Pages(t.Context(), l, provider.ListRequest{PageSize: lmPageSize}) {
		if err != nil {
			t.Fatalf("reference listing: %v", err)
		}
		for _, en := range page.Entries {
			ref = append(ref, en.ID)
		}
	}
	if len(ref) != lmOrders {
		t.Fatalf("reference listing: %d entries, want %d", len(ref), lmOrders)
	}

	// The first page boundary k, two pages in at least and a page before
	// the end, with an order between k+lo and k+hi (at k+pos) that can
	// take the operation.
	k, victim, pos := 0, "", 0
	if c.op != "" {
		from := b.p.Capabilities().For(c.op).From
	search:
		for kk := 2 * lmPageSize; kk+lmPageSize < len(ref); kk += lmPageSize {
			for i := kk + c.lo; i <= kk+c.hi && i < len(ref); i++ {
				if st, _ := b.state(ref[i]); slices.Contains(from, st) {
					k, victim, pos = kk, ref[i], i-kk
					break search
				}
			}
		}
		if victim == "" {
			t.Fatalf("no page boundary has an order at %+d to %+d that %s accepts: change lmSeed", c.lo, c.hi, c.op)
		}
	}
	before, _ := e.truth(c.origin, victim)
	want := map[string]bool{}
	for id := range e.seeded[c.origin] {
		want[id] = true
	}
	stateOf := func(id string) (provider.State, bool) { return e.truth(c.origin, id) }
	var after provider.State
	sentBefore := 0 // list requests to the origin before the change
	hooks := map[int]func(){}
	if c.op != "" {
		hooks[k] = func() {
			ctx := t.Context()
			var err error
			switch c.op {
			case provider.OpDelete:
				_, err = e.br.Delete(ctx, c.origin, provider.DeleteRequest{ID: victim})
			case provider.OpRevoke:
				_, err = e.br.Revoke(ctx, c.origin, provider.RevokeRequest{ID: victim})
			case provider.OpCancel:
				_, err = e.br.Cancel(ctx, c.origin, provider.CancelRequest{ID: victim})
			}
			if err != nil {
				t.Fatalf("%s %s (%v) between pages: %v", c.op, victim, before, err)
			}
			var ok bool
			after, ok = e.truth(c.origin, victim)
			if ok == (c.op == provider.OpDelete) || (ok && after == before) {
				t.Fatalf("%s %s: the emulator holds it in %v (exists: %v), was %v", c.op, victim, after, ok, before)
			}
			sentBefore = len(e.listReqs(c.origin))
			if c.failNext {
				e.inject(c.origin, faultinject.Fault{Kind: faultinject.ServerError, Times: 1})
			}
		}
		if c.op == provider.OpDelete && pos >= 0 {
			delete(want, victim)
		}
		// Each entry in the state its order had when its page was read.
		stateOf = func(id string) (provider.State, bool) {
			if id != victim {
				return e.truth(c.origin, id)
			}
			if pos < 0 {
				return before, true
			}
			return after, true
		}
	}

	items := lmList(t, e.br, c.origin, hooks, c.origin)
	entries, failure := lmSplit(t, c.origin, items[c.origin], e.seeded[c.origin])
	if failure != nil {
		t.Fatalf("the listing failed after %d entries: %v", len(entries), failure)
	}
	if c.op != "" {
		t.Logf("%s %s (%v -> %v, at %+d) after %d entries; %d listed", c.op, victim, before, after, pos, k, len(entries))
	}
	lmExpectAll(t, c.origin, entries, want)
	lmExpectStates(t, c.origin, entries, stateOf)
	if c.op == provider.OpDelete && pos >= 0 {
		for _, en := range entries {
			if en.ID == victim {
				t.Errorf("order %s listed after it was deleted", victim)
			}
		}
	}
	if c.failNext {
		// The fault hit the page after the change (for Alibaba, its first
		// request, before the re-read).
		if reqs := e.listReqs(c.origin); len(reqs) <= sentBefore || reqs[sentBefore].fault != faultinject.ServerError {
			t.Errorf("the injected 500 did not hit the first list request after the change")
		}
	}
	if c.checkStatus {
		for _, en := range entries {
			res, err := e.br.Status(t.Context(), c.origin, provider.StatusRequest{ID: en.ID})
			if err != nil {
				t.Errorf("Status %s: %v", en.ID, err)
				continue
			}
			if res.State != en.State {
				t.Errorf("order %s listed as %v, Status reports %v", en.ID, en.State, res.State)
			}
		}
	}
}
