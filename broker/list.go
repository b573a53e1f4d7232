package broker

import (
	"context"
	"fmt"
	"iter"
	"slices"

	"github.com/certbroker/certbroker/provider"
)

// ListItem is one certificate of a listing across origins, or one
// origin's failure.
type ListItem struct {
	// Origin is the registered origin the entry or the failure belongs to.
	Origin string
	// Entry is the certificate, when Err is nil.
	Entry provider.ListEntry
	// Err, when not nil, is a *provider.Error (Op provider.OpList, Origin
	// set) that ended this origin's listing: KindUnsupported for a
	// provider that is not a provider.Lister, KindInvalidArgument for an
	// origin that is not registered, KindCanceled when ctx ended, or the
	// provider's error for a page after the broker's retries. Entries
	// the origin listed before it are valid; the other origins go on.
	Err error
}

// Ref returns the item's entry as a [provider.Ref].
func (it ListItem) Ref() provider.Ref { return it.Entry.Ref(it.Origin) }

// List lists the certificates of the named origins (every registered
// origin when none is named) that pass req's filters, origin by origin in
// name order, each in its provider's order ([provider.Lister]). It reads
// one page at a time, so memory stays at one page whatever the
// inventories, and each page is a call like any other: it takes the
// origin's concurrency slot, is paced through the origin's limiters (per
// request for a provider that declares Capabilities.Paced, one token of
// provider.OpList per page otherwise), and is retried, with backoff and
// from the same page token, when it fails with a retryable kind
// (provider.Retryable for a read), up to the retry policy's MaxAttempts.
// A throttled page lowers the origin's rate like any throttled call.
//
// An origin's failure is yielded as one item with Err set, after which
// that origin's listing ends and the next origin's begins: one origin's
// failure is never fatal to the others. Every named origin yields either
// its entries, or its entries and one failure. When ctx ends, the
// current origin and every one after it yield a KindCanceled item.
// Breaking out of the loop stops the listing at once.
//
// req is validated once (provider.ListRequest.Validate) before any call;
// a page token, which belongs to one provider, is refused. Either refusal
// is a single item with no Origin and Err of kind KindInvalidArgument.
// An origin named twice is listed once.
//
// List is called on the provider as wrapped by the broker's middleware
// (WithMiddleware), so a middleware sees listing too; a middleware whose
// wrapper is not a provider.Lister hides listing, and its origins are
// reported as unsupported.
func (b *Broker) List(ctx context.Context, req provider.ListRequest, origins ...string) iter.Seq[ListItem] {
	return func(yield func(ListItem) bool) {
		if err := req.Validate(); err != nil {
			yield(ListItem{Err: err})
			return
		}
		if req.PageToken != "" {
			yield(ListItem{Err: &provider.Error{Kind: provider.KindInvalidArgument, Op: provider.OpList,
				Message: "a page token belongs to one provider; the broker lists every page itself"}})
			return
		}
		reg := b.origins.Load()
		names := reg.names
		if len(origins) > 0 {
			names = slices.Compact(slices.Sorted(slices.Values(origins)))
		}
		for _, name := range names {
			o, ok := reg.byName[name]
			if !ok {
				_, perr := b.route(provider.Ref{Origin: name}, provider.OpList)
				if !yield(ListItem{Origin: name, Err: perr}) {
					return
				}
				continue
			}
			if !b.listOrigin(ctx, o, req, yield) {
				return
			}
		}
	}
}

// listOrigin yields every entry of o, then its failure if any. It returns
// false when yield asked to stop.
func (b *Broker) listOrigin(ctx context.Context, o *origin, req provider.ListRequest, yield func(ListItem) bool) bool {
	l, ok := o.p.(provider.Lister)
	if !ok {
		return yield(ListItem{Origin: o.name, Err: &provider.Error{Kind: provider.KindUnsupported, Op: provider.OpList,
			Origin: o.name, Message: "the provider does not list certificates"}})
	}
	for page, err := range b.pages(ctx, o, l, req) {
		if err != nil {
			return yield(ListItem{Origin: o.name, Err: err})
		}
		for _, e := range page.Entries {
			if !yield(ListItem{Origin: o.name, Entry: e}) {
				return false
			}
		}
	}
	return true
}

// pages reads o's listing of req through listPage, one page per
// iteration, until the last page or the error that ends it (yielded with
// a nil page): a page's own, or a provider that returned the page token
// it was given, which would loop forever.
func (b *Broker) pages(ctx context.Context, o *origin, l provider.Lister, req provider.ListRequest) iter.Seq2[*provider.ListPage, *provider.Error] {
	return func(yield func(*provider.ListPage, *provider.Error) bool) {
		for {
			page, err := b.listPage(ctx, o, l, req)
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(page, nil) || page.Next == "" {
				return
			}
			if page.Next == req.PageToken {
				yield(nil, &provider.Error{Kind: provider.KindOther, Op: provider.OpList, Origin: o.name,
					Message: fmt.Sprintf("the provider returned page token %q again", truncate(page.Next, 64))})
				return
			}
			req.PageToken = page.Next
		}
	}
}

// listPage reads one page of o, retrying what a read may retry.
func (b *Broker) listPage(ctx context.Context, o *origin, l provider.Lister, req provider.ListRequest) (*provider.ListPage, *provider.Error) {
	var page *provider.ListPage
	perr := b.read(ctx, o, provider.OpList, "", func(ctx context.Context) error {
		p, err := l.List(ctx, req)
		if err == nil && p == nil {
			return &provider.Error{Kind: provider.KindOther, Op: provider.OpList, Origin: o.name,
				Message: "provider returned neither a page nor an error"}
		}
		page = p
		return err
	})
	if perr != nil {
		return nil, perr
	}
	return page, nil
}
