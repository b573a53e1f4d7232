package broker

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"slices"
	"strings"

	"github.com/certbroker/certbroker/provider"
)

// markRenewal adds the renewal mark (provider.RenewalTagKey, a fresh
// random value) to a Renew sent to a provider.RenewalFinder, so that the
// finder can prove which order the renewal created if its answer is lost.
// A caller's own mark is kept. When the marked request would be refused
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
		return
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
	_, _, oe := unknown(fmt.Sprintf("looked for it by %s: %s; check before renewing again", oneLine(basis, 120), found))
	oe.Renewal = search
	return nil, attempts, oe
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
	return b.withMark(ctx, o, r, jl.mark(j))
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
// renewal of j may have created, with req's mark. It returns the proven
// result, or the search and a note for the report; all nil and "" when
// the provider is not a RenewalFinder.
func (b *Broker) searchInDoubt(ctx context.Context, o *origin, req provider.Request, j job) (*Result, *provider.RenewalSearch, string) {
	f, ok := o.p.(provider.RenewalFinder)
	r, isRenew := req.(provider.RenewRequest)
	if !ok || !isRenew {
		return nil, nil, ""
	}
	x := &execution{b: b, o: o, ref: j.ref, req: r, op: provider.OpRenew, finder: f}
	res, _, oe := x.discover(ctx, 0, "")
	if oe == nil {
		return res, nil, ""
	}
	return nil, oe.Renewal, oe.Note
}
