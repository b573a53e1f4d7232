package providertest_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

// listAll reads every page of req from f and returns the IDs in order.
func listAll(t *testing.T, f *providertest.Fake, req provider.ListRequest) []string {
	t.Helper()
	var ids []string
	for page, err := range provider.Pages(t.Context(), f, req) {
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		for _, e := range page.Entries {
			ids = append(ids, e.ID)
		}
	}
	return ids
}

func TestFakeListOrderAndPaging(t *testing.T) {
	t.Parallel()
	f := providertest.NewFake()
	var want []string
	for range 12 { // fake-1 .. fake-12: numeric order puts fake-10 last but two
		want = append(want, f.Seed(provider.StateIssued))
	}
	for _, size := range []int{0, 1, 2, 5, 12, 13, provider.MaxPageSize} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			t.Parallel()
			if got := listAll(t, f, provider.ListRequest{PageSize: size}); !slices.Equal(got, want) {
				t.Errorf("page size %d: listed %v, want %v", size, got, want)
			}
		})
	}
	// The last page has no Next, even when it is full.
	page, err := f.List(t.Context(), provider.ListRequest{PageSize: 6, PageToken: want[5]})
	if err != nil || len(page.Entries) != 6 || page.Next != "" {
		t.Errorf("last full page: %+v, %v; want 6 entries and no Next", page, err)
	}
}

func TestFakeListEntries(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	f := providertest.NewFake(providertest.WithClock(func() time.Time { return now }))
	id := f.SeedWith(providertest.SeedOptions{State: provider.StateExpiring, ID: "fake-77",
		NotAfter: now.Add(48 * time.Hour), Domains: []string{"a.example.com", "b.example.com"}, Type: "DV"})
	if id != "fake-77" {
		t.Fatalf("SeedWith returned %q, want fake-77", id)
	}
	page, err := f.List(t.Context(), provider.ListRequest{})
	if err != nil {
		t.Fatal(err)
	}
	want := provider.ListEntry{ID: id, State: provider.StateExpiring, NativeState: "expiring",
		Domains: []string{"a.example.com", "b.example.com"}, NotAfter: now.Add(48 * time.Hour), Type: "DV"}
	if len(page.Entries) != 1 || fmt.Sprint(page.Entries[0]) != fmt.Sprint(want) || page.RequestID == "" {
		t.Fatalf("listed %+v, want [%+v] with a request ID", page, want)
	}
	// The page is a copy: changing it changes nothing in the Fake.
	page.Entries[0].Domains[0] = "changed"
	again, _ := f.List(t.Context(), provider.ListRequest{})
	if again.Entries[0].Domains[0] != "a.example.com" {
		t.Errorf("the listing shares its domains with the Fake")
	}
	// A renewal carries the domains and type, and no NotAfter.
	res, err := f.Renew(t.Context(), provider.RenewRequest{ID: id})
	if err != nil {
		t.Fatal(err)
	}
	all, _ := f.List(t.Context(), provider.ListRequest{})
	i := slices.IndexFunc(all.Entries, func(e provider.ListEntry) bool { return e.ID == res.NewID })
	if len(all.Entries) != 2 || i < 0 || !slices.Equal(all.Entries[i].Domains, want.Domains) ||
		all.Entries[i].Type != "DV" || !all.Entries[i].NotAfter.IsZero() || all.Entries[i].State != provider.StatePendingApplication {
		t.Errorf("after renewing into %s: %+v", res.NewID, all.Entries)
	}
}

func TestFakeListFilters(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	f := providertest.NewFake(providertest.WithClock(func() time.Time { return now }))
	soon := f.SeedWith(providertest.SeedOptions{State: provider.StateExpiring, NotAfter: now.Add(10 * day), Domains: []string{"www.example.com"}})
	late := f.SeedWith(providertest.SeedOptions{State: provider.StateIssued, NotAfter: now.Add(200 * day), Domains: []string{"example.com"}})
	past := f.SeedWith(providertest.SeedOptions{State: provider.StateExpired, NotAfter: now.Add(-day), Domains: []string{"other.org"}})
	pending := f.Seed(provider.StatePendingApplication) // no NotAfter, no domains
	tests := []struct {
		name string
		req  provider.ListRequest
		want []string
	}{
		{"everything", provider.ListRequest{}, []string{soon, late, past, pending}},
		{"one state", provider.ListRequest{States: []provider.State{provider.StateIssued}}, []string{late}},
		{"two states", provider.ListRequest{States: []provider.State{provider.StateExpired, provider.StatePendingApplication}}, []string{past, pending}},
		{"expiring within 30 days", provider.ListRequest{ExpiringWithin: 30 * day}, []string{soon, past}},
		{"expiring within a year", provider.ListRequest{ExpiringWithin: 365 * day}, []string{soon, late, past}},
		{"domain and under it", provider.ListRequest{Domain: "example.com"}, []string{soon, late}},
		{"exact domain", provider.ListRequest{Domain: "www.example.com"}, []string{soon}},
		{"no such domain", provider.ListRequest{Domain: "ample.com"}, nil},
		{"filters combine", provider.ListRequest{Domain: "example.com", ExpiringWithin: 30 * day}, []string{soon}},
		{"filters combine, page size 1", provider.ListRequest{States: []provider.State{provider.StateExpiring, provider.StateIssued}, PageSize: 1}, []string{soon, late}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := listAll(t, f, tt.req); !slices.Equal(got, tt.want) {
				t.Errorf("listed %v, want %v", got, tt.want)
			}
		})
	}
}

// TestFakeListChangesMidListing deletes, renews and seeds between pages:
// orders present throughout are listed once each, and none twice.
func TestFakeListChangesMidListing(t *testing.T) {
	t.Parallel()
	f := providertest.NewFake()
	var ids []string
	for i := range 9 {
		s := provider.StateCancelled
		if i%3 == 2 {
			s = provider.StateExpiring
		}
		ids = append(ids, f.Seed(s))
	}
	req := provider.ListRequest{PageSize: 2}
	seen := map[string]int{}
	pages := 0
	var renewed string
	for page, err := range provider.Pages(t.Context(), f, req) {
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page.Entries {
			seen[e.ID]++
		}
		switch pages++; pages {
		case 1: // delete a listed order, and one ahead
			for _, id := range []string{ids[0], ids[4]} {
				if _, err := f.Delete(t.Context(), provider.DeleteRequest{ID: id}); err != nil {
					t.Fatal(err)
				}
			}
		case 2: // renew an order ahead
			res, err := f.Renew(t.Context(), provider.RenewRequest{ID: ids[5]})
			if err != nil {
				t.Fatal(err)
			}
			renewed = res.NewID
		}
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("%s listed %d times", id, n)
		}
	}
	for i, id := range ids {
		if i != 0 && i != 4 && seen[id] != 1 {
			t.Errorf("%s, present throughout, listed %d times", id, seen[id])
		}
	}
	if seen[ids[4]] != 0 {
		t.Errorf("%s, deleted before it was reached, was listed", ids[4])
	}
	if seen[renewed] != 1 {
		t.Errorf("the renewal %s, created ahead of the listing, listed %d times", renewed, seen[renewed])
	}
}

func TestFakeListRefusesBadRequests(t *testing.T) {
	t.Parallel()
	f := providertest.NewFake()
	f.Seed(provider.StateIssued)
	for _, req := range []provider.ListRequest{
		{PageSize: -1},
		{PageSize: provider.MaxPageSize + 1},
		{ExpiringWithin: -time.Hour},
		{States: []provider.State{provider.State(-1)}},
		{PageToken: "not-a-token"},
		{PageToken: "fake-1/../x"},
		{Domain: "a/b"},
	} {
		_, err := f.List(t.Context(), req)
		pe := kindIs(t, err, provider.KindInvalidArgument)
		if pe.Op != provider.OpList || pe.Origin != "fake" {
			t.Errorf("%+v: error %+v, want Op list and origin fake", req, pe)
		}
	}
	if n := f.CallCount(); n != 0 {
		t.Errorf("refused requests recorded %d calls, want 0", n)
	}
}

func TestFakeListFailures(t *testing.T) {
	t.Parallel()
	f := providertest.NewFake()
	f.Seed(provider.StateIssued)
	f.InjectError(provider.OpList, provider.ErrThrottled, providertest.Once())
	_, err := f.List(t.Context(), provider.ListRequest{})
	kindIs(t, err, provider.KindThrottled)
	if _, err := f.List(t.Context(), provider.ListRequest{}); err != nil {
		t.Errorf("after the injection was used up: %v", err)
	}
	calls := f.Calls()
	if len(calls) != 2 || calls[0].Op != provider.OpList || calls[0].Err == nil || calls[1].Err != nil {
		t.Errorf("calls = %+v, want two list calls, the first failed", calls)
	}

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = f.List(ctx, provider.ListRequest{})
	kindIs(t, err, provider.KindCanceled)

	f.SetLatency(provider.OpList, -1) // hold until the context ends
	cctx, cancel2 := context.WithCancel(t.Context())
	wctx := newWaitingCtx(cctx)
	done := make(chan error, 1)
	go func() { _, err := f.List(wctx, provider.ListRequest{}); done <- err }()
	<-wctx.waiting
	cancel2()
	kindIs(t, <-done, provider.KindUnavailable)
}

// TestFakeListConcurrentDeletes lists while other goroutines delete half
// the orders: no order is listed twice, and every order never deleted is
// listed.
func TestFakeListConcurrentDeletes(t *testing.T) {
	t.Parallel()
	f := providertest.NewFake()
	var keep, drop []string
	for i := range 200 {
		if i%2 == 0 {
			keep = append(keep, f.Seed(provider.StateIssued))
		} else {
			drop = append(drop, f.Seed(provider.StateCancelled))
		}
	}
	done := make(chan error, 4)
	for w := range 4 {
		go func() {
			for i := w; i < len(drop); i += 4 {
				if _, err := f.Delete(t.Context(), provider.DeleteRequest{ID: drop[i]}); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	seen := map[string]int{}
	for _, id := range listAll(t, f, provider.ListRequest{PageSize: 3}) {
		if seen[id]++; seen[id] > 1 {
			t.Errorf("%s listed twice", id)
		}
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range keep {
		if seen[id] != 1 {
			t.Errorf("%s, never deleted, listed %d times", id, seen[id])
		}
	}
}
