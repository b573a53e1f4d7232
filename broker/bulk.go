package broker

import (
	"context"
	"fmt"
	"hash/maphash"
	"iter"
	"runtime"
	"slices"
	"sync"

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
	Result *Result
	// Err is an *OpError on failure, nil on success.
	Err error
	// Attempts is how many times the operation was sent; 0 when the item
	// failed before any call, was never started, or is a duplicate.
	Attempts int
	// Duplicate is true when Ref already appeared earlier in the same
	// call, at index DuplicateOf: the operation was not sent again, and
	// the item carries that first item's Result and Err.
	Duplicate   bool
	DuplicateOf int
	// FromJournal is true when the outcome was recorded by an earlier
	// session of a journaled run (BulkOptions.Journal) and is reported
	// again without sending anything.
	FromJournal bool
	// InDoubt is true, in a journaled run, when the item may have been
	// sent and its outcome could not be settled: this run's attempt
	// ended with provider.KindOutcomeUnknown, or an earlier session
	// recorded the intent but no outcome and this run could not settle
	// it. Err is then of kind KindOutcomeUnknown, and the journal holds
	// the item in doubt: the next resume tries to settle it again. A
	// renewal in doubt is never sent again unless
	// BulkOptions.ResendInDoubtRenewals is set.
	InDoubt bool
	// Listed is true when a bulk Status ([Broker.Do] with a
	// provider.StatusRequest) took the order's state from a listing page
	// it shared with other orders, rather than from a Status request of
	// its own (Attempts is then 0). Result.RequestID is the page's, and
	// Result.NativeState the list API's own word for the status, which
	// can differ from the Status API's (Alibaba's list says "CHECKING"
	// where DescribeCertificateState says "domain_verify"); State, the
	// normalized state, is the same either way.
	Listed bool
	// JournalErr, in a journaled run, is the journal's error when this
	// item's outcome (or the withdrawal of its intent) could not be
	// recorded: the journal then holds the item in doubt, and a resume
	// settles it again. Result and Err are still this run's outcome.
	JournalErr error
}

// BulkOptions are the switches of [Broker.Do] and [Broker.Stream]. The
// operation and its inputs are the request they are given.
type BulkOptions struct {
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
	// Journal, when set, records the run of a mutating operation (not a
	// dry run) so that running it again with the same journal resumes
	// it: see [Journal]. A journal that records another operation, other
	// refs, other request inputs or another Fingerprint is refused with
	// provider.KindInvalidArgument before anything is sent. With a
	// journal, Stream reads refs to the end before sending anything (the
	// run is identified by all of them).
	Journal Journal
	// Fingerprint identifies the configuration the run is made with (for
	// example a digest of the origins' settings); it is part of the
	// journaled run's identity.
	Fingerprint string
	// ResendInDoubtRenewals sends again the renewals a journal holds in
	// doubt. Only set it after checking that no renewal order was created
	// for them: each one that was is bought twice.
	ResendInDoubtRenewals bool
	// StatusEach makes a bulk Status send one Status request per
	// reference even to an origin whose provider lists. Without it,
	// [Broker.Do] reads the states of many orders of such an origin
	// through its listing, a page of orders per request (see
	// [Item.Listed]).
	StatusEach bool

	// listed holds the states a bulk Status read through the list.
	listed map[provider.Ref]listedStatus
}

// maxStreamErrors bounds the errors Stream keeps for its returned
// aggregate; every error is also on its emitted Item.
const maxStreamErrors = 1000

// Do sends req to every order in refs (req's own ID is ignored: each ref's
// ID replaces it) and returns one Item per reference, in input order
// (items[i].Index == i). A reference that appears more than once is sent
// once: its later items are marked Duplicate and carry the first one's
// outcome (their errors are in the aggregate too, one per item). A
// provider.StatusRequest to many orders of an origin whose provider is a
// provider.Lister is read through its listing, a page of orders per
// request, before the rest get a Status request each (see [Item.Listed]
// and BulkOptions.StatusEach): never more than 1.1 × refs + 1 requests
// to an origin, about refs / page size when the refs are most of its
// inventory. The error is nil when every item succeeded, and
// otherwise a *multierror.Error holding every item's *OpError in input
// order, so errors.Is and errors.As work through it. When ctx ends, items
// not yet started are reported with provider.KindCanceled. Only an invalid
// op, or a journal that cannot begin or records another run, fails the
// call as a whole (nil items), before anything is sent.
func (b *Broker) Do(ctx context.Context, req provider.Request, refs []provider.Ref, opts BulkOptions) ([]Item, error) {
	if err := checkRequest(req); err != nil {
		return nil, err
	}
	jl, err := b.beginJournal(req, refs, opts)
	if err != nil {
		return nil, err
	}
	if req.Op() == provider.OpStatus && !opts.DryRun && !opts.StatusEach {
		opts.listed = b.statusThroughLists(ctx, refs)
	}
	items := make([]Item, len(refs))
	var errs []error
	err = b.run(ctx, req, slices.Values(refs), b.originTotals(refs), len(refs), opts, jl, func(it Item) {
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
	if req.Op() == provider.OpRenew {
		dropSiblings(items)
	}
	return items, bulkError(errs, len(refs))
}

// Stream sends req to every order in refs, which may be arbitrarily long
// (req's own ID is ignored), and calls emit
// once per reference, in input order, from one goroutine at a time. It
// holds only a bounded window of items in flight (a few times the
// broker's concurrency), so a slow emit or a slow item at the head of the
// window holds back the rest. To send each distinct reference once
// (later occurrences are reported as in [Broker.Do]), it remembers every
// distinct reference (as a 128-bit hash) and the outcomes of the last
// 4,096 distinct ones; a reference repeated after that many others is
// still not sent again, and fails with KindInvalidArgument, naming the
// item that carried its outcome. A panic in refs or emit is raised
// again on the calling goroutine after the workers have stopped. The error is nil when every item succeeded,
// and otherwise a *multierror.Error of the failed items' errors (the first
// 1000 of them, followed by a count of the rest; each is also on its
// Item). When ctx ends, the remaining references are still read and
// reported with provider.KindCanceled. Progress reports a Total of -1.
func (b *Broker) Stream(ctx context.Context, req provider.Request, refs iter.Seq[provider.Ref], opts BulkOptions, emit func(Item)) error {
	if emit == nil {
		return &provider.Error{Kind: provider.KindInvalidArgument, Message: "stream: nil emit function"}
	}
	if err := checkRequest(req); err != nil {
		return err
	}
	var jl *journaled
	if opts.Journal != nil {
		all := slices.Collect(refs)
		var err error
		if jl, err = b.beginJournal(req, all, opts); err != nil {
			return err
		}
		refs = slices.Values(all)
	}
	var (
		errs    []error
		dropped int
	)
	err := b.run(ctx, req, refs, nil, -1, opts, jl, func(it Item) {
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
	return bulkError(errs, -1)
}

// job is one reference waiting for a worker.
type job struct {
	index int
	ref   provider.Ref
	first *firstSeen
}

// firstSeen is the first occurrence of a reference in one bulk call. Its
// outcome, once known, is copied to every later occurrence.
type firstSeen struct {
	index     int
	done      bool
	outcome   Item
	followers []int // indexes of duplicates waiting for the outcome
}

// run is the engine of Do and Stream: a dispatcher (the calling goroutine)
// reads refs, a fixed pool of workers runs items, and a reorder window
// emits them in input order. Each distinct reference is run once; its
// later occurrences get its outcome, marked as duplicates. A panic in the
// caller's iterator, emit or Progress function stops the workers (the
// items in flight end as cancelled) and is raised again on the caller's
// goroutine once every worker has returned.
func (b *Broker) run(ctx context.Context, req provider.Request, refs iter.Seq[provider.Ref], totals map[string]int, total int, opts BulkOptions, jl *journaled, emit func(Item)) error {
	if err := checkRequest(req); err != nil {
		return err
	}
	op := req.Op()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := b.cfg.concurrency
	w := newWindow(max(4*workers, 64), emit, newTracker(b, totals, total, opts.Progress), cancel)
	jobs := make(chan job)
	var wg sync.WaitGroup
	var worker func()
	worker = func() {
		var cur *job // the item in hand, until its outcome is known
		returned := false
		defer func() {
			if returned {
				return
			}
			// The goroutine is ending through runtime.Goexit (a panic
			// is contained further down): the item in hand is failed,
			// and a new worker takes this one's place.
			if cur != nil {
				w.complete(goexitItem(op, *cur), cur.first)
			}
			wg.Go(worker)
		}()
		for j := range jobs {
			cur = &j
			it := b.item(ctx, req, j, opts, jl)
			cur = nil
			w.complete(it, j.first)
		}
		returned = true
	}
	for range workers {
		wg.Go(worker)
	}
	// Runs when the caller's goroutine leaves run other than by
	// returning (runtime.Goexit in its iterator or callback): stop the
	// workers before it goes.
	settled := false
	defer func() {
		if !settled {
			w.stop()
			close(jobs)
			wg.Wait()
		}
	}()
	keep := -1
	if total < 0 {
		keep = max(streamKeep, 4*len(w.buf))
	}
	panicked := b.dispatch(ctx, refs, w, jobs, op, keep, opts.listed)
	close(jobs)
	wg.Wait()
	settled = true
	// The caller's own panic first: a dispatcher panic after it may only
	// be its consequence (an iterator that went on after being stopped).
	if p := w.panicked(); p != nil {
		panic(p)
	}
	if panicked != nil {
		panic(panicked)
	}
	if w.goexited() {
		runtime.Goexit()
	}
	return nil
}

// checkRequest refuses a request the bulk methods cannot send.
func checkRequest(req provider.Request) error {
	if provider.WithID(req, "") == nil {
		return &provider.Error{Kind: provider.KindInvalidArgument, Message: fmt.Sprintf("unsupported request %T", req)}
	}
	if perr := reservedMark(req); perr != nil {
		return perr
	}
	return nil
}

// goexitItem is the item of a reference whose provider call ended its
// goroutine with runtime.Goexit: whether it was sent is unknown.
func goexitItem(op provider.Op, j job) Item {
	kind := provider.KindOther
	if op.Mutating() {
		kind = provider.KindOutcomeUnknown
	}
	return Item{Index: j.index, Ref: j.ref, Err: &OpError{Op: op, Ref: j.ref, Err: &provider.Error{
		Kind: kind, Op: op, Origin: j.ref.Origin, ID: j.ref.ID, Code: "goexit",
		Message: "the provider ended its goroutine (runtime.Goexit) during the call"}}}
}

// dispatch reads refs and hands each distinct one to a worker, until refs
// ends or a callback panicked. It returns the value of a panic raised by
// refs itself, after halting the window (which cancels ctx). A reference
// in listed (a bulk Status read through the list) is complete already,
// whether or not ctx has ended.
func (b *Broker) dispatch(ctx context.Context, refs iter.Seq[provider.Ref], w *window, jobs chan<- job, op provider.Op, keep int, listed map[provider.Ref]listedStatus) (panicked any) {
	defer func() {
		if r := recover(); r != nil {
			panicked = r
			w.stop()
		}
	}()
	d := newDedup(keep)
	i := 0
	for ref := range refs {
		if w.stopped() {
			break
		}
		w.reserve(i)
		index := i
		i++
		first, firstIndex, dup := d.see(ref, index)
		switch {
		case dup && first != nil:
			w.duplicate(index, first)
			continue
		case dup:
			w.complete(forgottenDuplicate(op, ref, index, firstIndex), nil)
			continue
		}
		j := job{index: index, ref: ref, first: first}
		if ls, ok := listed[ref]; ok {
			w.complete(Item{Index: index, Ref: ref, Result: ls.result(ref.Origin), Listed: true}, first)
			continue
		}
		if ctx.Err() != nil {
			w.complete(canceledItem(ctx, op, j), first)
			continue
		}
		select {
		case jobs <- j:
		case <-ctx.Done():
			w.complete(canceledItem(ctx, op, j), first)
		}
	}
	return nil
}

// dedup remembers the references of one bulk call. It keys them by a
// 128-bit hash (two maphash sums with independent random seeds), so it
// holds no strings, and keeps the outcome-holding firstSeen of only the
// last keep distinct references (all of them when keep < 0). It is used
// by the dispatcher alone.
type dedup struct {
	seeds [2]maphash.Seed
	seen  map[[2]uint64]int // hash -> index of the first occurrence
	keep  int
	ring  []*firstSeen
	next  int
	live  map[int]*firstSeen // first index -> entry, for those kept
}

func newDedup(keep int) *dedup {
	d := &dedup{seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()},
		seen: map[[2]uint64]int{}, keep: keep, live: map[int]*firstSeen{}}
	if keep > 0 {
		d.ring = make([]*firstSeen, keep)
	}
	return d
}

// see registers ref at index. For a new reference it returns its entry
// and dup false. For a repeated one it returns dup true, the index of
// the first occurrence, and its entry, or nil when that entry is no
// longer kept.
func (d *dedup) see(ref provider.Ref, index int) (first *firstSeen, firstIndex int, dup bool) {
	h := [2]uint64{d.hash(0, ref), d.hash(1, ref)}
	if fi, ok := d.seen[h]; ok {
		return d.live[fi], fi, true
	}
	d.seen[h] = index
	first = &firstSeen{index: index}
	d.live[index] = first
	if d.ring != nil {
		if old := d.ring[d.next]; old != nil {
			delete(d.live, old.index)
		}
		d.ring[d.next] = first
		d.next = (d.next + 1) % len(d.ring)
	}
	return first, index, false
}

func (d *dedup) hash(k int, ref provider.Ref) uint64 {
	var h maphash.Hash
	h.SetSeed(d.seeds[k])
	h.WriteString(ref.Origin)
	h.WriteByte(0)
	h.WriteString(ref.ID)
	return h.Sum64()
}

// forgottenDuplicate is the item of a reference repeated so long after
// its first occurrence (in Stream) that the outcome is no longer kept:
// it is still not sent again, and fails with KindInvalidArgument.
func forgottenDuplicate(op provider.Op, ref provider.Ref, index, firstIndex int) Item {
	return Item{Index: index, Ref: ref, Duplicate: true, DuplicateOf: firstIndex, Err: &OpError{Op: op, Ref: ref,
		Err: &provider.Error{Kind: provider.KindInvalidArgument, Op: op, Origin: ref.Origin, ID: ref.ID,
			Message: fmt.Sprintf("duplicate of item %d; not sent again (its outcome was reported with it)", firstIndex)}}}
}

// streamKeep is how many distinct references' outcomes Stream keeps for
// their duplicates; Do keeps them all.
const streamKeep = 4096

func canceledItem(ctx context.Context, op provider.Op, j job) Item {
	return Item{Index: j.index, Ref: j.ref, Err: canceledError(ctx, op, j.ref)}
}

// item runs one reference, holding one of the broker's slots.
func (b *Broker) item(ctx context.Context, tmpl provider.Request, j job, opts BulkOptions, jl *journaled) Item {
	op := tmpl.Op()
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
	req := provider.WithID(tmpl, j.ref.ID)
	if opts.DryRun {
		res, oe := b.dryRun(ctx, o, j.ref, req, opts.CheckState)
		if oe != nil {
			it.Err = oe
		} else {
			it.Result = res
		}
		return it
	}
	if jl != nil {
		return b.journaledItem(ctx, o, tmpl, j, jl)
	}
	res, n, oe := b.exec(ctx, o, j.ref, req)
	it.Result, it.Attempts = res, n
	if oe != nil {
		it.Err = oe
	}
	return it
}
