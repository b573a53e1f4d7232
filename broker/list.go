package broker

import (
	"context"
	"fmt"
	"iter"
	"log/slog"
	"runtime/debug"
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
	for {
		page, err := b.listPage(ctx, o, l, req)
		if err != nil {
			return yield(ListItem{Origin: o.name, Err: err})
		}
		for _, e := range page.Entries {
			if !yield(ListItem{Origin: o.name, Entry: e}) {
				return false
			}
		}
		if page.Next == "" {
			return true
		}
		if page.Next == req.PageToken {
			return yield(ListItem{Origin: o.name, Err: &provider.Error{Kind: provider.KindOther, Op: provider.OpList,
				Origin: o.name, Message: fmt.Sprintf("the provider returned page token %q again", truncate(page.Next, 64))}})
		}
		req.PageToken = page.Next
	}
}

// listPage reads one page of o, retrying what a read may retry.
func (b *Broker) listPage(ctx context.Context, o *origin, l provider.Lister, req provider.ListRequest) (*provider.ListPage, *provider.Error) {
	for attempt := 1; ; attempt++ {
		page, perr := b.listAttempt(ctx, o, l, req)
		if perr == nil {
			return page, nil
		}
		if attempt >= b.cfg.retry.MaxAttempts || ctx.Err() != nil || !provider.Retryable(provider.OpStatus, perr) {
			return nil, perr
		}
		if err := b.cfg.clock.Sleep(ctx, b.backoff(attempt)); err != nil {
			return nil, listCanceled(o, err)
		}
	}
}

// listAttempt sends one page request to o: admitted, paced, contained.
func (b *Broker) listAttempt(ctx context.Context, o *origin, l provider.Lister, req provider.ListRequest) (page *provider.ListPage, perr *provider.Error) {
	// The authentication gate, as for every call: a bad key or a wrong
	// endpoint costs the origin's few requests in all, listing included.
	probing, stopped, err := o.auth.enter(ctx)
	switch {
	case stopped != nil:
		stopped.Op, stopped.Origin = provider.OpList, o.name
		return nil, stopped
	case err != nil:
		return nil, listCanceled(o, err)
	}
	entered := false
	defer func() {
		if entered {
			o.auth.leave(probing, perr)
		} else {
			o.auth.abandon(probing)
		}
	}()
	if err := b.admit(ctx, o); err != nil {
		return nil, listCanceled(o, err)
	}
	defer b.release(o)
	var (
		pc  *pacer
		lim *limiter
	)
	pctx := ctx
	if o.caps.Paced {
		pc = &pacer{b: b, o: o}
		pctx = provider.WithPacer(ctx, pc)
	} else {
		lim = o.limiterFor(string(provider.OpList))
		if err := lim.wait(ctx, b.cfg.clock); err != nil {
			return nil, listCanceled(o, err)
		}
	}
	entered = true
	page, err = b.callList(pctx, o, l, req)
	if pc != nil {
		lim = pc.used()
		if !pc.paced() && (err == nil || !preSend(provider.KindOf(err))) {
			// Declared Paced, paced nothing: spend a token after the fact.
			_ = lim.wait(ctx, b.cfg.clock)
		}
	}
	switch {
	case err != nil:
		perr = asProviderError(err, o.name, provider.OpList, "")
		if perr.Kind == provider.KindOutcomeUnknown {
			perr.Kind = provider.KindUnavailable // a read applies nothing
		}
	case page == nil:
		perr = &provider.Error{Kind: provider.KindOther, Op: provider.OpList, Origin: o.name,
			Message: "provider returned neither a page nor an error"}
	}
	switch {
	case perr == nil:
		lim.succeeded(b.cfg.clock)
	case perr.Kind == provider.KindThrottled:
		if r, cut := lim.throttled(b.cfg.clock.Now()); cut {
			b.logRate(ctx, o.name, provider.OpList, r)
		}
	}
	return page, perr
}

// callList calls l.List, turning a panic into an error.
func (b *Broker) callList(ctx context.Context, o *origin, l provider.Lister, req provider.ListRequest) (page *provider.ListPage, err error) {
	defer func() {
		if r := recover(); r != nil {
			msg := truncate(fmt.Sprintf("the provider panicked in List: %v", r), 512)
			b.cfg.logger.LogAttrs(ctx, slog.LevelError, "certbroker: provider panicked",
				slog.String("origin", o.name), slog.String("op", string(provider.OpList)),
				slog.String("panic", msg), slog.String("stack", string(debug.Stack())))
			page, err = nil, &provider.Error{Kind: provider.KindOther, Op: provider.OpList, Origin: o.name, Code: "panic", Message: msg}
		}
	}()
	return l.List(ctx, req)
}

func listCanceled(o *origin, err error) *provider.Error {
	return &provider.Error{Kind: provider.KindCanceled, Op: provider.OpList, Origin: o.name,
		Message: "the context ended before the page was read", Err: err}
}
