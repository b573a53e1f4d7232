package providertest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/certbroker/certbroker/provider"
)

// ListSeeder is implemented by harnesses whose backend can seed an order
// with a chosen end of validity and domains. With it, the suite checks the
// expiry and domain filters of a [provider.Lister]; without it, only the
// state filter, paging and changes during a listing.
//
// The suite compares NotAfter with the real clock, with margins of days,
// so the backend's clock must be within a day of it.
type ListSeeder interface {
	// SeedWith creates an order out of band as o describes (State,
	// NotAfter, Domains; ID and Type are left empty by the suite) and
	// returns its ID. It fails the test if it cannot.
	SeedWith(t testing.TB, o SeedOptions) string
}

// listPageSizes are the page sizes the suite lists with, against
// listOrders orders: pages of one, of two, and a page size that does not
// divide the total.
var listPageSizes = []int{1, 2, 7}

const listOrders = 15

// list runs the listing checks, for a provider that is a Lister.
func (s *suite[T]) list(t T) {
	t.Parallel()
	t.Run("agrees_with_status", s.listAgreesWithStatus)
	for _, size := range listPageSizes {
		t.Run(fmt.Sprintf("pages_of_%d", size), func(t T) { s.listPages(t, size) })
	}
	t.Run("filter_state", s.listFilterState)
	if s.listSeeder {
		t.Run("filter_expiry_domain", s.listFilterExpiryDomain)
	}
	if _, ok := s.allowedState(provider.OpDelete); ok {
		t.Run("delete_mid_listing", s.listDeleteMidListing)
	}
	t.Run("invalid", s.listInvalid)
}

// listing is a whole listing as the suite read it.
type listing struct {
	entries []provider.ListEntry
	pages   int
	ok      bool
}

// readListing reads every page of req from the provider of h, failing the
// test on an error or on more pages than entries could explain (tokens in
// a cycle). between, when not nil, runs after each page.
func readListing(t testing.TB, h Harness, what string, req provider.ListRequest, most int, between func(page int, entries []provider.ListEntry)) listing {
	t.Helper()
	l := h.Provider().(provider.Lister)
	var out listing
	for page, err := range provider.Pages(t.Context(), l, req) {
		if err != nil {
			t.Errorf("%s: page %d: %v", what, out.pages+1, err)
			return out
		}
		out.pages++
		if req.PageSize > 0 && len(page.Entries) > req.PageSize {
			t.Errorf("%s: page %d holds %d entries, more than the page size %d", what, out.pages, len(page.Entries), req.PageSize)
		}
		out.entries = append(out.entries, page.Entries...)
		if between != nil {
			between(out.pages, page.Entries)
		}
		if out.pages > 2*most+4 {
			t.Errorf("%s: %d pages for at most %d entries: the page tokens never end", what, out.pages, most)
			return out
		}
	}
	out.ok = true
	return out
}

// expectListedOnce reports an error for every ID of want not listed
// exactly once, every ID listed twice, and every listed ID not in
// allowed (nil: anything).
func expectListedOnce(t testing.TB, what string, got []provider.ListEntry, want, allowed []string) {
	t.Helper()
	seen := map[string]int{}
	for _, e := range got {
		if seen[e.ID]++; seen[e.ID] == 2 {
			t.Errorf("%s: order %s listed more than once", what, e.ID)
		}
		if allowed != nil && !slices.Contains(allowed, e.ID) {
			t.Errorf("%s: listed order %s (state %s), which the listing should not hold", what, e.ID, e.State)
		}
	}
	for _, id := range want {
		if seen[id] == 0 {
			t.Errorf("%s: order %s not listed", what, id)
		}
	}
}

// seedEvery seeds n orders, going round the harness's states, and returns
// their IDs and states.
func (s *suite[T]) seedEvery(t testing.TB, h Harness, n int) ([]string, map[string]provider.State) {
	t.Helper()
	ids := make([]string, 0, n)
	states := map[string]provider.State{}
	for i := range n {
		st := s.states[i%len(s.states)]
		id := h.Seed(t, st)
		ids = append(ids, id)
		states[id] = st
	}
	return ids, states
}

// listAgreesWithStatus lists one order in each state and compares every
// entry with Status and with the state out of band.
func (s *suite[T]) listAgreesWithStatus(t T) {
	t.Parallel()
	h := s.newHarness(t)
	ids, states := s.seedEvery(t, h, len(s.states))
	got := readListing(t, h, "listing every state", provider.ListRequest{}, len(ids), nil)
	expectListedOnce(t, "listing every state", got.entries, ids, ids)
	for _, e := range got.entries {
		what := fmt.Sprintf("listed order %s (seeded %s)", e.ID, states[e.ID])
		expectReported(t, h, what, e.State, states[e.ID], false)
		res, err := h.Provider().Status(t.Context(), provider.StatusRequest{ID: e.ID})
		if err != nil {
			t.Errorf("%s: Status: %v", what, err)
			continue
		}
		// Documented aliases (StatusAliaser) may make the two differ, as
		// long as both are reportable for the true state.
		if ok := reportable(h, states[e.ID]); res.State != e.State && !(slices.Contains(ok, res.State) && slices.Contains(ok, e.State)) {
			t.Errorf("%s: listed in state %s, but Status reports %s", what, e.State, res.State)
		}
		if e.NativeState == "" {
			t.Errorf("%s: listed without a native state", what)
		}
	}
}

// listPages lists listOrders orders size at a time; a Paced provider must
// pace every request.
func (s *suite[T]) listPages(t T, size int) {
	t.Parallel()
	h := s.newHarness(t)
	ids, _ := s.seedEvery(t, h, listOrders)
	before := h.Requests(t)
	pacer := &countingPacer{}
	ctx := provider.WithPacer(t.Context(), pacer)
	what := fmt.Sprintf("listing %d orders %d a page", len(ids), size)
	l := h.Provider().(provider.Lister)
	var entries []provider.ListEntry
	req := provider.ListRequest{PageSize: size}
	for pages := 0; ; pages++ {
		if pages > 2*len(ids)+4 {
			t.Fatalf("%s: %d pages: the page tokens never end", what, pages)
		}
		page, err := l.List(ctx, req)
		if err != nil {
			t.Fatalf("%s: page %d: %v", what, pages+1, err)
		}
		if len(page.Entries) > size {
			t.Errorf("%s: page %d holds %d entries", what, pages+1, len(page.Entries))
		}
		entries = append(entries, page.Entries...)
		if page.Next == "" {
			break
		}
		req.PageToken = page.Next
	}
	expectListedOnce(t, what, entries, ids, ids)
	if h.Provider().Capabilities().Paced {
		if sent, paced := h.Requests(t)-before, int(pacer.n.Load()); paced < sent {
			t.Errorf("%s: the provider declares Capabilities.Paced but called Pace %d times for %d requests", what, paced, sent)
		}
	}
}

// listFilterState lists each state alone, and two states at once.
func (s *suite[T]) listFilterState(t T) {
	t.Parallel()
	h := s.newHarness(t)
	ids, _ := s.seedEvery(t, h, 2*len(s.states))
	// The filter matches the state the listing reports (which
	// agrees_with_status compares with Status).
	all := readListing(t, h, "listing every order", provider.ListRequest{}, len(ids), nil)
	if !all.ok {
		return
	}
	reported := map[string]provider.State{}
	for _, e := range all.entries {
		reported[e.ID] = e.State
	}
	filters := [][]provider.State{}
	for _, st := range s.states {
		filters = append(filters, []provider.State{st})
	}
	if len(s.states) >= 2 {
		filters = append(filters, []provider.State{s.states[0], s.states[len(s.states)-1]})
	}
	for _, f := range filters {
		var want []string
		for _, id := range ids {
			if slices.Contains(f, reported[id]) {
				want = append(want, id)
			}
		}
		what := "listing states " + joinStates(f)
		got := readListing(t, h, what, provider.ListRequest{States: f, PageSize: 2}, len(ids), nil)
		expectListedOnce(t, what, got.entries, want, want)
	}
}

// listFilterExpiryDomain seeds orders with chosen expiries and domains and
// checks both filters, alone and together.
func (s *suite[T]) listFilterExpiryDomain(t T) {
	t.Parallel()
	h := s.newHarness(t)
	st := s.states[0]
	for _, pref := range []provider.State{provider.StateExpiring, provider.StateIssued} {
		if slices.Contains(s.states, pref) {
			st = pref
		}
	}
	seeder := h.(ListSeeder)
	day := 24 * time.Hour
	now := time.Now()
	seed := func(in time.Duration, domains ...string) string {
		return seeder.SeedWith(t, SeedOptions{State: st, NotAfter: now.Add(in).Truncate(time.Second), Domains: domains})
	}
	soon := seed(10*day, "www.example.com")
	late := seed(200*day, "example.com", "api.example.net")
	past := seed(-2*day, "other.org")
	lookalike := seed(300*day, "badexample.com")
	// Filter by the state the provider reports for the past-expiry order,
	// not the seeded one: a provider may report an issued certificate
	// near or past its end as expiring (Huawei's renewal window).
	pastState := st
	if res, err := call(t.Context(), h.Provider(), provider.OpStatus, past); err == nil {
		pastState = res.State
	}
	tests := []struct {
		name string
		req  provider.ListRequest
		want []string
	}{
		{"expiring within 30 days", provider.ListRequest{ExpiringWithin: 30 * day}, []string{soon, past}},
		{"expiring within a year", provider.ListRequest{ExpiringWithin: 365 * day}, []string{soon, late, past, lookalike}},
		{"domain example.com", provider.ListRequest{Domain: "example.com"}, []string{soon, late}},
		{"domain WWW.Example.COM", provider.ListRequest{Domain: "WWW.Example.COM"}, []string{soon}},
		{"domain example.net (second domain)", provider.ListRequest{Domain: "example.net"}, []string{late}},
		{"domain and expiry", provider.ListRequest{Domain: "example.com", ExpiringWithin: 30 * day, PageSize: 1}, []string{soon}},
		{"state, domain and expiry", provider.ListRequest{States: []provider.State{pastState}, Domain: "other.org", ExpiringWithin: day}, []string{past}},
	}
	for _, tt := range tests {
		what := "listing " + tt.name
		got := readListing(t, h, what, tt.req, 4, nil)
		expectListedOnce(t, what, got.entries, tt.want, tt.want)
		for _, e := range got.entries {
			if e.NotAfter.IsZero() {
				t.Errorf("%s: order %s listed without NotAfter, which was seeded", what, e.ID)
			}
		}
	}
}

// listDeleteMidListing deletes, between the first and second pages, an
// order already listed and one not yet listed: no order is listed twice,
// and every other order is listed.
func (s *suite[T]) listDeleteMidListing(t T) {
	t.Parallel()
	h := s.newHarness(t)
	st, _ := s.allowedState(provider.OpDelete)
	const n = 8
	ids := make([]string, n)
	for i := range ids {
		ids[i] = h.Seed(t, st)
	}
	var deleted []string
	between := func(page int, entries []provider.ListEntry) {
		if page != 1 || len(entries) == 0 {
			return
		}
		listed := entries[0].ID
		var ahead string
		for _, id := range slices.Backward(ids) {
			if !slices.ContainsFunc(entries, func(e provider.ListEntry) bool { return e.ID == id }) {
				ahead = id
				break
			}
		}
		for _, id := range []string{listed, ahead} {
			if _, err := h.Provider().Delete(t.Context(), provider.DeleteRequest{ID: id}); err != nil {
				t.Fatalf("deleting %s during the listing: %v", id, err)
			}
			deleted = append(deleted, id)
		}
	}
	what := fmt.Sprintf("listing %d orders 2 a page, deleting 2 after the first page", n)
	got := readListing(t, h, what, provider.ListRequest{PageSize: 2}, n, between)
	if len(deleted) != 2 {
		t.Fatalf("%s: the first page listed nothing to delete", what)
	}
	var kept []string
	for _, id := range ids {
		if !slices.Contains(deleted, id) {
			kept = append(kept, id)
		}
	}
	expectListedOnce(t, what, got.entries, kept, ids)
}

// listInvalid checks that bad requests are refused with invalid_argument
// before any request.
func (s *suite[T]) listInvalid(t T) {
	t.Parallel()
	h := s.newHarness(t)
	h.Seed(t, s.states[0])
	l := h.Provider().(provider.Lister)
	for _, tt := range []struct {
		name string
		req  provider.ListRequest
	}{
		{"negative page size", provider.ListRequest{PageSize: -1}},
		{"page size above MaxPageSize", provider.ListRequest{PageSize: provider.MaxPageSize + 1}},
		{"negative expiry", provider.ListRequest{ExpiringWithin: -time.Hour}},
		{"negative state", provider.ListRequest{States: []provider.State{provider.State(-1)}}},
		{"state out of range", provider.ListRequest{States: []provider.State{provider.State(1 << 20)}}},
		{"domain with a slash", provider.ListRequest{Domain: "example.com/../x"}},
		{"forged page token", provider.ListRequest{PageToken: "../../x?y=1"}},
	} {
		before := h.Requests(t)
		_, err := l.List(t.Context(), tt.req)
		what := "list with " + tt.name
		expectKind(t, what, err, provider.KindInvalidArgument)
		expectNoRequests(t, h, what, before)
	}
}
