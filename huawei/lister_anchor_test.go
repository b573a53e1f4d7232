package huawei

import (
	"cmp"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/certbroker/certbroker/huawei/huaweitest"
	"github.com/certbroker/certbroker/provider"
)

// The listing's anchors (List, "Paging under changes"), over the real SDK
// against the emulator (loopback HTTP, every signature checked).

// anchorInventory is how many issued certificates each case seeds: 25
// pages of anchorPageSize.
const (
	anchorInventory = 200
	anchorPageSize  = 8
	anchorAt        = 10 // the change comes after this many pages: 80 entries read
)

// anchorVariant is an inventory and how its expiries sort.
type anchorVariant struct {
	name string
	opts func() []huaweitest.Option
	// seed creates n issued certificates and returns their IDs.
	seed func(s *huaweitest.Server, n int) []string
	// tied: the list writes one expire_time for all of them (the server
	// still orders them), so List's step 2 counts tied rows.
	tied bool
}

func anchorVariants() []anchorVariant {
	base := time.Now().Add(100 * 24 * time.Hour).Truncate(time.Hour)
	return []anchorVariant{
		// A day apart: every row has its own expire_time.
		{name: "distinct", opts: func() []huaweitest.Option { return nil },
			seed: func(s *huaweitest.Server, n int) []string {
				var ids []string
				for i := range n {
					ids = append(ids, s.SeedListed(provider.StateIssued, base.Add(time.Duration(i)*24*time.Hour)))
				}
				return ids
			}},
		// One clock instant: every certificate expires at the same time;
		// the emulator breaks the tie by creation order.
		{name: "same_expiry", tied: true,
			opts: func() []huaweitest.Option {
				now := time.Now()
				return []huaweitest.Option{huaweitest.WithClock(func() time.Time { return now })}
			},
			seed: func(s *huaweitest.Server, n int) []string {
				var ids []string
				for range n {
					ids = append(ids, s.Seed(provider.StateIssued))
				}
				return ids
			}},
		// A millisecond apart, written to the second: the server orders
		// rows the list shows as tied.
		{name: "same_second_listed", tied: true,
			opts: func() []huaweitest.Option {
				return []huaweitest.Option{huaweitest.WithTimeFormat(huaweitest.TimeDateTime)}
			},
			seed: func(s *huaweitest.Server, n int) []string {
				var ids []string
				for i := range n {
					ids = append(ids, s.SeedListed(provider.StateIssued, base.Add(time.Duration(i)*time.Millisecond)))
				}
				return ids
			}},
	}
}

// anchorChange is what happens between page anchorAt and the next.
type anchorChange struct {
	name string
	// filter lists issued orders only (status=ISSUED is sent).
	filter bool
	// revoke revokes the orders instead of deleting them: under filter
	// they leave the cloud's filtered list, as if deleted; without it
	// they stay where they are.
	revoke bool
	// rel are the orders changed, by place relative to the page boundary
	// k: -1 is the last order read (the newest anchor), 0 the first of the
	// next page.
	rel []int
	// create orders are created that sort before every listed one.
	create int
	// at is the page after which the change comes; 0 for anchorAt.
	at int
	// skipTied is how many orders present throughout List documents it
	// may skip when the variant's expiries are tied (step 2: all five
	// anchors left, and so did that many other tied rows before the
	// position); skipDistinct, with distinct expiries (step 3 only).
	skipTied, skipDistinct int
}

func span(lo, hi int) []int {
	var out []int
	for i := lo; i <= hi; i++ {
		out = append(out, i)
	}
	return out
}

func anchorChanges() []anchorChange {
	return []anchorChange{
		{name: "nothing"},
		{name: "delete_the_anchor", rel: []int{-1}},
		{name: "delete_the_last_two", rel: span(-2, -1)},
		{name: "delete_the_last_five_every_anchor", rel: span(-listKeep, -1)},
		{name: "delete_the_anchor_and_the_next", rel: []int{-1, 0}},
		{name: "delete_every_anchor_and_the_next_two", rel: span(-listKeep, 1)},
		{name: "delete_before_the_offset_within_the_reread_rows", rel: span(-8, -6)},
		{name: "delete_60_before_the_offset_past_the_window", rel: span(-70, -11)},
		{name: "delete_the_anchor_and_60_before", rel: append(span(-70, -11), -1)},
		// Every anchor gone: by expiry. With ties, the 65 other rows
		// deleted before the position make step 2 skip as many.
		{name: "delete_the_last_70", rel: span(-70, -1), skipTied: 70 - listKeep},
		{name: "delete_the_last_six", rel: span(-listKeep-1, -1), skipTied: 1},
		{name: "revoke_the_anchor_under_a_status_filter", filter: true, revoke: true, rel: []int{-1}},
		{name: "revoke_the_last_two_under_a_status_filter", filter: true, revoke: true, rel: span(-2, -1)},
		{name: "revoke_every_anchor_under_a_status_filter", filter: true, revoke: true, rel: span(-listKeep, -1)},
		{name: "revoke_the_anchor_and_the_next_without_a_status_filter", revoke: true, rel: []int{-1, 0}},
		{name: "create_3_before", create: 3},
		{name: "create_60_before_past_the_window", create: 60},
		{name: "create_60_before_and_delete_the_anchor", create: 60, rel: []int{-1}},
		// Step 3: 160 of the 176 rows read are deleted, anchors included;
		// the page reads back 3 times (150 rows) and gives up short of
		// the position. Distinct: it goes on from the farthest row read,
		// skipping the 4 rows before it. Tied: the 24 rows left after the
		// position are all tied with the anchors and taken as read.
		{name: "delete_160_before_past_the_page_requests", at: 22, rel: span(-165, -6), skipTied: 24, skipDistinct: 4},
	}
}

// TestListAnchors lists 200 issued orders 8 a page, changes orders after
// the 10th page (80 read), and checks that nothing is listed twice and
// that every order present throughout, and matching throughout, is listed
// exactly once, except the tied orders List documents it may skip.
func TestListAnchors(t *testing.T) {
	t.Parallel()
	for _, v := range anchorVariants() {
		for _, c := range anchorChanges() {
			t.Run(v.name+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				runAnchorChange(t, v, c)
			})
		}
	}
}

func runAnchorChange(t *testing.T, v anchorVariant, c anchorChange) {
	h := newEmulated(t, false, v.opts()...)
	ids := v.seed(h.srv, anchorInventory)
	req := provider.ListRequest{PageSize: anchorPageSize}
	if c.filter {
		req.States = []provider.State{provider.StateIssued}
	}
	ref := listIDs(t, h.a, req)
	if !sameSet(ref, ids) {
		t.Fatalf("reference listing: %d entries for %d seeded", len(ref), len(ids))
	}
	at := cmp.Or(c.at, anchorAt)
	k := at * anchorPageSize
	leaves := map[string]bool{} // no longer in the cloud's list (deleted, or revoked under the filter)
	created := map[string]bool{}
	var listed []string
	pages, sentAfter := 0, 0
	before := h.srv.RequestCount()
	for {
		page, err := h.a.List(t.Context(), req)
		if err != nil {
			t.Fatalf("page %d: %v", pages+1, err)
		}
		pages++
		for _, e := range page.Entries {
			listed = append(listed, e.ID)
		}
		if pages == at {
			if len(listed) != k || listed[k-1] != ref[k-1] {
				t.Fatalf("after %d pages: %d entries, the last %s; want %d, the last %s", pages, len(listed), listed[len(listed)-1], k, ref[k-1])
			}
			for _, r := range c.rel {
				id := ref[k+r]
				var err error
				if c.revoke {
					_, err = h.a.Revoke(t.Context(), provider.RevokeRequest{ID: id})
				} else {
					_, err = h.a.Delete(t.Context(), provider.DeleteRequest{ID: id})
				}
				if err != nil {
					t.Fatalf("change %s (%+d): %v", id, r, err)
				}
				if !c.revoke || c.filter {
					leaves[id] = true
				}
			}
			for i := range c.create {
				created[h.srv.SeedListed(provider.StateIssued, time.Now().Add(time.Duration(24+i)*time.Hour))] = true
			}
			sentAfter = h.srv.RequestCount()
		}
		if page.Next == "" {
			break
		}
		req.PageToken = page.Next
	}
	count := map[string]int{}
	for _, id := range listed {
		count[id]++
		if count[id] == 2 {
			t.Errorf("%s listed twice", id)
		}
	}
	seeded := map[string]int{}
	for i, id := range ref {
		seeded[id] = i
	}
	wantSkipped := c.skipDistinct
	if v.tied {
		wantSkipped = c.skipTied
	}
	skipped := 0
	for i, id := range ref {
		switch {
		case leaves[id] && i >= k && count[id] > 0:
			t.Errorf("%s (at %d) listed after it left the list", id, i)
		case leaves[id]:
		case count[id] == 0:
			skipped++
			if skipped > wantSkipped {
				t.Errorf("%s (at %d, present throughout) not listed", id, i)
			}
		}
	}
	for _, id := range listed {
		if _, ok := seeded[id]; !ok && !created[id] {
			t.Errorf("%s listed, never seeded", id)
		}
	}
	if skipped != wantSkipped {
		t.Errorf("%d orders present throughout skipped, List documents %d", skipped, wantSkipped)
	}
	sent := h.srv.RequestCount() - before
	if len(c.rel) == 0 && c.create == 0 && sent != pages {
		t.Errorf("%d requests for %d pages without changes, want one a page", sent, pages)
	}
	t.Logf("%d pages, %d requests (%d after the change); %d listed, %d skipped", pages, sent, h.srv.RequestCount()-sentAfter, len(listed), skipped)
}

// listIDs reads the whole listing of req through List.
func listIDs(t *testing.T, l provider.Lister, req provider.ListRequest) []string {
	t.Helper()
	var out []string
	for page, err := range provider.Pages(t.Context(), l, req) {
		if err != nil {
			t.Fatalf("listing: %v", err)
		}
		for _, e := range page.Entries {
			out = append(out, e.ID)
		}
	}
	return out
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// TestListAnchorDeletedRepro is the report's case: 10 issued
// certificates, a first page of 3, the third (the anchor) deleted; the
// next page starts with the fourth, which was skipped before anchors were
// kept.
func TestListAnchorDeletedRepro(t *testing.T) {
	t.Parallel()
	for _, v := range anchorVariants() {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			h := newEmulated(t, false, v.opts()...)
			v.seed(h.srv, 10)
			ref := listIDs(t, h.a, provider.ListRequest{})
			first, err := h.a.List(t.Context(), provider.ListRequest{PageSize: 3})
			if err != nil || len(first.Entries) != 3 || first.Next == "" {
				t.Fatalf("first page: %+v, %v", first, err)
			}
			if _, err := h.a.Delete(t.Context(), provider.DeleteRequest{ID: first.Entries[2].ID}); err != nil {
				t.Fatal(err)
			}
			before := h.srv.RequestCount()
			next, err := h.a.List(t.Context(), provider.ListRequest{PageSize: 3, PageToken: first.Next})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range next.Entries {
				got = append(got, e.ID)
			}
			if !slices.Equal(got, ref[3:6]) {
				t.Errorf("next page %v, want %v", got, ref[3:6])
			}
			if n := h.srv.RequestCount() - before; n != 1 {
				t.Errorf("the next page sent %d requests, want 1", n)
			}
		})
	}
}

// TestListTokenForms checks the token: bounded with every anchor, and
// refused when edited, cut, or rebuilt with a bad part.
func TestListTokenForms(t *testing.T) {
	t.Parallel()
	h := newEmulated(t, false)
	for range 12 {
		h.srv.Seed(provider.StateIssued)
	}
	page, err := h.a.List(t.Context(), provider.ListRequest{PageSize: 7})
	if err != nil || page.Next == "" {
		t.Fatalf("first page: %+v, %v", page, err)
	}
	if n := len(page.Next); n > 200 {
		t.Errorf("a token with %d anchors is %d characters", listKeep, n)
	}
	raw, err := base64.RawURLEncoding.DecodeString(page.Next)
	if err != nil {
		t.Fatal(err)
	}
	body := string(raw[:strings.LastIndexByte(string(raw), '.')])
	parts := strings.Split(body, ".")
	if len(parts) != 6 || parts[0] != tokenVersion || len(strings.Split(parts[2], "~")) != listKeep {
		t.Fatalf("token %q: want %s with %d anchors", raw, tokenVersion, listKeep)
	}
	seal := func(parts ...string) string {
		b := strings.Join(parts, ".")
		return base64.RawURLEncoding.EncodeToString([]byte(b + "." + tokenSum(b)))
	}
	with := func(i int, v string) string {
		p := slices.Clone(parts)
		p[i] = v
		return seal(p...)
	}
	ids := strings.Split(parts[2], "~")
	tests := []struct {
		name, tok string
	}{
		{"offset edited, checksum kept", base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(raw), "h2.7.", "h2.9.", 1)))},
		{"checksum cut", page.Next[:len(page.Next)-3]},
		{"previous version", with(0, "h1")},
		{"negative offset", with(1, "-1")},
		{"an anchor not a certificate ID", with(2, strings.Join(append(ids[:4:4], "../x"), "~"))},
		{"six anchors", with(2, parts[2]+"~scs1000000000000")},
		{"an anchor twice", with(2, strings.Join(append(ids[:4:4], ids[0]), "~"))},
		{"anchors without a key", with(3, "")},
		{"a key not a number", with(3, "x")},
		{"negative run", with(4, "-2")},
		{"a run without anchors", seal(parts[0], parts[1], "", parts[3], "3", parts[5])},
		{"too long", base64.RawURLEncoding.EncodeToString([]byte(strings.Repeat("h2.", 100)))},
	}
	for _, tt := range tests {
		before := h.srv.RequestCount()
		_, err := h.a.List(t.Context(), provider.ListRequest{PageSize: 7, PageToken: tt.tok})
		if pe := asProviderError(t, err); pe.Kind != provider.KindInvalidArgument || pe.Op != provider.OpList ||
			!strings.Contains(pe.Message, "not issued by this provider") {
			t.Errorf("%s: %v (kind %s), want invalid_argument, not issued here", tt.name, err, pe.Kind)
		}
		if n := h.srv.RequestCount() - before; n != 0 {
			t.Errorf("%s: %d requests sent", tt.name, n)
		}
	}
	// Resealed with its own parts, the token is the same position.
	again, err := h.a.List(t.Context(), provider.ListRequest{PageSize: 7, PageToken: seal(parts...)})
	if err != nil || len(again.Entries) != 5 {
		t.Errorf("resealed token: %+v, %v", again, err)
	}
	// Another filter's fingerprint is refused as such.
	_, err = h.a.List(t.Context(), provider.ListRequest{PageSize: 7, PageToken: with(5, "zz")})
	if pe := asProviderError(t, err); !strings.Contains(pe.Message, "other filters") {
		t.Errorf("other filters: %v", err)
	}
}

// TestListResume checks step 2 and 3 of List on windows no anchor is in:
// where the page goes on, or what it reads first.
func TestListResume(t *testing.T) {
	t.Parallel()
	base := time.Date(2031, 5, 27, 16, 46, 25, 0, time.UTC)
	const F = 10 // the newest anchor's expiry, in minutes after base
	row := func(min int) listRow {
		// resume reads only whether a row has an ID, and its expiry.
		return listRow{ID: "scs1000000000000", ExpireTime: looseTime{Time: base.Add(time.Duration(min) * time.Minute)}}
	}
	rows := func(mins ...int) []listRow {
		var out []listRow
		for _, m := range mins {
			if m < 0 {
				out = append(out, listRow{}) // no ID
				continue
			}
			out = append(out, row(m))
		}
		return out
	}
	anchored := func(run int) listPos {
		return listPos{offset: 20, ids: []string{"scs2000000000001", "scs2000000000002", "scs2000000000003",
			"scs2000000000004", "scs2000000000005"}, key: keyOf(row(F)), keyed: true, run: run}
	}
	past := listPos{offset: 20, key: keyOf(row(F)), keyed: true}
	tests := []struct {
		name   string
		p      listPos
		w      window
		noBack bool
		from   int
		step   step
	}{
		{"distinct: the first later row", anchored(1), window{rows(7, 8, 9, 12, 13), 14, false}, false, 3, resolved},
		{"tied: the read ones counted from the first", anchored(8), window{rows(9, F, F, F, F, 12), 14, false}, false, 4, resolved},
		{"tied: none read but the anchors", anchored(5), window{rows(9, F, F, 12), 14, false}, false, 1, resolved},
		{"tied: rows without an ID not counted", anchored(7), window{rows(9, F, -1, F, F), 14, false}, false, 4, resolved},
		{"tied: the first out of sight", anchored(8), window{rows(F, F, 12), 14, false}, false, 0, goBack},
		{"tied: the first out of reach, by position", anchored(8), window{rows(F, F, F, F, 12), 14, false}, true, 1, resolved},
		{"tied: run unknown, by position", anchored(0), window{rows(F, F, F, F, 12), 14, false}, false, 1, resolved},
		{"tied: run unknown, a later row first", anchored(0), window{rows(9, 12, 13), 14, false}, false, 1, resolved},
		{"tied: the count goes past the window", anchored(9), window{rows(9, F, F), 14, true}, false, 3, goAhead},
		{"later rows first: look back", anchored(1), window{rows(12, 13), 14, false}, false, 0, goBack},
		{"later rows first, out of reach: go on from them", anchored(1), window{rows(12, 13), 14, false}, true, 0, resolved},
		{"later rows first at the list's start", anchored(1), window{rows(12, 13), 0, false}, false, 0, resolved},
		{"every row earlier: look on", anchored(1), window{rows(1, 2, 3), 14, true}, false, 3, goAhead},
		{"every row earlier, the list ends", anchored(1), window{rows(1, 2, 3), 14, false}, false, 3, resolved},
		{"no row with an ID: look back", anchored(1), window{rows(-1, -1), 14, false}, false, 0, goBack},
		{"empty at the start", anchored(1), window{nil, 0, false}, false, 0, resolved},
		{"past the key: every tied row read", past, window{rows(9, F, F, F, 12), 14, false}, false, 4, resolved},
		{"past the key: tied first is enough", past, window{rows(F, F, 12), 14, false}, false, 2, resolved},
	}
	for _, tt := range tests {
		mode, need := tiesPlace, 0
		switch {
		case len(tt.p.ids) == 0:
			mode = tiesAll
		case tt.p.run > 0:
			mode, need = tiesCount, tt.p.run-min(tt.p.run, len(tt.p.ids))
		}
		from, st := resume(tt.w, tt.p, mode, need, tt.noBack)
		if from != tt.from || st != tt.step {
			t.Errorf("%s: resume = %d, step %d; want %d, step %d", tt.name, from, st, tt.from, tt.step)
		}
	}
}

// TestListAnchorExpiryChanges moves the newest anchor in the sort between
// two pages: an order under review (no expiry, sorting first) whose
// withdrawal fails late is issued, with an expiry after every other. The
// page must pass over the moved anchor and go on after the one before it:
// nothing present throughout is skipped or repeated. The moved order
// itself is listed again when the listing reaches its new place on a
// later page, as List documents; on the page right after, it is not.
func TestListAnchorExpiryChanges(t *testing.T) {
	t.Parallel()
	for _, size := range []int{8, 25} {
		t.Run(fmt.Sprintf("page_size_%d", size), func(t *testing.T) {
			t.Parallel()
			h := newEmulated(t, false)
			for range 30 {
				h.srv.Seed(provider.StateUnderReview)
			}
			for range 10 {
				h.srv.Seed(provider.StateIssued)
			}
			req := provider.ListRequest{PageSize: size}
			ref := listIDs(t, h.a, req)
			var listed []string
			moved := ""
			for pages := 0; ; pages++ {
				page, err := h.a.List(t.Context(), req)
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range page.Entries {
					listed = append(listed, e.ID)
				}
				if pages == 0 {
					moved = listed[len(listed)-1]
					if _, err := h.a.Cancel(t.Context(), provider.CancelRequest{ID: moved}); err != nil {
						t.Fatal(err)
					}
					if !h.srv.FailCancel(moved) {
						t.Fatalf("%s is not being withdrawn", moved)
					}
					h.srv.Settle(moved)
					if st, _ := h.srv.State(moved); st != provider.StateIssued {
						t.Fatalf("%s settled to %v, want issued", moved, st)
					}
				}
				if page.Next == "" {
					break
				}
				req.PageToken = page.Next
			}
			count := map[string]int{}
			for _, id := range listed {
				count[id]++
			}
			for _, id := range ref {
				if id != moved && count[id] != 1 {
					t.Errorf("%s listed %d times", id, count[id])
				}
			}
			// The second page passes over it (its expiry changed) and,
			// with pages of 25, reaches its new place: the token's anchors
			// keep it out. With pages of 8, a later page reaches it, and
			// lists it again.
			want := map[int]int{8: 2, 25: 1}[size]
			if count[moved] != want {
				t.Errorf("the moved anchor %s listed %d times, want %d", moved, count[moved], want)
			}
		})
	}
}
