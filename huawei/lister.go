package huawei

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/certbroker/certbroker/internal/adapterkit"
	"github.com/certbroker/certbroker/provider"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/def"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
)

// Listing over SCM v3 GET /v3/scm/certificates (API reference "Querying
// the Certificate List", ListCertificates:
// https://support.huaweicloud.com/intl/en-us/api-ccm/ListCertificates.html;
// the SDK's services/scm/v3 model ListCertificatesRequest/Response).
//
// The API pages by offset (limit 10, 20 or 50; offset documented as
// "Query offset", 0 to 100) and filters by one status (or ALL), by
// content ("certificate name or domain" keyword) and by
// expired_days_since ("within validity and expired at most that many
// days"), with sort_key certExpiredTime, certStatus or certUpdateTime and
// sort_dir ASC or DESC.
const (
	apiList      = "list-certificates" // v3
	pathV3List   = "/v3/scm/certificates"
	listLimit    = 50 // the largest documented limit; every request asks for it
	listBack     = 5  // rows re-read before the newest anchor's own, to find the anchors again
	listKeep     = 5  // anchors a token keeps: the IDs of the last rows read
	listMaxPage  = listLimit - listBack - 1
	listRequests = 4 // requests one page may send while filters drop rows or it looks for its place
	listSortKey  = "certExpiredTime"
	listSortDir  = "ASC"
	tokenVersion = "h2"
)

// listStatuses are the status filter values the reference documents.
var listStatuses = []string{
	nativePaid, nativeIssued, nativeChecking, nativeCancelChecking, nativeUnpassed, nativeExpired,
	nativeRevoking, nativeRevoked, nativeUpload, nativeCheckingOrg, nativeIssuing, nativeSupplementChecking,
}

// knownNatives are every status nativeState maps.
var knownNatives = []string{
	nativePaid, nativeChecking, nativeCheckingDomain, nativeCheckingOrg, nativeIssuing, nativeCancelChecking,
	nativeUnpassed, nativeIssued, nativeExpired, nativeRevoking, nativeCancelRevoking, nativeRevoked,
	nativeUpload, nativeSupplementChecking, nativeCancelSupplementing,
}

// listReq is the query of GET /v3/scm/certificates; empty fields are not
// sent (listDef declares only the set ones).
type listReq struct {
	Limit   string `json:"limit"`
	Offset  string `json:"offset"`
	SortKey string `json:"sort_key"`
	SortDir string `json:"sort_dir"`
	Status  string `json:"status"`
	Content string `json:"content"`
}

func listDef(q *listReq) *def.HttpRequestDef {
	var fields []*def.FieldDef
	for _, f := range []struct{ name, tag, v string }{
		{"Limit", "limit", q.Limit}, {"Offset", "offset", q.Offset}, {"SortKey", "sort_key", q.SortKey},
		{"SortDir", "sort_dir", q.SortDir}, {"Status", "status", q.Status}, {"Content", "content", q.Content},
	} {
		if f.v != "" {
			fields = append(fields, def.NewFieldDef().WithName(f.name).WithJsonTag(f.tag).WithLocationType(def.Query))
		}
	}
	return newDef(http.MethodGet, pathV3List, new(rawBody), fields...)
}

// listRow is one row of the list, every field lenient.
type listRow struct {
	ID         looseString `json:"id"`
	Domain     looseString `json:"domain"`
	Sans       looseString `json:"sans"`
	Type       looseString `json:"type"`
	Brand      looseString `json:"brand"`
	ExpireTime looseTime   `json:"expire_time"`
	Status     looseString `json:"status"`
	// DomainType and DomainCount are read by FindRenewal only.
	DomainType  looseString `json:"domain_type"`
	DomainCount looseInt    `json:"domain_count"`
}

// listResp is the list's answer. A certificates value that is not an
// array of objects reads as no rows; a row that is not an object is
// skipped (see rows).
type listResp struct {
	Certificates json.RawMessage `json:"certificates"`
}

func (r listResp) rows() []listRow {
	var raw []json.RawMessage
	if json.Unmarshal(r.Certificates, &raw) != nil {
		return nil
	}
	out := make([]listRow, 0, len(raw))
	for _, m := range raw {
		var row listRow
		if json.Unmarshal(m, &row) != nil {
			row = listRow{} // kept, so offsets still count it; skipped as ID-less
		}
		out = append(out, row)
	}
	return out
}

// sortKey is where a row sorts under certExpiredTime: its expire_time in
// Unix milliseconds, to the precision the list writes it, or noExpiry for a
// row without one (not yet issued) or with one the adapter cannot read.
type sortKey int64

// noExpiry sorts first: the adapter takes rows without an expiry to come
// first in ASC, as the emulator serves them [unverified].
const noExpiry sortKey = math.MinInt64

func keyOf(r listRow) sortKey {
	if r.ExpireTime.IsZero() {
		return noExpiry
	}
	return sortKey(r.ExpireTime.UnixMilli())
}

func (k sortKey) String() string {
	if k == noExpiry {
		return "n"
	}
	return strconv.FormatInt(int64(k), 10)
}

// rowID returns the row's certificate ID; ok is false for a row without a
// valid one, which a listing skips (it still takes its place in offsets).
func rowID(r listRow) (string, bool) {
	id := strings.TrimSpace(string(r.ID))
	return id, checkID(id) == nil
}

// listPos is where a listing stands; a page token carries it. It is in one
// of three modes:
//
//   - anchored (ids not empty): offset is the row after the last one read;
//     ids are the IDs of the last rows read (at most listKeep, oldest
//     first, listed or filtered out alike), the anchors; key is the newest
//     anchor's sort key, and run how many rows read in a row, ending with
//     it, had that key (0: not known);
//   - past key (ids empty, keyed): every row sorting at or before key was
//     read; the first that sorts after it is looked for from offset-1-listBack;
//   - plain (neither): no row with an ID was read yet; offset is the next
//     row.
type listPos struct {
	offset int
	ids    []string
	key    sortKey
	keyed  bool
	run    int
}

// read records that the row with id and key k was read after the others.
func (p *listPos) read(id string, k sortKey) {
	switch {
	case p.keyed && k == p.key && p.run > 0:
		p.run++
	case p.keyed && k == p.key:
		// The run's length is not known; it stays so.
	default:
		p.run = 1
	}
	p.key, p.keyed = k, true
	p.ids = append(p.ids, id)
	if len(p.ids) > listKeep {
		p.ids = p.ids[len(p.ids)-listKeep:]
	}
}

// filterPrint fingerprints the filters of req, so a token is refused
// with other filters.
func filterPrint(req provider.ListRequest) string {
	h := fnv.New32a()
	states := slices.Clone(req.States)
	slices.Sort(states)
	states = slices.Compact(states)
	fmt.Fprintf(h, "%v|%d|%s|%s,%s", states, req.ExpiringWithin, normDomain(req.Domain), listSortKey, listSortDir)
	return strconv.FormatUint(uint64(h.Sum32()), 36)
}

// tokenSum is the checksum closing a token, so that an edited or cut
// token is refused. It is not a secret: it guards against mistakes, not
// against a caller forging positions (which can only make the caller's
// own listing skip or repeat rows).
func tokenSum(body string) string {
	h := fnv.New64a()
	h.Write([]byte(body))
	return strconv.FormatUint(h.Sum64(), 36)
}

// maxTokenLen bounds a decoded token: version, offset, listKeep IDs, key,
// run, fingerprint and checksum fit in well under it.
const maxTokenLen = 256

// encode writes p as a page token for req's filters: base64url of
// "h2.offset.id~id~….key.run.filters.checksum".
func (p listPos) encode(req provider.ListRequest) string {
	key := ""
	if p.keyed {
		key = p.key.String()
	}
	body := strings.Join([]string{tokenVersion, strconv.Itoa(p.offset), strings.Join(p.ids, "~"), key,
		strconv.Itoa(p.run), filterPrint(req)}, ".")
	return base64.RawURLEncoding.EncodeToString([]byte(body + "." + tokenSum(body)))
}

// decodeToken reads a page token encode wrote for the same filters, and
// refuses anything else.
func decodeToken(tok string, req provider.ListRequest) (listPos, error) {
	forged := fmt.Errorf("page token %q was not issued by this provider", truncate(tok))
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(b) > maxTokenLen {
		return listPos{}, forged
	}
	s := string(b)
	cut := strings.LastIndexByte(s, '.')
	if cut < 0 || s[cut+1:] != tokenSum(s[:cut]) {
		return listPos{}, forged
	}
	parts := strings.Split(s[:cut], ".")
	if len(parts) != 6 || parts[0] != tokenVersion {
		return listPos{}, forged
	}
	var p listPos
	if p.offset, err = strconv.Atoi(parts[1]); err != nil || p.offset < 0 {
		return listPos{}, forged
	}
	if parts[2] != "" {
		p.ids = strings.Split(parts[2], "~")
		if len(p.ids) > listKeep {
			return listPos{}, forged
		}
		for i, id := range p.ids {
			if checkID(id) != nil || slices.Contains(p.ids[:i], id) {
				return listPos{}, forged
			}
		}
	}
	switch parts[3] {
	case "":
	case "n":
		p.key, p.keyed = noExpiry, true
	default:
		v, err := strconv.ParseInt(parts[3], 10, 64)
		if err != nil || sortKey(v) == noExpiry {
			return listPos{}, forged
		}
		p.key, p.keyed = sortKey(v), true
	}
	if p.run, err = strconv.Atoi(parts[4]); err != nil || p.run < 0 || (p.run > 0 && len(p.ids) == 0) ||
		(len(p.ids) > 0 && !p.keyed) {
		return listPos{}, forged
	}
	if parts[5] != filterPrint(req) {
		return listPos{}, fmt.Errorf("page token %q was issued for other filters", truncate(tok))
	}
	return p, nil
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

func normDomain(d string) string { return strings.ToLower(strings.TrimSuffix(d, ".")) }

// statusFilter returns the status to send for states: the one documented
// filter value every status that can map to one of states shares, or ""
// (ALL) when there are several, when one is not a documented filter value,
// or when StateUnknown is asked for (any unmapped status). none is true
// when no status maps to any of states: nothing can match.
func statusFilter(states []provider.State) (status string, none bool) {
	if len(states) == 0 || slices.Contains(states, provider.StateUnknown) {
		return "", false
	}
	var natives []string
	for _, n := range knownNatives {
		s, _ := nativeState(n)
		if slices.Contains(states, s) || (n == nativeIssued && slices.Contains(states, provider.StateExpiring)) {
			natives = append(natives, n)
		}
	}
	switch {
	case len(natives) == 0:
		return "", true
	case len(natives) == 1 && slices.Contains(listStatuses, natives[0]):
		return natives[0], false
	}
	return "", false
}

// List implements provider.Lister over GET /v3/scm/certificates, sorted
// by certExpiredTime ascending (an order whose status changes keeps its
// place, unlike with the default certUpdateTime). Every request asks for
// 50 rows and is paced under the API name "list-certificates"; a page
// holds at most 44 entries (the default too) and sends at most 4 requests
// while filters applied here drop rows, or while it looks for where the
// previous page stopped (below), so a page may be short or empty without
// being the last.
//
// Filters: States becomes the status parameter when all the native
// statuses that map to them are one documented filter value (PAID for
// pending application, ISSUED for issued and/or expiring, and EXPIRED,
// UNPASSED, REVOKING, REVOKED, UPLOAD; not under review or cancelling,
// which are several statuses: see statusFilter), and is applied here too;
// a state no native status maps to (StateCancelled, which SCM shows as
// PAID) lists nothing without a request. Domain is sent as content
// (documented as a keyword of name or domain; whether it searches every
// SAN is [unverified]) and matched exactly here (provider.DomainMatches on
// the domain and sans). ExpiringWithin is applied here only:
// expired_days_since is documented as "within validity and expired at
// most N days", a bound on how long ago, not how soon.
//
// Entries: ID (id), NativeState (status), State as Status maps it (ISSUED
// within ExpiringWindow of expire_time is StateExpiring), Domains (domain,
// then sans split at ";" or ","), NotAfter (expire_time, zero when it
// cannot be read: never an error), Type ("BRAND TYPE", e.g. "GLOBALSIGN
// OV_SSL_CERT"). A row without a valid certificate ID is skipped.
//
// # Paging under changes
//
// The API pages by offset only: a row deleted before the position (or
// moved out of the status filter) shifts the rest back, one created
// before it shifts them on. The page token is opaque, versioned, bound to
// the filters and closed by a checksum: one not issued here, or issued for
// other filters, is refused before any request. It holds the offset after
// the last row read; the IDs of the last 5 rows read, listed or filtered
// out alike (the anchors); the newest anchor's expire_time; and how many
// rows read in a row, ending with it, had that expire_time. The next page
// reads from 6 rows before that offset (one request for up to 44 new
// entries when nothing moved) and goes on:
//
//  1. After the newest anchor it finds there: the newest with the
//     expire_time it had, or an older one expiring no later (an anchor
//     found elsewhere moved, and is passed over). So deleting the last
//     rows read, rows before them or rows after them skips nothing. When
//     no anchor is there and the rows there all expire after the newest
//     anchor (deletes before the position) or all before it (creations),
//     the page reads 50 rows further back or on, within its 4 requests,
//     and looks again.
//  2. When no anchor is found (all 5 deleted or out of the status filter,
//     or their expiry changed), by expiry: rows expiring before the newest
//     anchor were read and are dropped; rows expiring after it were not,
//     and are listed. Of the rows tied with it (the same expire_time to
//     the precision the list writes; none, for certificates not yet
//     issued), as many as were read, less the anchors that left, are
//     dropped, counted from the first tied row (reading further back to
//     see it); when that row is out of reach or the count is not known,
//     the tied rows before the offset, less the anchors, are dropped
//     instead.
//  3. When the page runs out of requests first: looking on, it ends
//     there, and the next page goes on after every row expiring no later
//     than the newest anchor (tied rows not read yet are dropped too);
//     looking back (more than about 150 rows before the position went
//     since the previous page), it goes on from the earliest row it read,
//     and rows before that are not listed.
//
// This assumes that the API sorts by expire_time consistently from one
// request to the next, certificates without an expiry first and those of
// the same expiry in a stable order [unverified; the emulator sorts so,
// breaking ties by creation order]. Then, for an order present from the
// first page to the last, matching the filters throughout, and whose
// expiry does not change:
//
//   - it is listed exactly once when, at each page, one of the previous
//     page's anchors is still in the list, within about 150 rows of where
//     it was (step 1);
//   - when none is, it is listed exactly once too, unless it is tied with
//     the newest anchor (step 2: it may be skipped if other tied rows
//     before the position went as well, and listed twice if a tied
//     certificate was created and sorted before the position or, counting
//     by offset, any certificate expiring no later was) or step 3 applies.
//
// An ID is never listed twice within one page, nor an anchor on the page
// after it. An order whose expiry changes during the listing (a pending
// order being issued) moves in the sort and may be listed twice or not at
// all. An order created, deleted or changed during the listing appears at
// most once, with the same exceptions.
//
// The reference bounds offset to 100 without saying whether it counts
// rows or pages; the adapter sends row offsets beyond it [unverified: a
// real inventory over 150 certificates may not list past the bound].
func (a *Adapter) List(ctx context.Context, req provider.ListRequest) (*provider.ListPage, error) {
	if err := req.Validate(); err != nil {
		var pe *provider.Error
		if e, ok := err.(*provider.Error); ok {
			pe = e
		} else {
			pe = &provider.Error{Kind: provider.KindInvalidArgument, Op: provider.OpList, Message: err.Error(), Err: err}
		}
		return nil, a.kit.Stamp(pe, provider.OpList, "")
	}
	var pos listPos
	if req.PageToken != "" {
		p, err := decodeToken(req.PageToken, req)
		if err != nil {
			return nil, a.kit.Invalid(provider.OpList, "", err)
		}
		pos = p
	}
	status, none := statusFilter(req.States)
	if none {
		return &provider.ListPage{Entries: []provider.ListEntry{}}, nil
	}
	want := req.PageSize
	if want == 0 || want > listMaxPage {
		want = listMaxPage
	}
	l := &listing{a: a, req: req, now: a.now(), want: want, pos: pos, budget: listRequests,
		q: listReq{Limit: strconv.Itoa(listLimit), SortKey: listSortKey, SortDir: listSortDir,
			Status: status, Content: normDomain(req.Domain)},
		page: &provider.ListPage{Entries: []provider.ListEntry{}},
		seen: map[string]bool{}, before: map[string]bool{}}
	for _, id := range pos.ids {
		l.before[id] = true
	}
	return l.run(ctx)
}

// listing is one call of List: one page.
type listing struct {
	a      *Adapter
	req    provider.ListRequest
	q      listReq
	now    time.Time
	want   int
	pos    listPos
	budget int // requests the page may still send
	page   *provider.ListPage
	seen   map[string]bool // listed on this page
	before map[string]bool // the token's anchors: read before this page, never listed on it
}

// window is rows of the list read in one request or several adjacent
// ones, starting at row start; more is false when the last request reached
// the end of the list.
type window struct {
	rows  []listRow
	start int
	more  bool
}

// dropRule drops the rows sorting before key, once a page went on by sort
// key (step 2), and with ties those at key too (step 3).
type dropRule struct {
	on   bool
	key  sortKey
	ties bool
}

func (d dropRule) drops(k sortKey) bool { return d.on && (k < d.key || d.ties && k == d.key) }

func (l *listing) run(ctx context.Context) (*provider.ListPage, error) {
	for l.budget > 0 {
		start := l.pos.offset
		if l.pos.keyed {
			start = max(0, l.pos.offset-1-listBack)
		}
		w, err := l.fetch(ctx, start)
		if err != nil {
			return nil, err
		}
		from, drop := 0, dropRule{}
		if l.pos.keyed {
			var stop bool
			if from, drop, stop, err = l.locate(ctx, &w); err != nil {
				return nil, err
			}
			if stop {
				break
			}
		}
		for j := from; j < len(w.rows); j++ {
			l.pos.offset = w.start + j + 1
			e, ok := l.a.entryOf(w.rows[j], l.now)
			if !ok {
				continue
			}
			k := keyOf(w.rows[j])
			l.pos.read(e.ID, k)
			if l.before[e.ID] || l.seen[e.ID] || drop.drops(k) || !l.req.Keeps(e, l.now) {
				continue
			}
			l.seen[e.ID] = true
			l.page.Entries = append(l.page.Entries, e)
			if len(l.page.Entries) == l.want {
				if j == len(w.rows)-1 && !w.more {
					return l.page, nil // the last row of the last page
				}
				l.page.Next = l.pos.encode(l.req)
				return l.page, nil
			}
		}
		if !w.more {
			return l.page, nil
		}
	}
	l.page.Next = l.pos.encode(l.req)
	return l.page, nil
}

// fetch sends one list request for the 50 rows from start.
func (l *listing) fetch(ctx context.Context, start int) (window, error) {
	l.budget--
	l.q.Offset = strconv.Itoa(start)
	rows, rid, err := l.a.listRows(ctx, provider.OpList, l.q)
	if err != nil {
		return window{}, err
	}
	l.page.RequestID = rid
	return window{rows: rows, start: start, more: len(rows) >= listLimit}, nil
}

// tieMode is how a page going on by sort key (step 2) treats the rows tied
// with the newest anchor.
type tieMode int

const (
	tiesCount tieMode = iota // the first need of them were read
	tiesPlace                // those before the position the anchors left were read
	tiesAll                  // all of them were read (past key)
)

// step is what resume asks for.
type step int

const (
	resolved step = iota
	goBack        // read the rows before the window
	goAhead       // read the rows after it
)

// locate finds where the page goes on in w, read from 6 rows before the
// token's offset: the index of the first row not read yet, and the rule
// dropping rows after it. It may read further back or on, within the
// page's requests, extending w; stop is true when it ran out of them
// first, with l.pos then past the key from the end of w.
func (l *listing) locate(ctx context.Context, w *window) (from int, drop dropRule, stop bool, err error) {
	p := l.pos
	mode, need := tiesPlace, 0
	switch {
	case len(p.ids) == 0:
		mode = tiesAll
	case p.run > 0:
		// The anchors are the last rows read; the last run of them were
		// tied. All of them left, so that many fewer tied rows read remain.
		mode, need = tiesCount, p.run-min(p.run, len(p.ids))
	}
	for {
		if i, t, ok := l.anchor(*w); ok {
			l.rebuild(*w, i+1, p)
			if l.pos.run == 0 && l.pos.key == p.key && p.run > 0 {
				// Anchor t is tied with the newest: its run is that many shorter.
				if r := p.run - (len(p.ids) - 1 - t); r > 0 {
					l.pos.run = r
				}
			}
			return i + 1, dropRule{}, false, nil
		}
		from, st := resume(*w, p, mode, need, l.budget == 0)
		switch {
		case st == goBack:
			err = l.back(ctx, w)
		case st == goAhead && l.budget > 0:
			err = l.ahead(ctx, w)
		case st == goAhead:
			l.pos = listPos{offset: w.start + len(w.rows), key: p.key, keyed: true}
			return 0, dropRule{}, true, nil
		default:
			l.rebuild(*w, from, p)
			return from, dropRule{on: true, key: p.key, ties: mode == tiesAll}, false, nil
		}
		if err != nil {
			return 0, dropRule{}, false, err
		}
	}
}

// anchor finds the newest of the token's anchors in w that has not moved:
// the newest at the key it had, an older one at no later key. It returns
// the row's index and the anchor's.
func (l *listing) anchor(w window) (i, t int, ok bool) {
	ids := l.pos.ids
	for t := len(ids) - 1; t >= 0; t-- {
		for i, r := range w.rows {
			if id, ok := rowID(r); !ok || id != ids[t] {
				continue
			}
			if k := keyOf(r); k == l.pos.key || (t < len(ids)-1 && k < l.pos.key) {
				return i, t, true
			}
			break // its expiry changed: it moved
		}
	}
	return 0, 0, false
}

// resume finds in w, where no anchor is, the first row not read yet, by
// sort key (step 2 of List), or asks for more rows. noBack: the page
// cannot read further back.
func resume(w window, p listPos, mode tieMode, need int, noBack bool) (int, step) {
	n := len(w.rows)
	first, s := n, n // the first row with an ID; the first at or after the key
	for i, r := range w.rows {
		if _, ok := rowID(r); !ok {
			continue
		}
		if first == n {
			first = i
		}
		if keyOf(r) >= p.key {
			s = i
			break
		}
	}
	canBack := w.start > 0 && !noBack
	switch {
	case first == n && canBack: // no row with an ID: the list may end before w
		return 0, goBack
	case s == n && w.more: // every row here sorts before the key: the position is further on
		return n, goAhead
	case s == n:
		return n, resolved
	}
	if s == first && w.start > 0 {
		// Nothing in w sorts before the key: rows expiring after it may
		// precede w, or the tied run may begin before it.
		k := keyOf(w.rows[s])
		if k > p.key || (mode == tiesCount && k == p.key) {
			if canBack {
				return 0, goBack
			}
			if mode == tiesCount && k == p.key {
				mode = tiesPlace // the first tied row is out of reach
			}
		}
	}
	valid := func(j int) bool { _, ok := rowID(w.rows[j]); return ok }
	switch mode {
	case tiesPlace:
		r0 := min(max(p.offset-len(p.ids)-w.start, 0), n)
		for j := s; j < r0; j++ {
			if valid(j) && keyOf(w.rows[j]) > p.key {
				return j, resolved
			}
		}
		return r0, resolved
	case tiesAll:
		for j := s; j < n; j++ {
			if valid(j) && keyOf(w.rows[j]) > p.key {
				return j, resolved
			}
		}
	case tiesCount:
		c := 0
		for j := s; j < n; j++ {
			if !valid(j) {
				continue
			}
			k := keyOf(w.rows[j])
			if k > p.key || (k == p.key && c == need) {
				return j, resolved
			}
			if k == p.key {
				c++
			}
		}
		if c == need {
			return n, resolved
		}
	}
	if w.more {
		return n, goAhead
	}
	return n, resolved
}

// back reads the 50 rows before w into it.
func (l *listing) back(ctx context.Context, w *window) error {
	ns := max(0, w.start-listLimit)
	b, err := l.fetch(ctx, ns)
	if err != nil {
		return err
	}
	b.rows = b.rows[:min(len(b.rows), w.start-ns)]
	w.rows, w.start = append(b.rows, w.rows...), ns
	return nil
}

// ahead reads the 50 rows after w into it.
func (l *listing) ahead(ctx context.Context, w *window) error {
	b, err := l.fetch(ctx, w.start+len(w.rows))
	if err != nil {
		return err
	}
	w.rows, w.more = append(w.rows, b.rows...), b.more
	return nil
}

// rebuild sets l.pos to the position after w.rows[:from], all taken as
// read: its last rows with an ID become the anchors, or, when it has none,
// the page is past p's key.
func (l *listing) rebuild(w window, from int, p listPos) {
	np := listPos{offset: w.start + from, key: p.key, keyed: true}
	last := -1
	for j := from - 1; j >= 0 && len(np.ids) < listKeep; j-- {
		if id, ok := rowID(w.rows[j]); ok {
			if last < 0 {
				last = j
			}
			np.ids = append(np.ids, id)
		}
	}
	slices.Reverse(np.ids)
	if last >= 0 {
		np.key, np.run = keyOf(w.rows[last]), runOf(w, last)
	}
	l.pos = np
}

// runOf counts the rows with an ID in a row, ending with w.rows[i], that
// share its key; 0 when that run may begin before w.
func runOf(w window, i int) int {
	k, n := keyOf(w.rows[i]), 0
	for j := i; j >= 0; j-- {
		if _, ok := rowID(w.rows[j]); !ok {
			continue
		}
		if keyOf(w.rows[j]) != k {
			return n
		}
		n++
	}
	if w.start == 0 {
		return n
	}
	return 0
}

// entryOf maps a row; ok is false for a row without a valid ID.
func (a *Adapter) entryOf(r listRow, now time.Time) (provider.ListEntry, bool) {
	id := strings.TrimSpace(string(r.ID))
	if checkID(id) != nil {
		return provider.ListEntry{}, false
	}
	native := normalizeNative(string(r.Status))
	e := provider.ListEntry{
		ID:          id,
		NativeState: native,
		NotAfter:    r.ExpireTime.Time,
		State:       stateOf(native, r.ExpireTime.Time, now),
	}
	for _, d := range append([]string{string(r.Domain)}, strings.FieldsFunc(string(r.Sans), func(c rune) bool { return c == ';' || c == ',' })...) {
		if d = strings.TrimSpace(d); d != "" && !slices.Contains(e.Domains, d) {
			e.Domains = append(e.Domains, d)
		}
	}
	var kind []string
	for _, s := range []looseString{r.Brand, r.Type} {
		if v := strings.TrimSpace(string(s)); v != "" {
			kind = append(kind, v)
		}
	}
	e.Type = strings.Join(kind, " ")
	return e, true
}

// listRows sends one list request for op (List, or FindRenewal's
// candidates) and decodes its rows leniently.
func (a *Adapter) listRows(ctx context.Context, op provider.Op, q listReq) ([]listRow, string, error) {
	out, rid, err := a.do(ctx, request{op: op, api: apiList, body: &q, def: listDef(&q)})
	if err != nil {
		return nil, rid, err
	}
	raw, ok := out.(*rawBody)
	if !ok || raw == nil {
		return nil, rid, a.kit.Stamp(&provider.Error{Kind: provider.KindUnavailable, RequestID: rid,
			Message: fmt.Sprintf("unexpected list response type %T", out)}, op, "")
	}
	var r listResp
	if err := json.Unmarshal(raw.data, &r); err != nil {
		msg := "the response body could not be decoded: " + adapterkit.CleanMessage(err.Error())
		return nil, rid, a.kit.Stamp(&provider.Error{Kind: provider.KindUnavailable, RequestID: rid,
			HTTPStatus: raw.HttpStatusCode, Message: msg,
			Err: &sdkerr.ServiceResponseError{StatusCode: raw.HttpStatusCode, RequestId: rid, ErrorMessage: msg}}, op, "")
	}
	return r.rows(), rid, nil
}

var _ provider.Lister = (*Adapter)(nil)
