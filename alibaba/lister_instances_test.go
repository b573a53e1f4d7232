package alibaba

import (
	"errors"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/provider"
)

// instanceListRequests returns the ListInstances requests of s's log.
func instanceListRequests(s *alibabatest.Server) []alibabatest.Request {
	var out []alibabatest.Request
	for _, r := range s.Requests() {
		if r.Action == alibabatest.ActionListInstances {
			out = append(out, r)
		}
	}
	return out
}

// seedMixed seeds orders in every state the emulator holds, of both order
// types, and instances in every instance state plus refund and closed
// (unknown), and returns their IDs.
func seedMixed(t *testing.T, s *alibabatest.Server) (orders, instances []string) {
	t.Helper()
	for i, st := range alibabatest.States() {
		id := s.Seed(st)
		orders = append(orders, id)
		if i%2 == 0 {
			orders = append(orders, s.SeedOrder(alibabatest.Order{Type: alibabatest.TypeCertificate,
				OrderType: alibabatest.OrderTypeBuy, Domain: "buy" + strconv.Itoa(i) + ".example.com"}))
		}
	}
	for _, st := range alibabatest.InstanceStates() {
		instances = append(instances, s.SeedInstanceState(st))
	}
	instances = append(instances,
		s.SeedInstance(alibabatest.Instance{Status: alibabatest.InstanceRefund}),
		s.SeedInstance(alibabatest.Instance{Status: alibabatest.InstanceClosed}))
	return orders, instances
}

// TestListInstancesMixed lists a mixed inventory of orders and instances
// at several page sizes: each is listed exactly once, orders before
// instances, and every entry agrees with Status (state, native state and
// NotAfter); instance entries carry the row's fields; ListInstances is
// sent with documented parameters only, each request paced as
// ListInstances.
func TestListInstancesMixed(t *testing.T) {
	t.Parallel()
	s := newEmulator(t)
	a := adapterFor(t, s)
	orders, instances := seedMixed(t, s)
	all := append(slices.Clone(orders), instances...)
	for _, size := range []int{0, 1, 2, 3, 7, provider.MaxPageSize} {
		t.Run("size "+strconv.Itoa(size), func(t *testing.T) {
			got := listAll(t, a, provider.ListRequest{PageSize: size}, nil)
			seen := countIDs(got)
			for _, id := range all {
				if seen[id] != 1 {
					t.Errorf("%s listed %d times, want once", id, seen[id])
				}
			}
			if len(seen) != len(all) {
				t.Errorf("listed %d distinct IDs, want %d", len(seen), len(all))
			}
			inInstances := false
			for _, e := range got {
				isInstance := slices.Contains(instances, e.ID)
				if inInstances && !isInstance {
					t.Errorf("order %s listed after an instance", e.ID)
				}
				inInstances = inInstances || isInstance
			}
		})
	}

	before := len(instanceListRequests(s))
	got := listAll(t, a, provider.ListRequest{PageSize: 3}, nil)
	for _, e := range got {
		res, err := a.Status(t.Context(), provider.StatusRequest{ID: e.ID})
		if err != nil {
			t.Fatalf("Status %s: %v", e.ID, err)
		}
		if res.State != e.State {
			t.Errorf("%s: listed %s, Status %s", e.ID, e.State, res.State)
		}
		if !slices.Contains(instances, e.ID) {
			continue // an order's list Status is not Describe's Type
		}
		// An instance's listing reads what GetInstanceDetail reads.
		if res.NativeState != e.NativeState || !res.NotAfter.Equal(e.NotAfter) {
			t.Errorf("%s: listed %q %s, Status %q %s", e.ID, e.NativeState, e.NotAfter, res.NativeState, res.NotAfter)
		}
		in, _ := s.Instance(e.ID)
		if e.Type != "DV" || !slices.Equal(e.Domains, []string{in.Domain}) || !e.Created.Equal(in.Created.Truncate(time.Millisecond)) {
			t.Errorf("instance entry %+v; want Type DV, Domains [%s], Created %s", e, in.Domain, in.Created)
		}
	}

	// Paced as ListInstances, once per request, with documented
	// parameters only.
	if paced := countPaced(t, a, s); paced == 0 {
		t.Error("no wait named ListInstances")
	}
	documented := []string{"CurrentPage", "ShowSize", "Keyword", "Status", "CertificateStatus"}
	for _, r := range instanceListRequests(s)[before:] {
		for k := range r.Params {
			if !slices.Contains(documented, k) {
				t.Errorf("ListInstances sent %s", k)
			}
		}
		if n, err := strconv.Atoi(r.Params["ShowSize"]); err != nil || n < 1 || n > 100 {
			t.Errorf("ListInstances sent ShowSize %q, want 1 to 100 (documented maximum)", r.Params["ShowSize"])
		}
		if r.Code != "" {
			t.Errorf("ListInstances answered %s", r.Code)
		}
	}
}

// countPaced lists everything 2 a page with a pacer and returns how many
// waits named ListInstances, checking that they match the requests sent.
func countPaced(t *testing.T, a *Adapter, s *alibabatest.Server) int {
	t.Helper()
	p := &namingPacer{}
	ctx := provider.WithPacer(t.Context(), p)
	before := len(instanceListRequests(s))
	req := provider.ListRequest{PageSize: 2}
	for _, err := range provider.Pages(ctx, a, req) {
		if err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	for _, api := range p.apis {
		if api == actionListInstances {
			n++
		}
	}
	if sent := len(instanceListRequests(s)) - before; sent != n {
		t.Errorf("%d ListInstances requests, %d waits named ListInstances", sent, n)
	}
	return n
}

// TestListInstancesBoundary pages across the switch from the orders to
// the instances: the last BUY page leads to the instances, the first
// instance page needs a token of the instance phase, and a listing of
// instances only starts with them (the empty order phases do not make
// empty pages).
func TestListInstancesBoundary(t *testing.T) {
	t.Parallel()
	s := newEmulator(t)
	a := adapterFor(t, s)
	var buys []string
	for range 3 {
		buys = append(buys, s.SeedOrder(alibabatest.Order{Type: alibabatest.TypeCertificate, OrderType: alibabatest.OrderTypeBuy}))
	}
	var insts []string
	for range 3 {
		insts = append(insts, s.SeedInstanceState(provider.StateIssued))
	}
	var pages [][]string
	var tokens []listToken
	for page, err := range provider.Pages(t.Context(), a, provider.ListRequest{PageSize: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, e := range page.Entries {
			ids = append(ids, e.ID)
		}
		pages = append(pages, ids)
		if page.Next != "" {
			tok, err := decodeListToken(page.Next)
			if err != nil {
				t.Fatal(err)
			}
			tokens = append(tokens, tok)
		}
	}
	slices.Reverse(buys)
	slices.Reverse(insts) // newest first
	// The last BUY page has room for one instance; the instance phase
	// then reads from CurrentPage 1 and finds its place by the anchor.
	want := [][]string{buys[:2], {buys[2], insts[0]}, insts[1:2], insts[2:]}
	if !slices.EqualFunc(pages, want, slices.Equal) {
		t.Fatalf("pages %v, want %v", pages, want)
	}
	if len(tokens) != 3 || tokens[0].Type != 1 || tokens[1].Type != instancePhase || tokens[1].Page != 1 ||
		len(tokens[1].Anchors) != 1 || tokens[1].Total != 3 || tokens[2].Type != instancePhase || tokens[2].Page != 2 ||
		len(tokens[2].Anchors) != 2 {
		t.Errorf("tokens %+v", tokens)
	}
	if instancePhase != len(listOrderTypes) {
		t.Errorf("instancePhase %d, want len(listOrderTypes) %d", instancePhase, len(listOrderTypes))
	}

	// A full last BUY page: ListInstances is asked for one row, to learn
	// whether the listing goes on; without instances it ends there.
	for _, n := range []int{0, 1} {
		s := newEmulator(t)
		a := adapterFor(t, s)
		b1 := s.SeedOrder(alibabatest.Order{Type: alibabatest.TypeCertificate, OrderType: alibabatest.OrderTypeBuy})
		b2 := s.SeedOrder(alibabatest.Order{Type: alibabatest.TypeCertificate, OrderType: alibabatest.OrderTypeBuy})
		var inst []string
		for range n {
			inst = append(inst, s.SeedInstanceState(provider.StateRevoked))
		}
		page, err := a.List(t.Context(), provider.ListRequest{PageSize: 2})
		if err != nil || len(page.Entries) != 2 || page.Entries[0].ID != b2 || page.Entries[1].ID != b1 || (page.Next == "") != (n == 0) {
			t.Fatalf("%d instances: first page %+v, %v", n, page, err)
		}
		reqs := instanceListRequests(s)
		if len(reqs) != 1 || reqs[0].Params["ShowSize"] != "1" || reqs[0].Params["CurrentPage"] != "1" {
			t.Errorf("%d instances: ListInstances requests %+v; want one of ShowSize 1", n, reqs)
		}
		if n == 0 {
			continue
		}
		rest := listAll(t, a, provider.ListRequest{PageSize: 2, PageToken: page.Next}, nil)
		if len(rest) != 1 || rest[0].ID != inst[0] {
			t.Errorf("after the orders: %+v, want instance %s", rest, inst[0])
		}
	}

	// Instances only: the first page holds instances, after three
	// requests (CPACK, BUY, ListInstances).
	s2 := newEmulator(t)
	a2 := adapterFor(t, s2)
	id := s2.SeedInstanceState(provider.StatePendingApplication)
	page, err := a2.List(t.Context(), provider.ListRequest{})
	if err != nil || len(page.Entries) != 1 || page.Entries[0].ID != id || page.Next != "" {
		t.Fatalf("first page %+v, %v; want instance %s and no next", page, err, id)
	}
	if n := s2.RequestCount(); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
	// Nothing at all: one page, one request per phase.
	s3 := newEmulator(t)
	page, err = adapterFor(t, s3).List(t.Context(), provider.ListRequest{})
	if err != nil || len(page.Entries) != 0 || page.Next != "" || s3.RequestCount() != 3 {
		t.Errorf("empty inventory: %+v, %v, %d requests; want one empty last page after 3", page, err, s3.RequestCount())
	}
}

// TestListInstancesFilters checks the state, expiry and domain filters on
// instances, exactly, and the server-side parameters sent for them.
func TestListInstancesFilters(t *testing.T) {
	t.Parallel()
	s := newEmulator(t)
	a := adapterFor(t, s)
	now := time.Now()
	day := 24 * time.Hour
	seed := func(in alibabatest.Instance) string { return s.SeedInstance(in) }
	soon := seed(alibabatest.Instance{CertificateStatus: alibabatest.CertIssued, NotAfter: now.Add(10 * day).Truncate(time.Second), Domain: "www.example.com"})
	late := seed(alibabatest.Instance{CertificateStatus: alibabatest.CertIssued, NotAfter: now.Add(200 * day).Truncate(time.Second), Domain: "example.com"})
	past := seed(alibabatest.Instance{CertificateStatus: alibabatest.CertIssued, NotAfter: now.Add(-2 * day).Truncate(time.Second), Domain: "other.org"})
	look := seed(alibabatest.Instance{CertificateStatus: alibabatest.CertIssued, NotAfter: now.Add(300 * day).Truncate(time.Second), Domain: "badexample.com"})
	fresh := seed(alibabatest.Instance{Status: alibabatest.InstanceInactive, Domain: "fresh.example.com"})
	review := seed(alibabatest.Instance{Status: alibabatest.InstancePending, Domain: "review.example.org"})
	revoked := seed(alibabatest.Instance{CertificateStatus: alibabatest.CertRevoked, Domain: "revoked.example.org"})
	refund := seed(alibabatest.Instance{Status: alibabatest.InstanceRefund, Domain: "refund.example.org"})
	// An order in a state no instance has, so that every filter below
	// also reads the orders.
	order := s.SeedOrder(alibabatest.Order{Type: alibabatest.TypeVerifyFail, Domain: "failed.example.org"})
	for _, tt := range []struct {
		name          string
		req           provider.ListRequest
		want          []string
		param, value  string // the filter sent to ListInstances
		keyword       string
		noInstanceReq bool
	}{
		{"everything", provider.ListRequest{}, []string{soon, late, past, look, fresh, review, revoked, refund, order}, "", "", "", false},
		{"issued", provider.ListRequest{States: []provider.State{provider.StateIssued}}, []string{late, look}, "", "", "", false},
		{"expiring", provider.ListRequest{States: []provider.State{provider.StateExpiring}}, []string{soon}, "", "", "", false},
		{"expired", provider.ListRequest{States: []provider.State{provider.StateExpired}}, []string{past}, "", "", "", false},
		{"pending application", provider.ListRequest{States: []provider.State{provider.StatePendingApplication}}, []string{fresh}, "Status", "inactive", "", false},
		{"under review", provider.ListRequest{States: []provider.State{provider.StateUnderReview}}, []string{review}, "Status", "pending", "", false},
		{"revoked", provider.ListRequest{States: []provider.State{provider.StateRevoked}}, []string{revoked}, "CertificateStatus", "revoked", "", false},
		{"unknown (refund)", provider.ListRequest{States: []provider.State{provider.StateUnknown}}, []string{refund}, "", "", "", false},
		{"two states", provider.ListRequest{States: []provider.State{provider.StateRevoked, provider.StateUnderReview}}, []string{revoked, review}, "", "", "", false},
		{"review failed: orders only", provider.ListRequest{States: []provider.State{provider.StateReviewFailed}}, []string{order}, "", "", "", true},
		{"expiring within 30 days", provider.ListRequest{ExpiringWithin: 30 * day}, []string{soon, past}, "", "", "", false},
		{"domain example.com, not badexample.com", provider.ListRequest{Domain: "example.com"}, []string{soon, late, fresh}, "", "", "example.com", false},
		{"domain case and trailing dot", provider.ListRequest{Domain: "WWW.Example.COM."}, []string{soon}, "", "", "www.example.com", false},
		{"state, domain and expiry", provider.ListRequest{States: []provider.State{provider.StateExpired}, Domain: "other.org",
			ExpiringWithin: day, PageSize: 1}, []string{past}, "", "", "other.org", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := len(instanceListRequests(s))
			got := listAll(t, a, tt.req, nil)
			seen := countIDs(got)
			if ids := slices.Sorted(maps.Keys(seen)); !slices.Equal(ids, slices.Sorted(slices.Values(tt.want))) {
				t.Errorf("listed %v, want %v", ids, slices.Sorted(slices.Values(tt.want)))
			}
			for id, n := range seen {
				if n != 1 {
					t.Errorf("%s listed %d times", id, n)
				}
			}
			reqs := instanceListRequests(s)[before:]
			if tt.noInstanceReq != (len(reqs) == 0) {
				t.Fatalf("%d ListInstances requests; want none: %v", len(reqs), tt.noInstanceReq)
			}
			for _, r := range reqs {
				for _, p := range []string{"Status", "CertificateStatus"} {
					want := ""
					if p == tt.param {
						want = tt.value
					}
					if r.Params[p] != want {
						t.Errorf("sent %s %q, want %q", p, r.Params[p], want)
					}
				}
				if r.Params["Keyword"] != tt.keyword {
					t.Errorf("sent Keyword %q, want %q", r.Params["Keyword"], tt.keyword)
				}
			}
		})
	}
}

// TestListInstancesChanges lists instances while instances before and
// after the offset are deleted and new ones are created between pages:
// every instance present throughout is listed exactly once, none twice,
// and an instance deleted mid-listing at most once.
func TestListInstancesChanges(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name                string
		n, size             int
		deletes, creations  int // per page
		deleteListed, ahead bool
	}{
		{"delete listed and ahead, 2 a page", 20, 2, 2, 0, true, true},
		{"delete listed only, 3 a page", 30, 3, 1, 0, true, false},
		{"delete ahead only, 5 a page", 40, 5, 2, 0, false, true},
		{"create only, 4 a page", 30, 4, 0, 3, false, false},
		{"create more than a page, 3 a page", 20, 3, 0, 5, false, false},
		{"deletes and creations, 7 a page", 120, 7, 3, 2, true, true},
		{"many deletes before, 4 a page", 80, 4, 6, 1, true, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newEmulator(t)
			a := adapterFor(t, s)
			rng := rand.New(rand.NewPCG(uint64(tt.n), uint64(tt.size)))
			var ids []string
			for range tt.n {
				// Withdrawn instances: DeleteInstance accepts them.
				ids = append(ids, s.SeedInstanceState(provider.StateCancelled))
			}
			deleted, created, listed := map[string]bool{}, map[string]bool{}, map[string]bool{}
			var last []provider.ListEntry
			del := func(id string) {
				if _, err := a.Delete(t.Context(), provider.DeleteRequest{ID: id}); err != nil {
					t.Fatalf("deleting %s: %v", id, err)
				}
				deleted[id] = true
			}
			between := func(int) {
				for _, e := range last {
					listed[e.ID] = true
				}
				var done, ahead []string
				for _, id := range ids {
					switch {
					case deleted[id]:
					case listed[id]:
						done = append(done, id)
					default:
						ahead = append(ahead, id)
					}
				}
				for range tt.deletes {
					switch {
					case tt.deleteListed && (!tt.ahead || rng.IntN(2) == 0) && len(done) > 0:
						i := rng.IntN(len(done))
						del(done[i])
						done = slices.Delete(done, i, i+1)
					case tt.ahead && len(ahead) > 0:
						i := rng.IntN(len(ahead))
						del(ahead[i])
						ahead = slices.Delete(ahead, i, i+1)
					}
				}
				for range tt.creations {
					created[s.SeedInstanceState(provider.StateIssued)] = true
				}
			}
			var all []provider.ListEntry
			pages := 0
			for page, err := range provider.Pages(t.Context(), a, provider.ListRequest{PageSize: tt.size}) {
				if err != nil {
					t.Fatalf("page %d: %v", pages+1, err)
				}
				if pages++; pages > 4*tt.n {
					t.Fatal("the page tokens never end")
				}
				if len(page.Entries) > tt.size {
					t.Errorf("page %d holds %d entries", pages, len(page.Entries))
				}
				last = page.Entries
				all = append(all, page.Entries...)
				between(pages)
			}
			seen := countIDs(all)
			for id, c := range seen {
				if c > 1 {
					t.Errorf("instance %s listed %d times", id, c)
				}
				if !slices.Contains(ids, id) && !created[id] {
					t.Errorf("listed %s, never seeded", id)
				}
			}
			missed := 0
			for _, id := range ids {
				if !deleted[id] && seen[id] == 0 {
					missed++
				}
			}
			if missed > 0 {
				t.Errorf("%d instances present throughout not listed (%d deleted, %d created, %d pages)",
					missed, len(deleted), len(created), pages)
			}
			if len(deleted)+len(created) == 0 {
				t.Error("the test changed nothing")
			}
		})
	}
}

// TestListInstancesTokens: tokens of the instance phase that this adapter
// could not have issued, and tokens of another listing, are refused with
// invalid_argument before any request.
func TestListInstancesTokens(t *testing.T) {
	t.Parallel()
	s := newEmulator(t)
	a := adapterFor(t, s)
	for range 3 {
		s.SeedInstanceState(provider.StateIssued)
	}
	first, err := a.List(t.Context(), provider.ListRequest{PageSize: 1})
	if err != nil || first.Next == "" {
		t.Fatalf("first page: %v, next %q", err, first.Next)
	}
	tok, err := decodeListToken(first.Next)
	if err != nil || tok.Type != instancePhase || len(tok.Anchors) != 1 {
		t.Fatalf("token %+v, %v; want the instance phase with one anchor", tok, err)
	}
	edit := func(f func(*listToken)) string {
		c := tok
		c.Anchors = slices.Clone(tok.Anchors)
		f(&c)
		return c.encode()
	}
	for _, tt := range []struct {
		name       string
		token      string
		ordersOnly bool
	}{
		{"older version", edit(func(c *listToken) { c.V = 1 }), false},
		{"no version", edit(func(c *listToken) { c.V = 0 }), false},
		{"cursor in the instance phase", edit(func(c *listToken) { c.Cursor = 7 }), false},
		{"too many anchors", edit(func(c *listToken) { c.Anchors = make([]uint64, instanceAnchors+1) }), false},
		{"anchors in an order phase", edit(func(c *listToken) { c.Type = 1 }), false},
		{"negative total", edit(func(c *listToken) { c.Total = -1 }), false},
		{"show size above 100", edit(func(c *listToken) { c.Size = 101 }), false},
		{"other filter", edit(func(c *listToken) { c.Filter++ }), false},
		{"forged text", "../../x?y=1", false},
		{"List's token in the orders-only listing", first.Next, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := s.RequestCount()
			_, err := a.list(t.Context(), provider.ListRequest{PageSize: 1, PageToken: tt.token}, tt.ordersOnly)
			if provider.KindOf(err) != provider.KindInvalidArgument {
				t.Errorf("got %v, want invalid_argument", err)
			}
			if s.RequestCount() != before {
				t.Errorf("sent %d requests for a refused token", s.RequestCount()-before)
			}
		})
	}
	// The real token still works.
	if _, err := a.List(t.Context(), provider.ListRequest{PageSize: 1, PageToken: first.Next}); err != nil {
		t.Errorf("the adapter's own token: %v", err)
	}
}

// TestListInstancesFaults: a 5xx on ListInstances is unavailable, a
// throttle throttled, a 200 that is not JSON unavailable, and the same
// token works once the fault is gone.
func TestListInstancesFaults(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		kind alibabatest.FaultKind
		want provider.Kind
	}{
		{alibabatest.FaultServerError, provider.KindUnavailable},
		{alibabatest.FaultUnavailable, provider.KindUnavailable},
		{alibabatest.FaultThrottle, provider.KindThrottled},
		{alibabatest.FaultMalformed, provider.KindUnavailable},
		{alibabatest.FaultHTMLBadGateway, provider.KindUnavailable},
	} {
		t.Run(tt.kind.String(), func(t *testing.T) {
			t.Parallel()
			s := newEmulator(t)
			a := adapterFor(t, s)
			s.Seed(provider.StateIssued)
			for range 3 {
				s.SeedInstanceState(provider.StateIssued)
			}
			// CPACK's page, then BUY's (empty) and the first instance page.
			first, err := a.List(t.Context(), provider.ListRequest{PageSize: 2})
			if err != nil || first.Next == "" {
				t.Fatalf("first page: %v", err)
			}
			s.InjectFault(alibabatest.Fault{Action: alibabatest.ActionListInstances, Kind: tt.kind, Times: 1})
			_, err = a.List(t.Context(), provider.ListRequest{PageSize: 2, PageToken: first.Next})
			if provider.KindOf(err) != tt.want {
				t.Fatalf("got %v (%s), want %s", err, provider.KindOf(err), tt.want)
			}
			var pe *provider.Error
			if !errors.As(err, &pe) || pe.Op != provider.OpList {
				t.Errorf("error %v: want a *provider.Error with Op list", err)
			}
			rest := listAll(t, a, provider.ListRequest{PageSize: 2, PageToken: first.Next}, nil)
			if len(rest)+len(first.Entries) != 4 {
				t.Errorf("listed %d after the fault, want 4 in all", len(rest)+len(first.Entries))
			}
		})
	}
}

// TestFindRenewalIgnoresInstances: an inactive instance bought after the
// renewal reads pending_application like a renewed order, but the
// renewal search lists orders only and never sends ListInstances.
func TestFindRenewalIgnoresInstances(t *testing.T) {
	t.Parallel()
	s := newEmulator(t)
	a := adapterFor(t, s)
	src := s.Seed(provider.StateExpiring)
	since := time.Now().Add(-time.Minute)
	payed := s.Seed(provider.StatePendingApplication)
	inst := s.SeedInstanceState(provider.StatePendingApplication)
	res, err := a.FindRenewal(t.Context(), provider.RenewRequest{ID: src}, since)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range res.Candidates {
		ids = append(ids, c.ID)
	}
	if slices.Contains(ids, inst) || !slices.Contains(ids, payed) {
		t.Errorf("candidates %v: want %s and not instance %s", ids, payed, inst)
	}
	if n := len(instanceListRequests(s)); n != 0 {
		t.Errorf("%d ListInstances requests", n)
	}
}
