package huawei

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/certbroker/certbroker/huawei/huaweitest"
	"github.com/certbroker/certbroker/provider"
)

// documentedListParams are the query parameters of GET
// /v3/scm/certificates in the API reference (api-ccm ListCertificates).
var documentedListParams = []string{
	"limit", "offset", "sort_dir", "sort_key", "status", "enterprise_project_id",
	"deploy_support", "owned_by_self", "expired_days_since", "content",
}

// TestListWire checks what the list requests carry: only documented
// parameters, with documented values, and the filters the adapter sends.
func TestListWire(t *testing.T) {
	t.Parallel()
	day := 24 * time.Hour
	tests := []struct {
		name string
		req  provider.ListRequest
		want url.Values // the whole query of the first request
	}{
		{"everything", provider.ListRequest{},
			url.Values{"limit": {"50"}, "offset": {"0"}, "sort_key": {"certExpiredTime"}, "sort_dir": {"ASC"}}},
		{"one documented status", provider.ListRequest{States: []provider.State{provider.StatePendingApplication}},
			url.Values{"limit": {"50"}, "offset": {"0"}, "sort_key": {"certExpiredTime"}, "sort_dir": {"ASC"}, "status": {"PAID"}}},
		{"issued and expiring share ISSUED", provider.ListRequest{States: []provider.State{provider.StateIssued, provider.StateExpiring}},
			url.Values{"limit": {"50"}, "offset": {"0"}, "sort_key": {"certExpiredTime"}, "sort_dir": {"ASC"}, "status": {"ISSUED"}}},
		{"under review is several statuses", provider.ListRequest{States: []provider.State{provider.StateUnderReview}},
			url.Values{"limit": {"50"}, "offset": {"0"}, "sort_key": {"certExpiredTime"}, "sort_dir": {"ASC"}}},
		{"unknown state needs every status", provider.ListRequest{States: []provider.State{provider.StateUnknown}},
			url.Values{"limit": {"50"}, "offset": {"0"}, "sort_key": {"certExpiredTime"}, "sort_dir": {"ASC"}}},
		{"domain as content, folded", provider.ListRequest{Domain: "WWW.Example.com."},
			url.Values{"limit": {"50"}, "offset": {"0"}, "sort_key": {"certExpiredTime"}, "sort_dir": {"ASC"}, "content": {"www.example.com"}}},
		{"expiry is not sent", provider.ListRequest{ExpiringWithin: 30 * day, PageSize: 3},
			url.Values{"limit": {"50"}, "offset": {"0"}, "sort_key": {"certExpiredTime"}, "sort_dir": {"ASC"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newStub(t, answer(200, `{"certificates":[],"total_count":0}`))
			a := mustNew(t, stubConfig(s.URL))
			page, err := a.List(t.Context(), tt.req)
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			if page.Next != "" || len(page.Entries) != 0 {
				t.Errorf("empty answer gave %+v", page)
			}
			reqs := s.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if r.Method != "GET" || r.Path != "/v3/scm/certificates" {
				t.Errorf("request %s %s, want GET /v3/scm/certificates", r.Method, r.Path)
			}
			got, err := url.ParseQuery(r.RawQuery)
			if err != nil {
				t.Fatalf("query %q: %v", r.RawQuery, err)
			}
			for k := range got {
				if !slices.Contains(documentedListParams, k) {
					t.Errorf("undocumented parameter %q in %q", k, r.RawQuery)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("query %v, want %v", got, tt.want)
			}
			if r.Body != "" {
				t.Errorf("a GET with body %q", r.Body)
			}
		})
	}
}

// TestListCancelledSendsNothing: no status maps to cancelled (SCM shows a
// cancelled certificate as PAID), so nothing can match.
func TestListCancelledSendsNothing(t *testing.T) {
	t.Parallel()
	s := newStub(t, answer(200, `{"certificates":[],"total_count":0}`))
	a := mustNew(t, stubConfig(s.URL))
	page, err := a.List(t.Context(), provider.ListRequest{States: []provider.State{provider.StateCancelled}})
	if err != nil || page.Next != "" || len(page.Entries) != 0 {
		t.Fatalf("List = %+v, %v; want an empty last page", page, err)
	}
	if n := len(s.requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// TestListLenient checks that fields SCM writes in unexpected forms never
// fail a page.
func TestListLenient(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want []provider.ListEntry
	}{
		{"sample form", `{"certificates":[{"id":"scs1554192131150","domain":"www.zx.com","sans":"a.zx.com;b.zx.com","type":"OV_SSL_CERT","brand":"GEOTRUST","expire_time":"2031-05-27 16:46:25.0","status":"ISSUED"}],"total_count":1}`,
			[]provider.ListEntry{{ID: "scs1554192131150", State: provider.StateIssued, NativeState: "ISSUED",
				Domains: []string{"www.zx.com", "a.zx.com", "b.zx.com"}, NotAfter: time.Date(2031, 5, 27, 16, 46, 25, 0, time.UTC), Type: "GEOTRUST OV_SSL_CERT"}}},
		{"unreadable expiry, numeric status, null domain", `{"certificates":[{"id":"scs1554192131150","domain":null,"expire_time":{"x":1},"status":7,"type":42}]}`,
			[]provider.ListEntry{{ID: "scs1554192131150", State: provider.StateUnknown, NativeState: "7", Type: "42"}}},
		{"padded status, millis expiry", `{"certificates":[{"id":"scs1554192131150","status":" expired ","expire_time":1622134000000}]}`,
			[]provider.ListEntry{{ID: "scs1554192131150", State: provider.StateExpired, NativeState: "EXPIRED", NotAfter: time.UnixMilli(1622134000000).UTC()}}},
		{"rows without a usable ID are skipped", `{"certificates":[{"id":""},{"id":"../x"},"row",{"id":"scs1554192131151","status":"PAID"}]}`,
			[]provider.ListEntry{{ID: "scs1554192131151", State: provider.StatePendingApplication, NativeState: "PAID"}}},
		{"certificates not an array", `{"certificates":{"id":"scs1554192131150"},"total_count":"x"}`, nil},
		{"no certificates", `{}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newStub(t, answer(200, tt.body))
			a := mustNew(t, stubConfig(s.URL))
			page, err := a.List(t.Context(), provider.ListRequest{})
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			if page.Next != "" {
				t.Errorf("Next = %q on a short answer", page.Next)
			}
			if len(page.Entries) != len(tt.want) {
				t.Fatalf("entries %+v, want %+v", page.Entries, tt.want)
			}
			for i, e := range page.Entries {
				w := tt.want[i]
				if e.ID != w.ID || e.State != w.State || e.NativeState != w.NativeState || e.Type != w.Type ||
					!e.NotAfter.Equal(w.NotAfter) || !slices.Equal(e.Domains, w.Domains) {
					t.Errorf("entry %d = %+v, want %+v", i, e, w)
				}
			}
		})
	}
}

// TestListRefusesTokens checks page tokens: forged ones, and real ones
// with other filters, are refused before any request.
func TestListRefusesTokens(t *testing.T) {
	t.Parallel()
	h := newEmulated(t, false)
	for range 3 {
		h.srv.Seed(provider.StateIssued)
	}
	page, err := h.a.List(t.Context(), provider.ListRequest{PageSize: 1})
	if err != nil || page.Next == "" {
		t.Fatalf("first page: %+v, %v", page, err)
	}
	tests := []struct {
		name string
		req  provider.ListRequest
	}{
		{"other domain filter", provider.ListRequest{PageToken: page.Next, Domain: "example.com"}},
		{"other state filter", provider.ListRequest{PageToken: page.Next, States: []provider.State{provider.StateIssued}}},
		{"other expiry filter", provider.ListRequest{PageToken: page.Next, ExpiringWithin: time.Hour}},
		{"not base64", provider.ListRequest{PageToken: "../../x?y=1"}},
		{"truncated", provider.ListRequest{PageToken: page.Next[:len(page.Next)-4]}},
		{"Alibaba-shaped", provider.ListRequest{PageToken: "2"}},
	}
	for _, tt := range tests {
		before := h.srv.RequestCount()
		_, err := h.a.List(t.Context(), tt.req)
		if pe := asProviderError(t, err); pe.Kind != provider.KindInvalidArgument || pe.Op != provider.OpList {
			t.Errorf("%s: %v (kind %s, op %s), want invalid_argument for list", tt.name, err, pe.Kind, pe.Op)
		}
		if n := h.srv.RequestCount() - before; n != 0 {
			t.Errorf("%s: %d requests sent", tt.name, n)
		}
	}
	// The same filters with another page size are fine.
	if _, err := h.a.List(t.Context(), provider.ListRequest{PageToken: page.Next, PageSize: 2}); err != nil {
		t.Errorf("next page at another size: %v", err)
	}
}

// TestListLargeInventory lists 10,000 certificates page by page through
// the SDK against the emulator: each exactly once.
func TestListLargeInventory(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("10,000 certificates")
	}
	h := newEmulated(t, false)
	const n = 10_000
	states := huaweitest.States()
	want := make(map[string]bool, n)
	for i := range n {
		want[h.srv.Seed(states[i%len(states)])] = true
	}
	for _, size := range []int{0, 30} {
		t.Run(fmt.Sprintf("page_size_%d", size), func(t *testing.T) {
			before := h.srv.RequestCount()
			seen := make(map[string]bool, n)
			pages := 0
			for page, err := range provider.Pages(t.Context(), h.a, provider.ListRequest{PageSize: size}) {
				if err != nil {
					t.Fatalf("page %d: %v", pages+1, err)
				}
				pages++
				if size > 0 && len(page.Entries) > size {
					t.Errorf("page %d holds %d entries", pages, len(page.Entries))
				}
				for _, e := range page.Entries {
					if seen[e.ID] {
						t.Errorf("%s listed twice", e.ID)
					}
					if !want[e.ID] {
						t.Errorf("%s was not seeded", e.ID)
					}
					seen[e.ID] = true
				}
			}
			if len(seen) != n {
				t.Errorf("listed %d of %d", len(seen), n)
			}
			sent := h.srv.RequestCount() - before
			per := max(size, listMaxPage)
			if size > 0 {
				per = size
			}
			if most := n/per + 2; sent > most {
				t.Errorf("%d requests for %d pages of %d, want at most %d", sent, pages, per, most)
			}
			t.Logf("%d pages, %d requests", pages, sent)
		})
	}
}

// TestListShifts lists 30 orders 8 a page while, after the first page,
// listed orders are deleted or new ones sort before the position, and
// checks what List documents: whatever the shift, nothing present
// throughout is skipped or repeated. Up to 5 deleted before the anchors
// keep them in the re-read rows; with 6 or 8 (every row read), the page
// finds them by reading further back, or goes on by expiry.
func TestListShifts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		deleted  int // listed orders deleted after the first page
		inserted int // orders inserted before every listed one
		skipped  int
	}{
		{"three listed deleted", 3, 0, 0},
		{"five listed deleted", 5, 0, 0},
		{"six listed deleted: the anchors leave the re-read rows", 6, 0, 0},
		{"every listed deleted", 8, 0, 0},
		{"ten inserted before", 0, 10, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newEmulated(t, false)
			var ids []string
			for i := range 30 {
				ids = append(ids, h.srv.SeedListed(provider.StateIssued, time.Now().Add(time.Duration(100+i)*24*time.Hour)))
			}
			var listed []string
			req := provider.ListRequest{PageSize: 8}
			for pages := 0; ; pages++ {
				page, err := h.a.List(t.Context(), req)
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range page.Entries {
					listed = append(listed, e.ID)
				}
				if pages == 0 {
					for _, id := range listed[:tt.deleted] {
						if _, err := h.a.Delete(t.Context(), provider.DeleteRequest{ID: id}); err != nil {
							t.Fatal(err)
						}
					}
					for range tt.inserted {
						h.srv.SeedListed(provider.StateIssued, time.Now().Add(24*time.Hour))
					}
				}
				if page.Next == "" {
					break
				}
				req.PageToken = page.Next
			}
			seen := map[string]int{}
			for _, id := range listed {
				seen[id]++
			}
			skipped := 0
			for _, id := range ids {
				switch seen[id] {
				case 0:
					skipped++
				case 1:
				default:
					t.Errorf("%s listed %d times", id, seen[id])
				}
			}
			if skipped != tt.skipped {
				t.Errorf("%d orders skipped, want %d", skipped, tt.skipped)
			}
			if len(listed) != len(ids)-skipped {
				t.Errorf("listed %d for %d seeded, %d skipped: %s", len(listed), len(ids), skipped, strings.Join(listed, " "))
			}
		})
	}
}

// TestListErrors checks that a failing page is a provider error of op
// list, and that the next call from the same token still works.
func TestListErrors(t *testing.T) {
	t.Parallel()
	h := newEmulated(t, false)
	for range 3 {
		h.srv.Seed(provider.StateIssued)
	}
	h.srv.InjectFault(huaweitest.Fault{Kind: huaweitest.FaultThrottle, Action: huaweitest.ActionList, Times: 1})
	_, err := h.a.List(t.Context(), provider.ListRequest{})
	pe := asProviderError(t, err)
	if pe.Op != provider.OpList || !errors.Is(err, provider.ErrThrottled) {
		t.Errorf("throttled page: %v (op %s, kind %s)", err, pe.Op, pe.Kind)
	}
	page, err := h.a.List(t.Context(), provider.ListRequest{})
	if err != nil || len(page.Entries) != 3 {
		t.Errorf("after the fault: %+v, %v", page, err)
	}
}
