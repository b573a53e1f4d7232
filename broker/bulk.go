package broker

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"sync"

	"github.com/hashicorp/go-multierror"

	"github.com/certbroker/certbroker/provider"
)

// Item is the outcome of one reference in a bulk operation.
type Item struct {
	// Index is the reference's position in the input, from 0.
	Index int
	// Ref is the input reference.
	Ref provider.Ref
	// Result is set on success (in a dry run: the reference, and the
	// state when it was checked).
	Result *provider.Result
	// Err is an *OpError on failure, nil on success.
	Err error
	// Attempts is how many times the operation was sent; 0 when the item
	// failed before any call or was never started.
	Attempts int
}

// BulkOptions are the inputs and switches of [Broker.Do] and
// [Broker.Stream].
type BulkOptions struct {
	// Reason is sent with every Revoke.
	Reason string
	// CSR and Tags are sent with every Renew.
	CSR  string
	Tags []provider.Tag
	// DryRun validates every reference (provider.ValidateID and the
	// provider's IDChecker), routes it and checks the capability, and
	// makes no mutating call.
	DryRun bool
	// CheckState, in a dry run, also reads each order's state (a Status
	// call) and fails the items whose state does not allow the operation,
	// with provider.KindInvalidState.
	CheckState bool
	// Progress, when set, is called after each item finishes (in
	// completion order, one call at a time).
	Progress func(Progress)
}

// maxStreamErrors bounds the errors Stream keeps for its returned
// aggregate; every error is also on its emitted Item.
const maxStreamErrors = 1000

// Do runs op over refs and returns one Item per reference, in input order
// (items[i].Index == i). The error is nil when every item succeeded, and
// otherwise a *multierror.Error holding every item's *OpError in input
// order, so errors.Is and errors.As work through it. When ctx ends, items
// not yet started are reported with provider.KindCanceled. Only an invalid
// op fails the call as a whole (nil items).
func (b *Broker) Do(ctx context.Context, op provider.Op, refs []provider.Ref, opts BulkOptions) ([]Item, error) {
	items := make([]Item, len(refs))
	var errs []error
	err := b.run(ctx, op, slices.Values(refs), b.originTotals(refs), len(refs), opts, func(it Item) {
		items[it.Index] = it
		if it.Err != nil {
			errs = append(errs, it.Err)
		}
	})
	if err != nil {
		return nil, err
	}
	if len(errs) == 0 {
		return items, nil
	}
	return items, &multierror.Error{Errors: errs}
}

// Stream runs op over refs, which may be arbitrarily long, and calls emit
// once per reference, in input order, from one goroutine at a time. It
// holds only a bounded window of items in memory (a few times the
// broker's concurrency), so a slow emit or a slow item at the head of the
// window holds back the rest. The error is nil when every item succeeded,
// and otherwise a *multierror.Error of the failed items' errors (the first
// 1000 of them, followed by a count of the rest; each is also on its
// Item). When ctx ends, the remaining references are still read and
// reported with provider.KindCanceled. Progress reports a Total of -1.
func (b *Broker) Stream(ctx context.Context, op provider.Op, refs iter.Seq[provider.Ref], opts BulkOptions, emit func(Item)) error {
	if emit == nil {
		return &provider.Error{Kind: provider.KindInvalidArgument, Op: op, Message: "stream: nil emit function"}
	}
	var (
		errs    []error
		dropped int
	)
	err := b.run(ctx, op, refs, nil, -1, opts, func(it Item) {
		if it.Err != nil {
			if len(errs) < maxStreamErrors {
				errs = append(errs, it.Err)
			} else {
				dropped++
			}
		}
		emit(it)
	})
	if err != nil {
		return err
	}
	if len(errs) == 0 {
		return nil
	}
	if dropped > 0 {
		errs = append(errs, fmt.Errorf("%d more items failed; see their emitted items", dropped))
	}
	return &multierror.Error{Errors: errs}
}

// job is one reference waiting for a worker.
type job struct {
	index int
	ref   provider.Ref
}

// run is the engine of Do and Stream: a dispatcher (the calling goroutine)
// reads refs, a fixed pool of workers runs items, and a reorder window
// emits them in input order.
func (b *Broker) run(ctx context.Context, op provider.Op, refs iter.Seq[provider.Ref], totals map[string]int, total int, opts BulkOptions, emit func(Item)) error {
	if opIndex(op) < 0 {
		return &provider.Error{Kind: provider.KindInvalidArgument, Op: op, Message: fmt.Sprintf("unknown operation %q", op)}
	}
	workers := b.cfg.concurrency
	w := newWindow(max(4*workers, 64), emit, newTracker(b, totals, total, opts.Progress))
	jobs := make(chan job)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				w.complete(b.item(ctx, op, j, opts))
			}
		})
	}
	i := 0
	for ref := range refs {
		w.reserve(i)
		j := job{index: i, ref: ref}
		i++
		if ctx.Err() != nil {
			w.complete(canceledItem(ctx, op, j))
			continue
		}
		select {
		case jobs <- j:
		case <-ctx.Done():
			w.complete(canceledItem(ctx, op, j))
		}
	}
	close(jobs)
	wg.Wait()
	return nil
}

func canceledItem(ctx context.Context, op provider.Op, j job) Item {
	return Item{Index: j.index, Ref: j.ref, Err: canceledError(ctx, op, j.ref)}
}

// item runs one reference, holding one of the broker's slots.
func (b *Broker) item(ctx context.Context, op provider.Op, j job, opts BulkOptions) Item {
	select {
	case b.slots <- struct{}{}:
		defer func() { <-b.slots }()
	case <-ctx.Done():
		return canceledItem(ctx, op, j)
	}
	if ctx.Err() != nil {
		return canceledItem(ctx, op, j)
	}
	it := Item{Index: j.index, Ref: j.ref}
	o, oe := b.prepare(j.ref, op)
	if oe != nil {
		it.Err = oe
		return it
	}
	if opts.DryRun {
		res, oe := b.dryRun(ctx, o, j.ref, op, opts.CheckState)
		if oe != nil {
			it.Err = oe
		} else {
			it.Result = res
		}
		return it
	}
	req := request{op: op, reason: opts.Reason, csr: opts.CSR, tags: opts.Tags}
	res, n, oe := b.exec(ctx, o, j.ref, req)
	it.Result, it.Attempts = res, n
	if oe != nil {
		it.Err = oe
	}
	return it
}
