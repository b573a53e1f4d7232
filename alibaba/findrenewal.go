package alibaba

import (
	"context"
	"fmt"
	"time"

	"github.com/certbroker/certbroker/provider"
)

// renewalSkew is how far before the renewal was sent the search looks:
// BuyDate is the cloud's clock, since is the caller's, and the two may
// disagree by this much [unverified: the documentation states no bound].
const renewalSkew = 5 * time.Minute

// renewalSearchPages bounds the pages of PAYED orders one search reads.
const renewalSearchPages = 50

// FindRenewal implements [provider.RenewalFinder]. Alibaba's documented
// APIs of CAS 2020-04-07 in this SDK cannot find an order by tag: the
// RenewCertificateOrderForPackageRequest tags are sent, but
// ListUserCertificateOrder neither returns nor filters them. So the
// search names candidates and never proves one: the orders the list shows
// in PAYED (a renewal lands there, [provider.StatePendingApplication])
// whose BuyDate is at or after since less five minutes of clock skew,
// other than the renewed order. A new order of the same purchase that
// has not reached the list yet is not found [unverified: the
// documentation states no delay]; an unrelated order bought in the same
// minutes is a candidate too.
//
// req is validated as [Adapter.Renew] validates it, before any request;
// the search reads at most 50 pages of 100 rows, each request paced as
// ListUserCertificateOrder.
func (a *Adapter) FindRenewal(ctx context.Context, req provider.RenewRequest, since time.Time) (*provider.RenewalSearch, error) {
	if _, err := a.validate(req); err != nil {
		return nil, err
	}
	from := since.Add(-renewalSkew)
	out := &provider.RenewalSearch{Basis: fmt.Sprintf("PAYED orders bought since %s (the list shows no tags)",
		from.UTC().Format(time.RFC3339))}
	list := provider.ListRequest{States: []provider.State{provider.StatePendingApplication}, PageSize: maxListShowSize}
	for pages := 1; ; pages++ {
		page, err := a.list(ctx, list, true) // orders only: an instance is never a renewal
		if err != nil {
			return nil, err
		}
		out.RequestID = page.RequestID
		for _, e := range page.Entries {
			if e.ID != req.ID && !e.Created.IsZero() && !e.Created.Before(from) {
				out.Candidates = append(out.Candidates, e)
			}
		}
		if page.Next == "" {
			return out, nil
		}
		if pages == renewalSearchPages {
			out.Basis += fmt.Sprintf("; only the first %d pages were read", pages)
			return out, nil
		}
		list.PageToken = page.Next
	}
}
