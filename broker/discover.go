package broker

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/certbroker/certbroker/provider"
)

// markRenewal adds the renewal mark (provider.RenewalTagKey, a fresh
// random value) to a Renew sent to a provider.RenewalFinder, so that the
// finder can prove which order the renewal created if its answer is lost.
// A mark already there is the journal's (a caller's is refused before,
// by reservedMark) and is kept. When the marked request would be refused
// (the provider's tag limit is reached), the renewal goes unmarked: its
// search can then only find candidates.
func (x *execution) markRenewal(ctx context.Context) {
	r, ok := x.req.(provider.RenewRequest)
	if !ok {
		return
	}
	f, ok := x.o.p.(provider.RenewalFinder)
	if !ok {
		return
	}
	x.finder = f
	if provider.RenewalMark(r.Tags) != "" {
		return // the journal's mark (a caller's own is refused: reservedMark)
	}
	var buf [15]byte
	_, _ = rand.Read(buf[:]) // never fails (crypto/rand)
	x.req = x.b.withMark(ctx, x.o, r, strings.ToLower(base32.StdEncoding.EncodeToString(buf[:])))
}

// discover ends a Renew whose outcome is unknown. With a
// provider.RenewalFinder, it looks once for the order the renewal may
// have created: an order the search proves makes the Renew a success
// (AlreadyDone, Result.NewID); otherwise the outcome stays unknown, with
// the search's candidates in OpError.Renewal and named in the note. The
// Renew is never sent again.
func (x *execution) discover(ctx context.Context, attempts int, note string) (*Result, int, *OpError) {
	unknown := func(more string) (*Result, int, *OpError) {
		return nil, attempts, x.failure(x.unknown(), joinNote(note, more))
	}
	if x.finder == nil {
		return unknown("check for it before renewing again")
	}
	if err := ctx.Err(); err != nil {
		return unknown("it could not be looked for: " + err.Error())
	}
	req := x.req.(provider.RenewRequest)
	var search *provider.RenewalSearch
	perr := x.b.read(ctx, x.o, provider.OpFindRenewal, x.ref.ID, func(ctx context.Context) error {
		s, err := x.finder.FindRenewal(ctx, req, x.sentAt)
		if err == nil && s == nil {
			return &provider.Error{Kind: provider.KindOther, Message: "FindRenewal returned neither a search nor an error"}
		}
		search = s
		return err
	})
	if perr != nil {
		return unknown("looking for it failed: " + oneLine(perr.Error(), 300) + "; check for it before renewing again")
	}
	if id := search.NewID; id != "" {
		if x.validNewID(id) {
			x.b.logReconciled(ctx, x.o.name, x.op, x.ref.ID, provider.StateUnknown)
			return &Result{Result: provider.Result{Origin: x.o.name, ID: x.ref.ID, Op: x.op, NewID: id,
				RequestID: search.RequestID}, AlreadyDone: true}, attempts, nil
		}
		search.Candidates = append(search.Candidates, provider.ListEntry{ID: id})
		search.NewID = ""
	}
	oe := x.failure(x.unknown(), joinNote(note, searchNote(search)))
	oe.Renewal, oe.renewalNote = search, note
	return nil, attempts, oe
}

// searchNote says what a renewal search found, for an OpError's note.
func searchNote(search *provider.RenewalSearch) string {
	found := "no order was found"
	if n := len(search.Candidates); n > 0 {
		ids := make([]string, 0, min(n, 5))
		for _, c := range search.Candidates[:min(n, 5)] {
			ids = append(ids, c.ID)
		}
		found = fmt.Sprintf("%d candidate(s): %s", n, strings.Join(ids, ", "))
		if n > 5 {
			found += ", …"
		}
	}
	basis := search.Basis
	if basis == "" {
		basis = "the provider's search"
	}
	return fmt.Sprintf("looked for it by %s: %s; check before renewing again", oneLine(basis, 240), found)
}

// dropSiblings removes from the renewal candidates of items the orders
// that other items of the same bulk call reported as their new orders:
// those are accounted for. It runs once every item has finished.
func dropSiblings(items []Item) {
	created := map[provider.Ref]bool{}
	for _, it := range items {
		if it.Err == nil && it.Result != nil && it.Result.NewID != "" {
			created[provider.Ref{Origin: it.Ref.Origin, ID: it.Result.NewID}] = true
		}
	}
	if len(created) == 0 {
		return
	}
	for _, it := range items {
		var oe *OpError
		if it.Duplicate || !errors.As(it.Err, &oe) || oe.Renewal == nil || len(oe.Renewal.Candidates) == 0 {
			continue
		}
		kept := slices.DeleteFunc(slices.Clone(oe.Renewal.Candidates), func(e provider.ListEntry) bool {
			return created[provider.Ref{Origin: it.Ref.Origin, ID: e.ID}]
		})
		if len(kept) == len(oe.Renewal.Candidates) {
			continue
		}
		search := *oe.Renewal
		search.Candidates = kept
		search.Basis = oneLine(search.Basis, 200) + fmt.Sprintf("; %d order(s) other items of this run created left out",
			len(oe.Renewal.Candidates)-len(kept))
		oe.Renewal = &search
		oe.Note = joinNote(oe.renewalNote, searchNote(&search))
	}
}

// validNewID reports whether id, the order a search proved, is an order
// ID of this origin other than the renewed one.
func (x *execution) validNewID(id string) bool {
	if id == x.ref.ID || provider.ValidateID(id) != nil {
		return false
	}
	return x.o.idChecker == nil || x.o.idChecker.CheckID(id) == nil
}

// journalMarked returns req, a Renew of a journaled run to a
// provider.RenewalFinder, with the item's journal mark (see
// journaled.mark), unless the caller set a mark or the marked request
// would be refused. Other requests are returned as they are.
func (b *Broker) journalMarked(ctx context.Context, o *origin, req provider.Request, j job, jl *journaled) provider.Request {
	r, ok := req.(provider.RenewRequest)
	if !ok || provider.RenewalMark(r.Tags) != "" {
		return req
	}
	if _, ok := o.p.(provider.RenewalFinder); !ok {
		return req
	}
	mark := jl.mark(j)
	if mark == "" {
		return req // a run without a nonce: execJournaled marks it at random
	}
	return b.withMark(ctx, o, r, mark)
}

// withMark returns r with the renewal mark value added, or r when the
// marked request would be refused (the provider's tag limit).
func (b *Broker) withMark(ctx context.Context, o *origin, r provider.RenewRequest, value string) provider.Request {
	marked := r
	marked.Tags = append(slices.Clip(r.Tags), provider.Tag{Key: provider.RenewalTagKey, Value: value})
	if b.precheck(ctx, o, marked) != nil {
		return r
	}
	return marked
}

// searchInDoubt looks, on a resume, for the order an earlier session's
// renewal of j may have created, with req's mark, from since (when its
// intent was recorded; zero when the journal does not say). It returns the proven
// result, or the search and a note for the report; all nil and "" when
// the provider is not a RenewalFinder.
func (b *Broker) searchInDoubt(ctx context.Context, o *origin, req provider.Request, j job, since time.Time) (*Result, *provider.RenewalSearch, string) {
	f, ok := o.p.(provider.RenewalFinder)
	r, isRenew := req.(provider.RenewRequest)
	if !ok || !isRenew {
		return nil, nil, ""
	}
	x := &execution{b: b, o: o, ref: j.ref, req: r, op: provider.OpRenew, finder: f, sentAt: since}
	res, _, oe := x.discover(ctx, 0, "")
	if oe == nil {
		return res, nil, ""
	}
	return nil, oe.Renewal, oe.Note
}

// reservedMark refuses a request that carries the renewal mark's tag key:
// the broker sets it, one value per renewal, and a caller's value, the
// same for every item of a bulk call, could prove one renewal by
// another's order.
func reservedMark(req provider.Request) *provider.Error {
	r, ok := req.(provider.RenewRequest)
	if !ok || !slices.ContainsFunc(r.Tags, func(t provider.Tag) bool { return t.Key == provider.RenewalTagKey }) {
		return nil
	}
	return &provider.Error{Kind: provider.KindInvalidArgument, Op: provider.OpRenew, ID: r.ID,
		Message: fmt.Sprintf("the tag key %q is reserved for the broker's renewal mark; nothing was sent", provider.RenewalTagKey)}
}
