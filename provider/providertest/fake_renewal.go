package providertest

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/certbroker/certbroker/provider"
)

// FindRenewal implements [provider.RenewalFinder] the way a cloud that
// tags new orders would: a renewal's tags stay on the order it creates,
// so the one order carrying req's [provider.RenewalTagKey] mark is the
// renewal's (NewID). Without a mark, the candidates are the orders
// renewals created at or after since that are still in the state Renew
// lands in, with the renewed order's domains. It validates req as Renew
// does, is logged as a call of [provider.OpFindRenewal], and fails as
// [Fake.InjectError] asks for that op.
func (f *Fake) FindRenewal(ctx context.Context, req provider.RenewRequest, since time.Time) (*provider.RenewalSearch, error) {
	op := provider.OpFindRenewal
	if err := f.check(op, req.ID); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, &provider.Error{Kind: provider.KindCanceled, Op: op, Origin: f.origin, ID: req.ID,
			Message: "context ended before the call", Err: err}
	}
	n, reqID := f.begin(op, req.ID)
	if err := f.wait(ctx, op); err != nil {
		e := &provider.Error{Kind: provider.KindUnavailable, Op: op, Origin: f.origin, ID: req.ID, RequestID: reqID,
			Message: "context ended while the call was in flight", Err: err}
		f.end(n, e)
		return nil, e
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if inj := f.takeInjectionLocked(op, req.ID); inj != nil {
		e := f.injectedError(inj.err, op, req.ID, reqID)
		if e.Kind == provider.KindOutcomeUnknown {
			e.Kind = provider.KindUnavailable // a search is a read
		}
		f.endLocked(n, e)
		return nil, e
	}
	defer f.endLocked(n, nil)
	out := &provider.RenewalSearch{RequestID: reqID}
	var ids []string
	if mark := provider.RenewalMark(req.Tags); mark != "" {
		out.Basis = "tag " + provider.RenewalTagKey
		for id, o := range f.orders {
			if provider.RenewalMark(o.tags) == mark {
				ids = append(ids, id)
			}
		}
		if len(ids) == 1 {
			out.NewID = ids[0]
			return out, nil
		}
	} else {
		lands := f.caps.Renew.Lands
		out.Basis = fmt.Sprintf("orders a renewal created since %s, in state %s", since.UTC().Format(time.RFC3339), lands)
		var domains []string
		if old, ok := f.orders[req.ID]; ok {
			domains = old.domains
		}
		for id, o := range f.orders {
			if !o.created.IsZero() && !o.created.Before(since) && o.state == lands && slices.Equal(o.domains, domains) {
				ids = append(ids, id)
			}
		}
	}
	slices.SortFunc(ids, func(a, b string) int { return keyOf(a).compare(keyOf(b)) })
	for _, id := range ids {
		o := f.orders[id]
		out.Candidates = append(out.Candidates, provider.ListEntry{ID: id, State: o.state, NativeState: o.state.String(),
			Domains: slices.Clone(o.domains), NotAfter: o.notAfter, Type: o.typ, Created: o.created})
	}
	return out, nil
}
