package providertest

import (
	"context"
	"strconv"
	"time"

	"github.com/certbroker/certbroker/provider"
)

// This file holds deliberately broken listers: each embeds a Fake and
// breaks one rule of provider.Lister.

// repeatsAcrossPages starts every page after the first with the previous
// page's last entry again.
type repeatsAcrossPages struct{ *Fake }

func (p repeatsAcrossPages) List(ctx context.Context, req provider.ListRequest) (*provider.ListPage, error) {
	page, err := p.Fake.List(ctx, req)
	if err != nil || req.PageToken == "" {
		return page, err
	}
	prev, err := p.Fake.List(ctx, provider.ListRequest{States: req.States, ExpiringWithin: req.ExpiringWithin,
		Domain: req.Domain, PageSize: provider.MaxPageSize})
	if err != nil {
		return nil, err
	}
	for _, e := range prev.Entries {
		if e.ID == req.PageToken {
			page.Entries = append([]provider.ListEntry{e}, page.Entries...)
		}
	}
	return page, nil
}

// offsetPaging pages by position, as an offset-based cloud API does: a
// delete of an order already listed shifts the rest, and one is skipped.
type offsetPaging struct{ *Fake }

func (p offsetPaging) List(ctx context.Context, req provider.ListRequest) (*provider.ListPage, error) {
	offset := 0
	if req.PageToken != "" {
		n, err := strconv.Atoi(req.PageToken)
		if err != nil || n < 0 {
			return nil, &provider.Error{Kind: provider.KindInvalidArgument, Op: provider.OpList, Message: "bad token"}
		}
		offset = n
	}
	size := req.PageSize
	if size == 0 {
		size = 20
	}
	all := req
	all.PageToken, all.PageSize = "", provider.MaxPageSize
	page, err := p.Fake.List(ctx, all)
	if err != nil {
		return nil, err
	}
	out := &provider.ListPage{RequestID: page.RequestID}
	if offset < len(page.Entries) {
		out.Entries = page.Entries[offset:min(offset+size, len(page.Entries))]
	}
	if offset+size < len(page.Entries) {
		out.Next = strconv.Itoa(offset + size)
	}
	return out, nil
}

// dropsFilter lists as if one filter were not set.
type dropsFilter struct {
	*Fake
	states, expiry, domain bool
}

func (p dropsFilter) List(ctx context.Context, req provider.ListRequest) (*provider.ListPage, error) {
	if p.states {
		req.States = nil
	}
	if p.expiry {
		req.ExpiringWithin = 0
	}
	if p.domain {
		req.Domain = ""
	}
	return p.Fake.List(ctx, req)
}

// lenientPageSize sends a negative page size on as the default one.
type lenientPageSize struct{ *Fake }

func (p lenientPageSize) List(ctx context.Context, req provider.ListRequest) (*provider.ListPage, error) {
	req.PageSize = max(req.PageSize, 0)
	return p.Fake.List(ctx, req)
}

// listSays lists orders in state from as in state to, which Status does not.
type listSays struct {
	*Fake
	from, to provider.State
}

func (p listSays) List(ctx context.Context, req provider.ListRequest) (*provider.ListPage, error) {
	page, err := p.Fake.List(ctx, req)
	if err == nil {
		for i := range page.Entries {
			if page.Entries[i].State == p.from {
				page.Entries[i].State = p.to
			}
		}
	}
	return page, err
}

// guessesRenewal proves the newest order of the Fake for any search, as a
// finder that trusts "the latest order" would.
type guessesRenewal struct{ *Fake }

func (p guessesRenewal) FindRenewal(ctx context.Context, req provider.RenewRequest, since time.Time) (*provider.RenewalSearch, error) {
	if err := p.CheckID(req.ID); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	newest := ""
	for id := range p.orders {
		if newest == "" || keyOf(id).compare(keyOf(newest)) > 0 {
			newest = id
		}
	}
	return &provider.RenewalSearch{NewID: newest, Basis: "the newest order"}, nil
}
