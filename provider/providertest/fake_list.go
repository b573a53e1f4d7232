package providertest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/certbroker/certbroker/provider"
)

// The Fake's page sizes: a request for page size 0 gets fakeDefaultPage
// entries at most, and no page holds more than fakeMaxPage.
const (
	fakeDefaultPage = 20
	fakeMaxPage     = 100
)

// SeedOptions describe an order for [Fake.SeedWith]: production-like data
// for listing tests.
type SeedOptions struct {
	// State is the order's state; it must be one of [provider.States].
	State provider.State
	// ID is the order's ID, or empty for a fresh one. It must pass
	// [Fake.CheckID]; an existing order of that ID is replaced.
	ID string
	// NotAfter is the end of validity. Zero gives the default of State
	// (as [Fake.Seed] does): 90 days ahead for an issued certificate, 20
	// for an expiring one, a day ago for an expired one, none for an order
	// that was never issued.
	NotAfter time.Time
	// Domains are the certificate's domains; none by default.
	Domains []string
	// Type is the product type the listing reports; empty by default.
	Type string
}

// SeedWith creates an order out of band (no call is recorded) as o
// describes, and returns its ID. It panics if o.State is not a normalized
// state or o.ID is malformed.
func (f *Fake) SeedWith(o SeedOptions) string {
	mustBeState(o.State)
	if o.ID != "" {
		if err := f.CheckID(o.ID); err != nil {
			panic(fmt.Sprintf("providertest.Fake.SeedWith: %v", err))
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	id := o.ID
	if id == "" {
		id = f.newIDLocked()
	}
	na := o.NotAfter
	if na.IsZero() {
		na = f.notAfter(o.State)
	}
	f.orders[id] = &order{state: o.State, notAfter: na, domains: slices.Clone(o.Domains), typ: o.Type}
	return id
}

// List implements [provider.Lister]. Entries come in the order of their
// IDs' numbers ("fake-2" before "fake-10"); a page token is the ID of the
// page's last entry, and the next page starts after it, so the listing
// reflects changes made while it runs: an order present throughout is
// listed exactly once, whatever is deleted or created meanwhile, and an
// order created behind the token (a lower number) is not listed. Renew
// and Seed number new orders after the last number they gave, so a
// renewal made during a listing of orders they created is listed when the
// listing reaches it; IDs chosen with SeedWith or SeedID can fall anywhere.
//
// Page size 0 means 20; no page holds more than 100 entries. Next is empty
// exactly on the last page: a page that holds the last matching entry. A
// token that is not a fake ID is refused with KindInvalidArgument, as is
// every request [provider.ListRequest.Validate] refuses; neither is
// recorded as a call. Otherwise the call is recorded with Op
// [provider.OpList] and an empty ID, waits for the latency of OpList, and
// may fail with an error injected for OpList (or [AllOps]).
func (f *Fake) List(ctx context.Context, req provider.ListRequest) (*provider.ListPage, error) {
	if err := req.Validate(); err != nil {
		e := err.(*provider.Error)
		e.Origin = f.origin
		return nil, e
	}
	var after idKey
	if req.PageToken != "" {
		if err := f.CheckID(req.PageToken); err != nil {
			return nil, &provider.Error{Kind: provider.KindInvalidArgument, Op: provider.OpList, Origin: f.origin,
				Message: fmt.Sprintf("page token %q was not issued by this provider", truncate(req.PageToken))}
		}
		after = keyOf(req.PageToken)
	}
	if err := ctx.Err(); err != nil {
		return nil, &provider.Error{Kind: provider.KindCanceled, Op: provider.OpList, Origin: f.origin,
			Message: "context ended before the call", Err: err}
	}
	op := provider.OpList
	n, reqID := f.begin(op, "")
	if err := f.wait(ctx, op); err != nil {
		e := &provider.Error{Kind: provider.KindUnavailable, Op: op, Origin: f.origin, RequestID: reqID,
			Message: "context ended while the call was in flight", Err: err}
		f.end(n, e)
		return nil, e
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if inj := f.takeInjectionLocked(op, ""); inj != nil {
		e := f.injectedError(inj.err, op, "", reqID)
		f.endLocked(n, e)
		return nil, e
	}
	size := req.PageSize
	if size == 0 {
		size = fakeDefaultPage
	}
	size = min(size, fakeMaxPage)
	now := f.now()
	// best holds the first size+1 kept orders after the token, in ID
	// order: a bounded selection, so a page costs O(orders × log size)
	// and allocates only for what it returns, however large the Fake.
	best := make([]idKey, 0, size+1)
	for id, o := range f.orders {
		k := keyOf(id)
		if req.PageToken != "" && k.compare(after) <= 0 {
			continue
		}
		if len(best) == size+1 && k.compare(best[size]) >= 0 {
			continue
		}
		// Keeps only reads the entry, so the domains need no copy here.
		if !req.Keeps(provider.ListEntry{ID: id, State: o.state, Domains: o.domains, NotAfter: o.notAfter, Type: o.typ}, now) {
			continue
		}
		i, _ := slices.BinarySearchFunc(best, k, idKey.compare)
		if len(best) == size+1 {
			best = best[:size]
		}
		best = slices.Insert(best, i, k)
	}
	page := &provider.ListPage{RequestID: reqID}
	for _, k := range best {
		if len(page.Entries) == size {
			page.Next = page.Entries[size-1].ID
			break
		}
		o := f.orders[k.id]
		page.Entries = append(page.Entries, provider.ListEntry{ID: k.id, State: o.state, NativeState: o.state.String(),
			Domains: slices.Clone(o.domains), NotAfter: o.notAfter, Type: o.typ, Created: o.created})
	}
	f.endLocked(n, nil)
	return page, nil
}

// idKey orders fake IDs by their number.
type idKey struct {
	id     string
	digits string // without leading zeros
}

func keyOf(id string) idKey {
	d := strings.TrimLeft(strings.TrimPrefix(id, idPrefix), "0")
	return idKey{id: id, digits: d}
}

func (a idKey) compare(b idKey) int {
	return cmp.Or(cmp.Compare(len(a.digits), len(b.digits)), strings.Compare(a.digits, b.digits), strings.Compare(a.id, b.id))
}
