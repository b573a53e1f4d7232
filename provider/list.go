package provider

import (
	"context"
	"fmt"
	"iter"
	"strings"
	"time"
)

// OpList names listing in errors and logs. It is not one of [Ops]: listing
// is not an order operation, it belongs to the optional [Lister] and sends
// no [Request].
const OpList Op = "list"

// MaxPageSize is the largest page a [ListRequest] may ask for. Clouds cap
// their pages lower (Alibaba and Huawei: 50 or 100 rows); a provider
// returns at most its own cap, whatever it is asked.
const MaxPageSize = 1000

// Lister is implemented by providers that can list the certificates of
// their origin. It is optional: a provider without it is still a complete
// [Provider], and callers that need a listing report its origin as
// unsupported.
//
// List returns one page of req: the entries that pass req's filters, in
// the provider's stable order, starting after req.PageToken, and the token
// of the next page (empty on the last). A caller reads a whole listing by
// calling List again with PageToken set to the previous page's Next, or
// with [Pages]; memory stays bounded by one page, whatever the inventory.
//
// A page is one request to the cloud, or a few, each paced: a provider that
// declares [Capabilities.Paced] calls [Pace] with the list API's name
// before every request it sends for the page, after validating req. A
// pacing caller that sees a provider without Paced draws one token of
// [OpList] per page instead.
//
// List validates req before any request, with [ListRequest.Validate] and
// its own checks (a page token it did not issue), and refuses bad input
// with an [*Error] of kind [KindInvalidArgument]. It honours ctx like
// every other method.
//
// Listing is not a snapshot. An order that exists from the first page to
// the last, and keeps matching the filters, appears exactly once; an order
// created, deleted, or changed in or out of the filters during the listing
// appears at most once. A provider that cannot keep this promise over its
// cloud's paging (an offset-based API shifts under a delete) documents
// what it does instead.
type Lister interface {
	List(ctx context.Context, req ListRequest) (*ListPage, error)
}

// ListRequest asks for one page of an origin's certificates. The zero
// value asks for the first page of everything, at the provider's default
// page size. The filters combine: an entry is listed when it passes all of
// them.
type ListRequest struct {
	// States keeps entries whose normalized state is one of these. Empty
	// keeps every state. StateUnknown keeps entries whose native status
	// the provider cannot map.
	States []State
	// ExpiringWithin, when positive, keeps entries with a known NotAfter
	// before now + ExpiringWithin, including those already past. Zero
	// does not filter; a negative value is refused.
	ExpiringWithin time.Duration
	// Domain, when not empty, keeps entries with a domain equal to it or
	// under it: "example.com" matches "example.com", "www.example.com"
	// and "*.example.com", but not "badexample.com". Comparison ignores
	// ASCII case and a trailing dot. A wildcard pattern is not a filter:
	// "*.example.com" matches only the domain "*.example.com" and names
	// under it.
	Domain string
	// PageSize is the most entries the page may hold: 0 for the
	// provider's default, at most [MaxPageSize]. A provider may return
	// fewer, even none, on a page that is not the last.
	PageSize int
	// PageToken is the Next of the previous page, or empty for the first.
	// It is opaque and valid only with the same filters at the same
	// provider.
	PageToken string
}

// ListPage is one page of a listing.
type ListPage struct {
	// Entries are the page's certificates, in the provider's order.
	Entries []ListEntry
	// Next is the token of the next page, or empty when this is the last.
	Next string
	// RequestID is the cloud's request ID of the page's last request.
	RequestID string
}

// ListEntry is one certificate order as a listing reports it.
type ListEntry struct {
	// ID is the order's ID, which Status and the operations take.
	ID string
	// State is the normalized state, NativeState the cloud's own status.
	State       State
	NativeState string
	// Domains are the certificate's domains, when the cloud lists them,
	// in the cloud's order.
	Domains []string
	// NotAfter is the end of validity, or zero when not known (an order
	// not yet issued).
	NotAfter time.Time
	// Type is the cloud's free-form product type or brand ("DV",
	// "OV_SSL", "DigiCert"), when the cloud says; empty otherwise.
	Type string
	// Created is when the order was created or bought, when the cloud's
	// list says (Alibaba: BuyDate); zero otherwise.
	Created time.Time
}

// Ref returns the entry as a [Ref] at origin.
func (e ListEntry) Ref(origin string) Ref { return Ref{Origin: origin, ID: e.ID} }

// Validate checks what every provider refuses: a page size out of 0 to
// [MaxPageSize], a negative ExpiringWithin, a state that is not one of
// [States], and a
// Domain that is not a plausible name (longer than 253 bytes, or holding
// spaces, control characters, "/", "?", "#", "%" or "@"). It returns an
// [*Error] of kind [KindInvalidArgument] with Op [OpList], or nil.
func (r ListRequest) Validate() error {
	bad := func(format string, args ...any) error {
		return &Error{Kind: KindInvalidArgument, Op: OpList, Message: fmt.Sprintf(format, args...)}
	}
	if r.PageSize < 0 || r.PageSize > MaxPageSize {
		return bad("page size %d out of range: want 0 (the provider's default) to %d", r.PageSize, MaxPageSize)
	}
	if r.ExpiringWithin < 0 {
		return bad("expiring-within %s is negative", r.ExpiringWithin)
	}
	for _, s := range r.States {
		if s < StateUnknown || int(s) >= len(stateNames) {
			return bad("state filter %v is not a normalized state", s)
		}
	}
	if len(r.Domain) > 253 || strings.ContainsFunc(r.Domain, func(c rune) bool {
		return c <= ' ' || c == 0x7f || strings.ContainsRune("/?#%@", c)
	}) {
		return bad("domain filter %q is not a domain name", truncate(r.Domain))
	}
	return nil
}

// Keeps reports whether an entry passes r's filters at time now. A
// provider whose cloud filters less finely than r asks filters the rest
// with it.
func (r ListRequest) Keeps(e ListEntry, now time.Time) bool {
	if len(r.States) > 0 && !containsState(r.States, e.State) {
		return false
	}
	if r.ExpiringWithin > 0 && (e.NotAfter.IsZero() || !e.NotAfter.Before(now.Add(r.ExpiringWithin))) {
		return false
	}
	if r.Domain != "" {
		for _, d := range e.Domains {
			if DomainMatches(r.Domain, d) {
				return true
			}
		}
		return false
	}
	return true
}

// DomainMatches reports whether domain is filter or a name under it, as
// [ListRequest.Domain] describes.
func DomainMatches(filter, domain string) bool {
	f := strings.ToLower(strings.TrimSuffix(filter, "."))
	d := strings.ToLower(strings.TrimSuffix(domain, "."))
	if f == "" {
		return false
	}
	return d == f || strings.HasSuffix(d, "."+f)
}

func containsState(states []State, s State) bool {
	for _, x := range states {
		if x == s {
			return true
		}
	}
	return false
}

// Pages reads a whole listing of req from l, one page per iteration,
// starting at req.PageToken. It stops after the last page, after the
// first error (yielded with an empty page), when ctx ends, or when the
// loop breaks. A provider that returns a page token it was just given,
// which would loop forever, ends the listing with an error of kind
// [KindOther].
func Pages(ctx context.Context, l Lister, req ListRequest) iter.Seq2[ListPage, error] {
	return func(yield func(ListPage, error) bool) {
		for {
			if err := ctx.Err(); err != nil {
				yield(ListPage{}, &Error{Kind: KindCanceled, Op: OpList, Message: "context ended before the next page", Err: err})
				return
			}
			page, err := l.List(ctx, req)
			if err != nil {
				yield(ListPage{}, err)
				return
			}
			if page == nil {
				yield(ListPage{}, &Error{Kind: KindOther, Op: OpList, Message: "provider returned neither a page nor an error"})
				return
			}
			if page.Next != "" && page.Next == req.PageToken {
				yield(ListPage{}, &Error{Kind: KindOther, Op: OpList,
					Message: fmt.Sprintf("provider returned page token %q again", truncate(page.Next))})
				return
			}
			if !yield(*page, nil) || page.Next == "" {
				return
			}
			req.PageToken = page.Next
		}
	}
}
