package broker

import (
	"context"
	"log/slog"
	"sync"

	"github.com/certbroker/certbroker/provider"
)

// A bulk Status reads through the list: for an origin whose provider is a
// provider.Lister and that holds at least minListRefs of the distinct
// refs, Do lists the origin first, one page of up to
// provider.MaxPageSize rows per request, and takes each wanted order's
// state from its listing entry. The orders the listing did not show go
// on to one Status request each, as every order does elsewhere, so a
// not-found is still the cloud's answer to a Status, never the absence
// of a row.
//
// The listing stops as soon as every wanted order was seen, and stops
// early when it does not pay: it reads another page only while the pages
// read stay below the orders matched so far plus a slack of a tenth of
// the wanted orders, plus one. So a bulk Status never sends more than
// 1.1 × refs + 1 requests to an origin (the listing's pages plus the
// Status of the orders it did not match), and sends about refs / page
// size when the refs are most of the inventory.
const minListRefs = 10

// listedStatus is the state of an order as a listing page showed it.
type listedStatus struct {
	entry     provider.ListEntry
	requestID string
}

// statusThroughLists lists every origin that pays for it and returns the
// listed states of the refs it found, by ref. A listing failure is
// logged; the refs it did not reach fall back to their own Status.
func (b *Broker) statusThroughLists(ctx context.Context, refs []provider.Ref) map[provider.Ref]listedStatus {
	type want struct {
		o   *origin
		l   provider.Lister
		ids map[string]bool // id -> seen on a page
	}
	byOrigin := map[string]*want{}
	for _, r := range refs {
		w := byOrigin[r.Origin]
		if w == nil {
			o, oe := b.prepare(r, provider.OpStatus)
			if oe != nil {
				continue
			}
			l, ok := o.p.(provider.Lister)
			if !ok {
				continue
			}
			w = &want{o: o, l: l, ids: map[string]bool{}}
			byOrigin[r.Origin] = w
		}
		if _, dup := w.ids[r.ID]; dup {
			continue
		}
		if r.Validate() != nil || b.precheck(ctx, w.o, provider.StatusRequest{ID: r.ID}) != nil {
			continue // refused as it would be on its own, by the Status path
		}
		w.ids[r.ID] = false
	}
	var (
		mu  sync.Mutex
		out = map[provider.Ref]listedStatus{}
		wg  sync.WaitGroup
	)
	for _, w := range byOrigin {
		if len(w.ids) < minListRefs {
			continue
		}
		wg.Go(func() {
			found := b.listWanted(ctx, w.o, w.l, w.ids)
			mu.Lock()
			defer mu.Unlock()
			for id, ls := range found {
				out[provider.Ref{Origin: w.o.name, ID: id}] = ls
			}
		})
	}
	wg.Wait()
	return out
}

// listWanted lists o page by page until every id in ids was seen, the
// listing ends, or it stops paying (see minListRefs), and returns the
// entries of the ids it saw. The first entry of an id wins.
func (b *Broker) listWanted(ctx context.Context, o *origin, l provider.Lister, ids map[string]bool) map[string]listedStatus {
	found := make(map[string]listedStatus, len(ids))
	slack := len(ids)/10 + 1
	pages := 0
	for page, perr := range b.pages(ctx, o, l, provider.ListRequest{PageSize: provider.MaxPageSize}) {
		if perr != nil {
			if perr.Kind != provider.KindCanceled {
				b.cfg.logger.LogAttrs(ctx, slog.LevelWarn, "certbroker: listing for a bulk status failed; the orders not yet seen get a status request each",
					slog.String("origin", o.name), slog.String("kind", perr.Kind.String()), slog.String("error", perr.Error()))
			}
			break
		}
		for _, e := range page.Entries {
			if seen, wanted := ids[e.ID]; wanted && !seen {
				ids[e.ID] = true
				found[e.ID] = listedStatus{entry: e, requestID: page.RequestID}
			}
		}
		if pages++; len(found) == len(ids) || pages >= len(found)+slack {
			break
		}
	}
	return found
}

// result is the Status result a listing entry stands for.
func (ls listedStatus) result(origin string) *Result {
	e := ls.entry
	return &Result{Result: provider.Result{Origin: origin, ID: e.ID, Op: provider.OpStatus, State: e.State,
		NativeState: e.NativeState, NotAfter: e.NotAfter, RequestID: ls.requestID}}
}
