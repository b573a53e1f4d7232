package alibaba

import (
	"errors"
	"maps"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/provider"
)

// listAll reads every page of req from a, failing the test on an error.
func listAll(t *testing.T, a *Adapter, req provider.ListRequest, between func(page int)) []provider.ListEntry {
	t.Helper()
	var out []provider.ListEntry
	pages := 0
	for page, err := range provider.Pages(t.Context(), a, req) {
		if err != nil {
			t.Fatalf("page %d: %v", pages+1, err)
		}
		pages++
		if pages > 100_000 {
			t.Fatal("the page tokens never end")
		}
		out = append(out, page.Entries...)
		if between != nil {
			between(pages)
		}
	}
	return out
}

// countIDs counts how often each ID was listed.
func countIDs(entries []provider.ListEntry) map[string]int {
	seen := map[string]int{}
	for _, e := range entries {
		seen[e.ID]++
	}
	return seen
}

// listRequests returns the ListUserCertificateOrder requests of s's log.
func listRequests(s *alibabatest.Server) []alibabatest.Request {
	var out []alibabatest.Request
	for _, r := range s.Requests() {
		if r.Action == actList {
			out = append(out, r)
		}
	}
	return out
}

// TestListLargeInventory lists up to 10,000 orders of both order types, with
// and without changes during the listing: every order present throughout
// is listed exactly once, and none twice.
func TestListLargeInventory(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		n, size int
		changes bool
	}{
		{"10,000 in pages of 100", 10_000, 100, false},
		{"10,000 in pages of 37", 10_000, 37, false},
		// Smaller: each change is two requests, each page a scan.
		{"3,000 in pages of 100, deletes and creations between pages", 3_000, 100, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n := tt.n
			s := newEmulator(t)
			a := adapterFor(t, s)
			statuses := []string{alibabatest.StatusPayed, alibabatest.StatusChecking, alibabatest.StatusCheckedFail,
				alibabatest.StatusIssued, alibabatest.StatusRevoked}
			var ids, deletable []string
			for i := range n {
				typ := alibabatest.OrderTypePackage
				if i%3 == 0 {
					typ = alibabatest.OrderTypeBuy
				}
				st := statuses[i%len(statuses)]
				id := s.SeedOrder(alibabatest.Order{Status: st, OrderType: typ})
				ids = append(ids, id)
				if st == alibabatest.StatusCheckedFail {
					deletable = append(deletable, id)
				}
			}
			deleted, created := map[string]bool{}, map[string]bool{}
			listed := map[string]bool{}
			var between func(int)
			var entries []provider.ListEntry
			if tt.changes {
				between = func(page int) {
					for _, e := range entries {
						listed[e.ID] = true
					}
					// One deletable order already listed, one not yet
					// listed, and a new order.
					var done, ahead string
					for _, id := range deletable {
						switch {
						case deleted[id]:
						case listed[id] && done == "":
							done = id
						case !listed[id] && ahead == "":
							ahead = id
						}
					}
					for _, id := range []string{done, ahead} {
						if id == "" {
							continue
						}
						if _, err := a.Delete(t.Context(), provider.DeleteRequest{ID: id}); err != nil {
							t.Fatalf("deleting %s after page %d: %v", id, page, err)
						}
						deleted[id] = true
					}
					created[s.SeedOrder(alibabatest.Order{Status: alibabatest.StatusIssued})] = true
				}
			}
			var all []provider.ListEntry
			pages := 0
			req := provider.ListRequest{PageSize: tt.size}
			for page, err := range provider.Pages(t.Context(), a, req) {
				if err != nil {
					t.Fatalf("page %d: %v", pages+1, err)
				}
				pages++
				if len(page.Entries) > tt.size {
					t.Errorf("page %d holds %d entries, above %d", pages, len(page.Entries), tt.size)
				}
				entries = page.Entries
				all = append(all, page.Entries...)
				if between != nil {
					between(pages)
				}
			}
			seen := countIDs(all)
			for id, c := range seen {
				if c > 1 {
					t.Errorf("order %s listed %d times", id, c)
				}
				if !slices.Contains(ids, id) && !created[id] {
					t.Errorf("listed order %s, which was never seeded", id)
				}
			}
			missed := 0
			for _, id := range ids {
				if !deleted[id] && seen[id] == 0 {
					missed++
				}
			}
			if missed > 0 {
				t.Errorf("%d orders present throughout not listed", missed)
			}
			if tt.changes && len(deleted) < 2*pages/3 {
				t.Errorf("only %d deletes over %d pages: the test did not change the listing", len(deleted), pages)
			}
			// Each order type is read up to its last page: at least
			// ceil(count/size) requests each.
			if least := (n/3+tt.size-1)/tt.size + (n-n/3+tt.size-1)/tt.size; len(listRequests(s)) < least {
				t.Errorf("%d list requests, fewer than the %d pages", len(listRequests(s)), least)
			}
		})
	}
}

// TestListFilters seeds orders with chosen states, domains, expiries and
// order types and checks each filter, the parameters sent for it, and the
// entries' fields.
func TestListFilters(t *testing.T) {
	t.Parallel()
	s := newEmulator(t)
	a := adapterFor(t, s)
	now := time.Now()
	day := 24 * time.Hour
	seed := func(o alibabatest.Order) string { return s.SeedOrder(o) }
	soon := seed(alibabatest.Order{Type: alibabatest.TypeCertificate, NotAfter: now.Add(10 * day).Truncate(time.Second), Domain: "www.example.com"})
	late := seed(alibabatest.Order{Type: alibabatest.TypeCertificate, NotAfter: now.Add(200 * day).Truncate(time.Second),
		Domain: "example.com", Sans: []string{"api.example.net"}, OrderType: alibabatest.OrderTypeBuy})
	past := seed(alibabatest.Order{Type: alibabatest.TypeCertificate, NotAfter: now.Add(-2 * day).Truncate(time.Second), Domain: "other.org"})
	look := seed(alibabatest.Order{Type: alibabatest.TypeCertificate, NotAfter: now.Add(300 * day).Truncate(time.Second), Domain: "badexample.com"})
	payed := seed(alibabatest.Order{Type: alibabatest.TypePayed, Domain: "pending.example.com", OrderType: alibabatest.OrderTypeBuy})
	cancelled := seed(alibabatest.Order{Type: alibabatest.TypePayed, Cancelled: true, Domain: "gone.example.org"})
	revoked := seed(alibabatest.Order{Status: alibabatest.StatusRevoked, Domain: "revoked.example.org"})
	inactive := seed(alibabatest.Order{Status: alibabatest.StatusNotActivated, Domain: "sleepy.example.org"})
	for _, tt := range []struct {
		name    string
		req     provider.ListRequest
		want    []string
		status  string // the Status sent, "" for none
		keyword string // the Keyword sent, "" for none
	}{
		{"everything", provider.ListRequest{}, []string{soon, late, past, look, payed, cancelled, revoked, inactive}, "", ""},
		{"issued", provider.ListRequest{States: []provider.State{provider.StateIssued}}, []string{late, look}, "ISSUED", ""},
		{"expiring", provider.ListRequest{States: []provider.State{provider.StateExpiring}}, []string{soon}, "WILLEXPIRED", ""},
		{"expired", provider.ListRequest{States: []provider.State{provider.StateExpired}}, []string{past}, "EXPIRED", ""},
		{"revoked", provider.ListRequest{States: []provider.State{provider.StateRevoked}}, []string{revoked}, "REVOKED", ""},
		{"pending (cancelled lists as PAYED)", provider.ListRequest{States: []provider.State{provider.StatePendingApplication}},
			[]string{payed, cancelled}, "PAYED", ""},
		{"cancelled: no Status of its own", provider.ListRequest{States: []provider.State{provider.StateCancelled}}, nil, "", ""},
		{"unknown: NOTACTIVATED, client side", provider.ListRequest{States: []provider.State{provider.StateUnknown}}, []string{inactive}, "", ""},
		{"two states, client side", provider.ListRequest{States: []provider.State{provider.StateIssued, provider.StateRevoked}},
			[]string{late, look, revoked}, "", ""},
		{"same state twice", provider.ListRequest{States: []provider.State{provider.StateIssued, provider.StateIssued}},
			[]string{late, look}, "ISSUED", ""},
		{"expiring within 30 days", provider.ListRequest{ExpiringWithin: 30 * day}, []string{soon, past}, "", ""},
		{"domain example.com, not badexample.com", provider.ListRequest{Domain: "example.com"},
			[]string{soon, late, payed}, "", "example.com"},
		{"domain case and trailing dot", provider.ListRequest{Domain: "WWW.Example.COM."}, []string{soon}, "", "www.example.com"},
		{"domain in Sans", provider.ListRequest{Domain: "example.net"}, []string{late}, "", "example.net"},
		{"domain, state and expiry", provider.ListRequest{Domain: "example.com", States: []provider.State{provider.StateExpiring},
			ExpiringWithin: 30 * day, PageSize: 1}, []string{soon}, "WILLEXPIRED", "example.com"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := len(listRequests(s))
			got := listAll(t, a, tt.req, nil)
			seen := countIDs(got)
			if ids := slices.Sorted(maps.Keys(seen)); !slices.Equal(ids, slices.Sorted(slices.Values(tt.want))) {
				t.Errorf("listed %v, want %v", ids, slices.Sorted(slices.Values(tt.want)))
			}
			reqs := listRequests(s)[before:]
			if len(reqs) == 0 {
				t.Fatal("no list request sent")
			}
			types := map[string]bool{}
			for _, r := range reqs {
				if r.Params["Status"] != tt.status || r.Params["Keyword"] != tt.keyword {
					t.Errorf("sent Status %q Keyword %q, want %q %q", r.Params["Status"], r.Params["Keyword"], tt.status, tt.keyword)
				}
				types[r.Params["OrderType"]] = true
			}
			if !types["CPACK"] || !types["BUY"] || len(types) != 2 {
				t.Errorf("listed order types %v, want CPACK and BUY", slices.Sorted(maps.Keys(types)))
			}
		})
	}

	// Entries carry the row's fields.
	got := listAll(t, a, provider.ListRequest{Domain: "example.net"}, nil)
	if len(got) != 1 {
		t.Fatalf("listed %d entries for example.net, want 1", len(got))
	}
	o, _ := s.Order(late)
	want := provider.ListEntry{ID: late, State: provider.StateIssued, NativeState: "ISSUED",
		Domains: []string{"example.com", "api.example.net"}, NotAfter: o.NotAfter.UTC(), Type: "DV"}
	if e := got[0]; e.ID != want.ID || e.State != want.State || e.NativeState != want.NativeState ||
		!slices.Equal(e.Domains, want.Domains) || !e.NotAfter.Equal(want.NotAfter) || e.Type != want.Type {
		t.Errorf("entry %+v, want %+v", e, want)
	}
	for _, e := range listAll(t, a, provider.ListRequest{States: []provider.State{provider.StatePendingApplication}}, nil) {
		if !e.NotAfter.IsZero() {
			t.Errorf("order %s, not issued, listed with NotAfter %s", e.ID, e.NotAfter)
		}
	}
}

// TestListWireParameters checks that list requests carry only documented
// parameters, with documented values.
func TestListWireParameters(t *testing.T) {
	t.Parallel()
	s := newEmulator(t)
	a := adapterFor(t, s)
	for i := range 12 {
		s.SeedOrder(alibabatest.Order{Status: []string{alibabatest.StatusIssued, alibabatest.StatusPayed}[i%2],
			OrderType: []string{alibabatest.OrderTypeBuy, alibabatest.OrderTypePackage}[i%3%2]})
	}
	documented := map[string][]string{
		"OrderType":   {"CPACK", "BUY"},
		"Status":      {"PAYED", "CHECKING", "CHECKED_FAIL", "ISSUED", "WILLEXPIRED", "EXPIRED", "REVOKED"},
		"CurrentPage": nil, "ShowSize": nil, "Keyword": nil,
	}
	for _, req := range []provider.ListRequest{
		{}, {PageSize: 1}, {PageSize: provider.MaxPageSize},
		{States: []provider.State{provider.StateRevoked}}, {States: provider.States()},
		{Domain: "example.com", ExpiringWithin: time.Hour},
	} {
		listAll(t, a, req, nil)
	}
	reqs := listRequests(s)
	if len(reqs) < 6 {
		t.Fatalf("only %d list requests", len(reqs))
	}
	for _, r := range reqs {
		for k, v := range r.Params {
			values, ok := documented[k]
			switch {
			case !ok:
				t.Errorf("list request sent undocumented parameter %s=%q", k, v)
			case values != nil && !slices.Contains(values, v):
				t.Errorf("list request sent %s=%q, not a documented value", k, v)
			}
		}
		if n, err := strconv.Atoi(r.Params["ShowSize"]); err != nil || n < 1 || n > maxListShowSize {
			t.Errorf("list request sent ShowSize %q, want 1 to %d", r.Params["ShowSize"], maxListShowSize)
		}
		if n, err := strconv.Atoi(r.Params["CurrentPage"]); err != nil || n < 1 {
			t.Errorf("list request sent CurrentPage %q", r.Params["CurrentPage"])
		}
		if r.Fault != 0 || r.Code != "" {
			t.Errorf("list request answered %q (fault %v)", r.Code, r.Fault)
		}
	}
}

// TestListTokens checks that page tokens are opaque and bound to their
// filters: a token used with other filters, or edited, is refused before
// any request.
func TestListTokens(t *testing.T) {
	t.Parallel()
	s := newEmulator(t)
	a := adapterFor(t, s)
	for range 3 {
		s.Seed(provider.StateIssued)
	}
	first, err := a.List(t.Context(), provider.ListRequest{PageSize: 1, Domain: "example.com"})
	if err != nil || first.Next == "" {
		t.Fatalf("first page: %v, next %q", err, first.Next)
	}
	tok, err := decodeListToken(first.Next)
	if err != nil {
		t.Fatalf("decoding the adapter's own token: %v", err)
	}
	edit := func(f func(*listToken)) string { c := tok; f(&c); return c.encode() }
	for _, tt := range []struct {
		name string
		req  provider.ListRequest
	}{
		{"other domain", provider.ListRequest{PageSize: 1, Domain: "example.org", PageToken: first.Next}},
		{"added state", provider.ListRequest{PageSize: 1, Domain: "example.com", States: []provider.State{provider.StateIssued}, PageToken: first.Next}},
		{"added expiry", provider.ListRequest{PageSize: 1, Domain: "example.com", ExpiringWithin: time.Hour, PageToken: first.Next}},
		{"phase out of range", provider.ListRequest{Domain: "example.com", PageToken: edit(func(c *listToken) { c.Type = instancePhase + 1 })}},
		{"page zero", provider.ListRequest{Domain: "example.com", PageToken: edit(func(c *listToken) { c.Page = 0 })}},
		{"show size too big", provider.ListRequest{Domain: "example.com", PageToken: edit(func(c *listToken) { c.Size = maxListShowSize + 1 })}},
		{"negative cursor", provider.ListRequest{Domain: "example.com", PageToken: edit(func(c *listToken) { c.Cursor = -1 })}},
		{"not base64", provider.ListRequest{PageToken: "!!"}},
		{"unknown field", provider.ListRequest{PageToken: "eyJ4IjoxfQ"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := s.RequestCount()
			_, err := a.List(t.Context(), tt.req)
			if provider.KindOf(err) != provider.KindInvalidArgument {
				t.Errorf("err = %v, want invalid_argument", err)
			}
			if s.RequestCount() != before {
				t.Errorf("sent %d requests for a refused token", s.RequestCount()-before)
			}
		})
	}
	// The same filters in another order take the token.
	if _, err := a.List(t.Context(), provider.ListRequest{PageSize: 1, Domain: "Example.COM.", PageToken: first.Next}); err != nil {
		t.Errorf("the token with the same filters, spelt differently: %v", err)
	}
}

// TestListFaultsMidListing fails the second page of a listing with each
// fault, and retries it from the same token: the failure has its kind
// with Op list, and the finished listing holds every order exactly once.
func TestListFaultsMidListing(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		fault alibabatest.FaultKind
		kind  provider.Kind
	}{
		{alibabatest.FaultThrottle, provider.KindThrottled},
		{alibabatest.FaultServerError, provider.KindUnavailable},
		{alibabatest.FaultUnavailable, provider.KindUnavailable},
		{alibabatest.FaultReset, provider.KindUnavailable},
		{alibabatest.FaultMalformed, provider.KindUnavailable},
	} {
		t.Run(tt.fault.String(), func(t *testing.T) {
			t.Parallel()
			s := newEmulator(t)
			a := adapterFor(t, s)
			var ids []string
			for range 25 {
				ids = append(ids, s.Seed(provider.StateIssued))
			}
			req := provider.ListRequest{PageSize: 10}
			var got []provider.ListEntry
			failed := false
			for pages := 0; ; pages++ {
				if pages > 20 {
					t.Fatal("the listing never ends")
				}
				if pages == 1 {
					s.InjectFault(alibabatest.Fault{Action: actList, Kind: tt.fault, Times: 1})
				}
				page, err := a.List(t.Context(), req)
				if err != nil {
					if failed {
						t.Fatalf("page %d failed again: %v", pages+1, err)
					}
					failed = true
					var perr *provider.Error
					if !errors.As(err, &perr) || perr.Kind != tt.kind || perr.Op != provider.OpList {
						t.Errorf("err = %#v, want a *provider.Error of kind %s, op list", err, tt.kind)
					}
					continue // retry the same token
				}
				got = append(got, page.Entries...)
				if page.Next == "" {
					break
				}
				req.PageToken = page.Next
			}
			if !failed {
				t.Fatal("the fault did not fail any page")
			}
			seen := countIDs(got)
			for _, id := range ids {
				if seen[id] != 1 {
					t.Errorf("order %s listed %d times", id, seen[id])
				}
			}
			if len(seen) != len(ids) {
				t.Errorf("listed %d orders, want %d", len(seen), len(ids))
			}
		})
	}
}
