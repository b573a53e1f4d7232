package broker

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"time"

	"github.com/certbroker/certbroker/provider"
)

// Journal records a bulk run of a mutating operation so that a run cut
// short (a crash, a kill, a lost laptop lid) can be resumed: run again
// with the same journal, the broker skips every item with a recorded
// outcome, sends the items never started, and settles the items in doubt
// (an intent but no outcome). Package journal has a file-based one; any
// store that keeps the promises below will do.
//
// The broker calls Begin once, before anything is sent, then Intent and
// Outcome from its workers, concurrently. It never calls Close: the
// journal belongs to the caller.
type Journal interface {
	// Begin starts the run, or resumes it. It returns the run recorded
	// by an earlier session (nil for a new journal, in which case Begin
	// records run) and every recorded entry by reference. It must not
	// modify a journal that holds another run: the broker compares the
	// two and refuses a mismatch before sending anything.
	Begin(run JournalRun) (prev *JournalRun, entries map[provider.Ref]JournalEntry, err error)
	// Intent records that the operation is about to be sent for ref (the
	// item at index). It must return only once the record survives a
	// crash of the process; the request is sent after it returns, and not
	// at all when it fails.
	Intent(index int, ref provider.Ref) error
	// Outcome records the outcome of ref's item. It may return before
	// the record is durable: a lost outcome leaves the item in doubt,
	// which a resume settles.
	Outcome(index int, ref provider.Ref, out JournalOutcome) error
	// Unsent records that the intent of ref was withdrawn: nothing was
	// sent (the run was cancelled before the request went out), so a
	// resume sends it as if never started.
	Unsent(index int, ref provider.Ref) error
}

// JournalRun identifies a bulk run. Resuming under any other value is
// refused with provider.KindInvalidArgument; Nonce is not part of that
// identity.
type JournalRun struct {
	// Op is the operation.
	Op provider.Op `json:"op"`
	// Inputs is a digest of the request's inputs (revoke's reason,
	// renew's CSR and tags).
	Inputs string `json:"inputs"`
	// Refs is a digest of the references, in input order; Count is how
	// many there are.
	Refs  string `json:"refs"`
	Count int    `json:"count"`
	// Fingerprint is BulkOptions.Fingerprint: the caller's
	// configuration.
	Fingerprint string `json:"fingerprint"`
	// Nonce is a random value the broker chooses when the run begins.
	// The journal keeps it with the run and returns it on resume: it
	// makes the run's renewal marks (provider.RenewalTagKey) its own, so
	// a resume finds what this run's renewals created and nothing that
	// another run's did. A run recorded without one (an older journal)
	// resumes with random marks, and its renewals in doubt can only be
	// searched for by candidates.
	Nonce string `json:"nonce,omitempty"`
}

// JournalEntry is what a journal holds for one reference. Intent without
// an outcome (Outcome nil, or one marked InDoubt) is an item in doubt.
type JournalEntry struct {
	Intent  bool
	Outcome *JournalOutcome
	// IntentAt is when the intent was recorded, when the journal keeps
	// it (zero otherwise): a resume looks for the order a renewal in
	// doubt may have created from then on.
	IntentAt time.Time
}

// JournalOutcome is the recorded outcome of one item: enough to report it
// again.
type JournalOutcome struct {
	OK bool `json:"ok"`
	// On success: the result.
	State       string    `json:"state,omitempty"`
	NativeState string    `json:"native_state,omitempty"`
	NewID       string    `json:"new_id,omitempty"`
	NotAfter    time.Time `json:"not_after,omitzero"`
	AlreadyDone bool      `json:"already_done,omitempty"`
	// On failure: the final error.
	Kind       string `json:"kind,omitempty"`
	Code       string `json:"code,omitempty"`
	Message    string `json:"message,omitempty"`
	HTTPStatus int    `json:"http_status,omitempty"`
	// Both.
	RequestID string `json:"request_id,omitempty"`
	Attempts  int    `json:"attempts,omitempty"`
	// InDoubt marks an outcome_unknown of an item a previous session
	// may have sent, which this one could not settle: it is settled
	// again on the next resume.
	InDoubt bool `json:"in_doubt,omitempty"`
}

// settled reports whether an entry needs nothing more: an outcome that is
// not in doubt.
func (e JournalEntry) settled() bool { return e.Outcome != nil && !e.Outcome.InDoubt }

// inDoubt reports whether an entry's item may have been sent with its
// outcome unknown.
func (e JournalEntry) inDoubt() bool {
	return (e.Intent && e.Outcome == nil) || (e.Outcome != nil && e.Outcome.InDoubt)
}

// journalRun describes a run for a journal.
func journalRun(req provider.Request, digest string, count int, fingerprint string) JournalRun {
	in := sha256.Sum256(fmt.Appendf(nil, "%#v", provider.WithID(req, "")))
	return JournalRun{Op: req.Op(), Inputs: hex.EncodeToString(in[:12]), Refs: digest, Count: count,
		Fingerprint: fingerprint}
}

// refsDigest is the digest of references in order.
func refsDigest(refs []provider.Ref) string {
	h := sha256.New()
	for _, r := range refs {
		h.Write([]byte(r.Origin))
		h.Write([]byte{0})
		h.Write([]byte(r.ID))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// mismatch explains why a recorded run is not this one, or returns "".
func mismatch(prev, run JournalRun) string {
	switch {
	case prev.Op != run.Op:
		return fmt.Sprintf("it records a %s run, not %s", prev.Op, run.Op)
	case prev.Count != run.Count || prev.Refs != run.Refs:
		return fmt.Sprintf("it records another set of refs (%d refs, digest %s; this run: %d refs, digest %s)",
			prev.Count, prev.Refs, run.Count, run.Refs)
	case prev.Inputs != run.Inputs:
		return fmt.Sprintf("it records other request inputs (reason, CSR or tags; digest %s, this run: %s)", prev.Inputs, run.Inputs)
	case prev.Fingerprint != run.Fingerprint:
		return fmt.Sprintf("it records another configuration (fingerprint %s, this run: %s)", prev.Fingerprint, run.Fingerprint)
	}
	return ""
}

// journaled is the journal of one bulk run, as the workers use it.
type journaled struct {
	j       Journal
	entries map[provider.Ref]JournalEntry // read only once the run starts
	resend  bool                          // ResendInDoubtRenewals
	run     JournalRun
}

// mark is the renewal mark (provider.RenewalTagKey) of item j of a
// journaled run: derived from the run's nonce and the item, so that a
// resume can look for the order an earlier session's renewal created by
// the same mark, and no other run shares it. "" when the run has no
// nonce.
func (jl *journaled) mark(j job) string {
	if jl.run.Nonce == "" {
		return ""
	}
	h := sha256.Sum256([]byte(fmt.Sprintf("%s|%d|%s", jl.run.Nonce, j.index, j.ref)))
	return "j" + hex.EncodeToString(h[:15])
}

// beginJournal starts or resumes the journal of a run, refusing a
// mismatch. It returns nil when the run is not journaled.
func (b *Broker) beginJournal(req provider.Request, refs []provider.Ref, opts BulkOptions) (*journaled, error) {
	if opts.Journal == nil || opts.DryRun || !req.Op().Mutating() {
		return nil, nil
	}
	run := journalRun(req, refsDigest(refs), len(refs), opts.Fingerprint)
	run.Nonce = rand.Text()
	var (
		prev    *JournalRun
		entries map[provider.Ref]JournalEntry
	)
	err := contained("Begin", func() (err error) {
		prev, entries, err = opts.Journal.Begin(run)
		return err
	})
	if err != nil {
		return nil, &provider.Error{Kind: provider.KindOf(err), Op: req.Op(),
			Message: "journal: " + err.Error() + "; nothing was sent", Err: err}
	}
	if prev != nil {
		if why := mismatch(*prev, run); why != "" {
			return nil, &provider.Error{Kind: provider.KindInvalidArgument, Op: req.Op(),
				Message: "journal refused: " + why + "; nothing was sent"}
		}
	}
	if prev != nil {
		run.Nonce = prev.Nonce // "" for a run recorded without one
	}
	return &journaled{j: safeJournal{opts.Journal}, entries: entries, resend: opts.ResendInDoubtRenewals, run: run}, nil
}

// contained runs one of a journal's methods, turning a panic into an
// error.
func contained(method string, f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the journal panicked in %s: %v", method, r)
		}
	}()
	return f()
}

// safeJournal is a Journal whose panics are errors: a panicking Intent
// sends nothing, a panicking Outcome leaves the item in doubt.
type safeJournal struct{ j Journal }

func (s safeJournal) Begin(run JournalRun) (prev *JournalRun, entries map[provider.Ref]JournalEntry, err error) {
	err = contained("Begin", func() (err error) {
		prev, entries, err = s.j.Begin(run)
		return err
	})
	return prev, entries, err
}

func (s safeJournal) Intent(index int, ref provider.Ref) error {
	return contained("Intent", func() error { return s.j.Intent(index, ref) })
}

func (s safeJournal) Outcome(index int, ref provider.Ref, out JournalOutcome) error {
	return contained("Outcome", func() error { return s.j.Outcome(index, ref, out) })
}

func (s safeJournal) Unsent(index int, ref provider.Ref) error {
	return contained("Unsent", func() error { return s.j.Unsent(index, ref) })
}

// fromJournal is the item of a reference whose outcome the journal holds.
func fromJournal(op provider.Op, j job, out *JournalOutcome) Item {
	it := Item{Index: j.index, Ref: j.ref, Attempts: out.Attempts, FromJournal: true}
	if out.OK {
		st, _ := provider.ParseState(out.State)
		it.Result = &Result{Result: provider.Result{Origin: j.ref.Origin, ID: j.ref.ID, Op: op, State: st,
			NativeState: out.NativeState, NewID: out.NewID, NotAfter: out.NotAfter, RequestID: out.RequestID},
			AlreadyDone: out.AlreadyDone}
		return it
	}
	it.Err = &OpError{Op: op, Ref: j.ref, Err: &provider.Error{Kind: parseKind(out.Kind), Op: op, Origin: j.ref.Origin,
		ID: j.ref.ID, Code: out.Code, Message: out.Message, RequestID: out.RequestID, HTTPStatus: out.HTTPStatus},
		Note: "recorded by an earlier session of this run (journal)"}
	return it
}

// parseKind is the Kind named s, or KindOther.
func parseKind(s string) provider.Kind {
	for k := range provider.Kind(64) {
		if k.String() == s {
			return k
		}
	}
	return provider.KindOther
}

// outcomeOf is the record of an item's outcome.
func journalOutcome(it Item) JournalOutcome {
	out := JournalOutcome{Attempts: it.Attempts, InDoubt: it.InDoubt || provider.KindOf(it.Err) == provider.KindOutcomeUnknown}
	if it.Err == nil {
		out.OK = true
		if r := it.Result; r != nil {
			out.State, out.NativeState, out.NewID, out.NotAfter = r.State.String(), r.NativeState, r.NewID, r.NotAfter
			out.RequestID, out.AlreadyDone = r.RequestID, r.AlreadyDone
		}
		return out
	}
	out.Kind, out.Message = provider.KindOf(it.Err).String(), it.Err.Error()
	if oe, ok := it.Err.(*OpError); ok && oe.Err != nil {
		out.Code, out.RequestID, out.HTTPStatus = oe.Err.Code, oe.Err.RequestID, oe.Err.HTTPStatus
		out.Message = oe.Err.Message
		if out.Message == "" && oe.Err.Err != nil {
			out.Message = oe.Err.Err.Error()
		}
		if oe.Note != "" {
			out.Message += " (" + oe.Note + ")"
		}
	}
	return out
}

// journaledItem runs one reference of a journaled run: a recorded
// outcome is reported again, an item in doubt is settled (a state read
// for cancel, revoke and delete; never re-sent for renew unless the
// caller asked), and any other is sent after its intent is recorded.
func (b *Broker) journaledItem(ctx context.Context, o *origin, req provider.Request, j job, jl *journaled) Item {
	op := req.Op()
	e := jl.entries[j.ref]
	if e.settled() {
		return fromJournal(op, j, e.Outcome)
	}
	if e.inDoubt() {
		if it, done := b.settleInDoubt(ctx, o, b.journalMarked(ctx, o, provider.WithID(req, j.ref.ID), j, jl), j, jl); done {
			if provider.KindOf(it.Err) != provider.KindCanceled || it.Err == nil {
				it.JournalErr = b.record(ctx, jl, it)
			}
			return it
		}
	}
	intent := false
	before := func() error {
		if err := jl.j.Intent(j.index, j.ref); err != nil {
			return err
		}
		intent = true
		return nil
	}
	res, n, oe := b.execJournaled(ctx, o, j.ref, b.journalMarked(ctx, o, provider.WithID(req, j.ref.ID), j, jl), before)
	it := Item{Index: j.index, Ref: j.ref, Result: res, Attempts: n}
	if oe != nil {
		it.Err = oe
		// Sent with its outcome unknown: held in doubt, for a resume
		// to settle.
		it.InDoubt = oe.Kind() == provider.KindOutcomeUnknown
	}
	switch {
	case !intent:
		// Nothing was sent, and nothing is recorded: a resume runs it
		// again (a refusal before sending is found again, cheaply).
	case n == 0 && op.CreatesOrder() && e.inDoubt():
		// A renewal an earlier session left in doubt, re-sent on request,
		// then interrupted before it went out: the earlier doubt stands
		// (nothing proved that renewal was not made), so its records stay.
	case n == 0 || (oe != nil && !it.InDoubt && ctx.Err() != nil):
		// The intent was recorded, then nothing went out; or the run
		// was interrupted (Ctrl-C) after attempts that were all proved
		// not applied: a resume sends it again.
		if err := jl.j.Unsent(j.index, j.ref); err != nil {
			b.journalFailed(ctx, j.ref, err)
			it.JournalErr = err
		}
	default:
		it.JournalErr = b.record(ctx, jl, it)
	}
	return it
}

// record writes an item's outcome to the journal, and returns the
// journal's error (logged too).
func (b *Broker) record(ctx context.Context, jl *journaled, it Item) error {
	if err := jl.j.Outcome(it.Index, it.Ref, journalOutcome(it)); err != nil {
		b.journalFailed(ctx, it.Ref, err)
		return err
	}
	return nil
}

// journalFailed logs a journal write that failed after the request: the
// item stays in doubt for a resume to settle.
func (b *Broker) journalFailed(ctx context.Context, ref provider.Ref, err error) {
	b.cfg.logger.LogAttrs(ctx, slog.LevelError, "certbroker: journal write failed; the item stays in doubt",
		slog.String("ref", ref.String()), slog.String("error", err.Error()))
}

// settleInDoubt settles an item that an earlier session may have sent.
// It returns done false when the item is to be sent normally (a state
// read proved the operation not applied, or the caller asked to re-send
// renewals in doubt).
func (b *Broker) settleInDoubt(ctx context.Context, o *origin, req provider.Request, j job, jl *journaled) (Item, bool) {
	op := req.Op()
	it := Item{Index: j.index, Ref: j.ref}
	unknown := func(msg string, read *provider.Result) (Item, bool) {
		it.InDoubt = true
		it.Err = &OpError{Op: op, Ref: j.ref, Read: read, Err: &provider.Error{Kind: provider.KindOutcomeUnknown, Op: op,
			Origin: o.name, ID: j.ref.ID, Message: msg}}
		return it, true
	}
	if op.CreatesOrder() {
		if jl.resend {
			return it, false
		}
		msg := "in doubt: an earlier session of this run recorded the intent to renew but no outcome; " +
			"not re-sent (look for a new order, then resume with re-sending of renewals in doubt if there is none)"
		res, search, note := b.searchInDoubt(ctx, o, req, j, jl.entries[j.ref].IntentAt)
		if res != nil {
			it.Result = res
			return it, true
		}
		// What the cloud shows of the old order, for the report: it
		// proves nothing either way (a renewal leaves it unchanged).
		var read *provider.Result
		if ctx.Err() == nil {
			if st, _, serr := b.exec(ctx, o, j.ref, provider.StatusRequest{ID: j.ref.ID}); serr == nil {
				r := st.Result
				read = &r
				msg += "; the order reads " + st.State.String()
			}
		}
		if note != "" {
			msg += "; " + note
		}
		it, done := unknown(msg, read)
		it.Err.(*OpError).Renewal = search
		return it, done
	}
	if ctx.Err() != nil {
		return canceledItem(ctx, op, j), true
	}
	st, _, serr := b.exec(ctx, o, j.ref, provider.StatusRequest{ID: j.ref.ID})
	if serr != nil {
		if op == provider.OpDelete && serr.Kind() == provider.KindNotFound {
			it.Result = &Result{Result: provider.Result{Origin: o.name, ID: j.ref.ID, Op: op, RequestID: serr.Err.RequestID},
				AlreadyDone: true}
			return it, true
		}
		if serr.Kind() == provider.KindCanceled {
			return canceledItem(ctx, op, j), true
		}
		return unknown("in doubt: an earlier session may have sent it, and the state could not be read: "+serr.Err.Error(), nil)
	}
	if st.ID != j.ref.ID {
		return unknown(fmt.Sprintf("in doubt: the state read to settle it named order %q, not this one", st.ID), nil)
	}
	switch o.capsFor(j.ref.ID).Evidence(op, st.State) {
	case provider.Applied:
		res := st.Result
		res.Op = op
		it.Result = &Result{Result: res, AlreadyDone: true}
		return it, true
	case provider.NotApplied:
		return it, false
	}
	r := st.Result
	return unknown(fmt.Sprintf("in doubt: an earlier session may have sent it, and the order reads %s, which proves nothing",
		st.State), &r)
}
