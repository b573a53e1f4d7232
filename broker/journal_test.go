package broker_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

// memJournal is a broker.Journal in memory: the shape a user's own store
// takes. It also remembers the order of its records.
type memJournal struct {
	mu      sync.Mutex
	run     *broker.JournalRun
	entries map[provider.Ref]broker.JournalEntry
	log     []string // "intent ref", "outcome ref", "unsent ref"
	failOn  string   // a record kind whose writes fail
	// now, when set, stamps each intent (JournalEntry.IntentAt), as the
	// file journal does with the wall clock.
	now func() time.Time
}

func (m *memJournal) Begin(run broker.JournalRun) (*broker.JournalRun, map[provider.Ref]broker.JournalEntry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.run != nil {
		prev := *m.run
		return &prev, cloneEntries(m.entries), nil
	}
	m.run, m.entries = &run, map[provider.Ref]broker.JournalEntry{}
	return nil, map[provider.Ref]broker.JournalEntry{}, nil
}

func cloneEntries(e map[provider.Ref]broker.JournalEntry) map[provider.Ref]broker.JournalEntry {
	out := make(map[provider.Ref]broker.JournalEntry, len(e))
	for k, v := range e {
		out[k] = v
	}
	return out
}

func (m *memJournal) add(kind string, ref provider.Ref, f func(*broker.JournalEntry)) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failOn == kind {
		return errors.New("disk full")
	}
	e := m.entries[ref]
	f(&e)
	m.entries[ref] = e
	m.log = append(m.log, kind+" "+ref.String())
	return nil
}

func (m *memJournal) Intent(_ int, ref provider.Ref) error {
	return m.add("intent", ref, func(e *broker.JournalEntry) {
		e.Intent = true
		if m.now != nil {
			e.IntentAt = m.now()
		}
	})
}

func (m *memJournal) Outcome(_ int, ref provider.Ref, out broker.JournalOutcome) error {
	return m.add("outcome", ref, func(e *broker.JournalEntry) { e.Outcome = &out })
}

func (m *memJournal) Unsent(_ int, ref provider.Ref) error {
	return m.add("unsent", ref, func(e *broker.JournalEntry) { e.Intent = false })
}

func (m *memJournal) has(line string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Contains(m.log, line)
}

// intentChecker fails the test when a mutating call arrives for an order
// whose intent the journal does not hold yet.
type intentChecker struct {
	provider.Provider
	t *testing.T
	j *memJournal
}

func (c intentChecker) check(id string) {
	if !c.j.has("intent fake:" + id) {
		c.t.Errorf("a mutating request for %s was sent before its intent was recorded", id)
	}
}

func (c intentChecker) Revoke(ctx context.Context, r provider.RevokeRequest) (*provider.Result, error) {
	c.check(r.ID)
	return c.Provider.Revoke(ctx, r)
}

func (c intentChecker) Renew(ctx context.Context, r provider.RenewRequest) (*provider.Result, error) {
	c.check(r.ID)
	return c.Provider.Renew(ctx, r)
}

func refsOf(origin string, ids ...string) []provider.Ref {
	out := make([]provider.Ref, len(ids))
	for i, id := range ids {
		out[i] = provider.Ref{Origin: origin, ID: id}
	}
	return out
}

func TestJournalIntentBeforeSendAndOutcomeAfter(t *testing.T) {
	t.Parallel()
	b, _ := fastBroker(t)
	f := fakeAt("fake", nil)
	j := &memJournal{}
	register(t, b, "fake", intentChecker{Provider: f, t: t, j: j})
	ids := []string{f.Seed(provider.StateIssued), f.Seed(provider.StateIssued), f.Seed(provider.StateUnderReview)}
	refs := refsOf("fake", ids...)
	refs = append(refs, refs[0]) // a duplicate is sent once, journaled once
	items, err := b.Do(context.Background(), provider.RevokeRequest{Reason: "r"}, refs, broker.BulkOptions{Journal: j})
	if len(items) != 4 {
		t.Fatalf("%d items, want 4 (err %v)", len(items), err)
	}
	mustKind(t, err, provider.KindInvalidState) // the one under review
	if !items[3].Duplicate || items[3].Err != nil {
		t.Errorf("item 3 = %+v, want a successful duplicate", items[3])
	}
	for _, it := range items {
		if it.FromJournal || it.InDoubt {
			t.Errorf("item %d of a first run: FromJournal %v InDoubt %v", it.Index, it.FromJournal, it.InDoubt)
		}
	}
	if n := callsOf(f)[provider.OpRevoke]; n != 3 {
		t.Errorf("%d revokes sent, want 3", n)
	}
	for _, id := range ids {
		for _, kind := range []string{"intent", "outcome"} {
			if !j.has(kind + " fake:" + id) {
				t.Errorf("no %s record for %s: %v", kind, id, j.log)
			}
		}
	}
	if got := len(j.log); got != 6 {
		t.Errorf("%d records, want 6 (one intent and one outcome per distinct ref): %v", got, j.log)
	}
}

func TestJournalResume(t *testing.T) {
	t.Parallel()
	b, _ := fastBroker(t)
	f := fakeAt("fake", nil)
	register(t, b, "fake", f)
	done := f.Seed(provider.StateIssued)      // outcome recorded: skipped
	never := f.Seed(provider.StateIssued)     // never started: sent
	applied := f.Seed(provider.StateRevoked)  // in doubt, reads revoked: already done
	notYet := f.Seed(provider.StateIssued)    // in doubt, reads issued: sent again
	renewed := f.Seed(provider.StateExpiring) // used by the renew run below
	refs := refsOf("fake", done, never, applied, notYet)
	req := provider.RevokeRequest{Reason: "key compromise"}

	j := &memJournal{}
	// A previous session: begun with these refs, one outcome, two intents.
	j.Begin(runOf(t, b, req, refs))
	_ = j.Intent(0, refs[0])
	_ = j.Outcome(0, refs[0], broker.JournalOutcome{OK: true, State: "revoked", RequestID: "req-old", Attempts: 1})
	_ = j.Intent(2, refs[2])
	_ = j.Intent(3, refs[3])

	items, err := b.Do(context.Background(), req, refs, broker.BulkOptions{Journal: j})
	if err != nil {
		t.Fatalf("resume: %v", err)
	}
	if it := items[0]; !it.FromJournal || it.Result == nil || it.Result.RequestID != "req-old" {
		t.Errorf("item 0 = %+v, want the recorded outcome, from the journal", it)
	}
	if it := items[2]; it.FromJournal || it.InDoubt || it.Result == nil || !it.Result.AlreadyDone {
		t.Errorf("item 2 = %+v, want already done (it reads revoked)", it)
	}
	calls := f.Calls()
	var revoked []string
	for _, c := range calls {
		if c.Op == provider.OpRevoke {
			revoked = append(revoked, c.ID)
		}
	}
	slices.Sort(revoked)
	want := []string{never, notYet}
	slices.Sort(want)
	if !slices.Equal(revoked, want) {
		t.Errorf("revoked %v, want %v (the never-started and the proved-not-applied)", revoked, want)
	}

	// A renewal in doubt is not sent again, unless asked.
	rj := &memJournal{}
	rreq := provider.RenewRequest{}
	rrefs := refsOf("fake", renewed)
	rj.Begin(runOf(t, b, rreq, rrefs))
	_ = rj.Intent(0, rrefs[0])
	items, err = b.Do(context.Background(), rreq, rrefs, broker.BulkOptions{Journal: rj})
	mustKind(t, err, provider.KindOutcomeUnknown)
	if !items[0].InDoubt || len(f.Renewals()) != 0 {
		t.Fatalf("renew in doubt: item %+v, %d renewals; want in doubt and none", items[0], len(f.Renewals()))
	}
	var roe *broker.OpError
	if !errors.As(items[0].Err, &roe) || roe.Read == nil || roe.Read.State != provider.StateExpiring {
		t.Errorf("renew in doubt: %v; want the state read (expiring) with it", items[0].Err)
	}
	// Its in-doubt outcome is recorded, and is still in doubt next time.
	items, _ = b.Do(context.Background(), rreq, rrefs, broker.BulkOptions{Journal: rj})
	if !items[0].InDoubt || len(f.Renewals()) != 0 {
		t.Fatalf("second resume: item %+v, %d renewals", items[0], len(f.Renewals()))
	}
	items, err = b.Do(context.Background(), rreq, rrefs, broker.BulkOptions{Journal: rj, ResendInDoubtRenewals: true})
	if err != nil || items[0].InDoubt || len(f.Renewals()) != 1 {
		t.Fatalf("resend: item %+v, err %v, %d renewals; want one renewal", items[0], err, len(f.Renewals()))
	}
	// Now settled: never sent again.
	items, _ = b.Do(context.Background(), rreq, rrefs, broker.BulkOptions{Journal: rj, ResendInDoubtRenewals: true})
	if !items[0].FromJournal || len(f.Renewals()) != 1 {
		t.Fatalf("after resend: item %+v, %d renewals", items[0], len(f.Renewals()))
	}
}

// runOf is the JournalRun the broker begins for req and refs, learnt from
// a fresh journal.
func runOf(t *testing.T, b *broker.Broker, req provider.Request, refs []provider.Ref) broker.JournalRun {
	t.Helper()
	probe := &memJournal{failOn: "intent"}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // nothing is sent
	if _, err := b.Do(ctx, req, refs, broker.BulkOptions{Journal: probe}); probe.run == nil {
		t.Fatalf("the broker began no journal: %v", err)
	}
	return *probe.run
}

// unknownStatus reads every order as StateUnknown, which proves nothing.
type unknownStatus struct{ provider.Provider }

func (u unknownStatus) Status(ctx context.Context, r provider.StatusRequest) (*provider.Result, error) {
	return &provider.Result{ID: r.ID, State: provider.StateUnknown, NativeState: "weird"}, nil
}

func TestJournalInDoubtWithoutEvidence(t *testing.T) {
	t.Parallel()
	b, _ := fastBroker(t)
	f := fakeAt("fake", nil)
	register(t, b, "fake", unknownStatus{f})
	refs := refsOf("fake", f.Seed(provider.StateUnderReview))
	req := provider.CancelRequest{}
	j := &memJournal{}
	j.Begin(runOf(t, b, req, refs))
	_ = j.Intent(0, refs[0])
	items, err := b.Do(context.Background(), req, refs, broker.BulkOptions{Journal: j})
	mustKind(t, err, provider.KindOutcomeUnknown)
	var oe *broker.OpError
	if !items[0].InDoubt || !errors.As(items[0].Err, &oe) || oe.Read == nil {
		t.Fatalf("item %+v: want in doubt, with the state read", items[0])
	}
	if n := callsOf(f)[provider.OpCancel]; n != 0 {
		t.Errorf("%d cancels sent, want 0", n)
	}
}

func TestJournalRefusesAnotherRun(t *testing.T) {
	t.Parallel()
	b, _ := fastBroker(t)
	f := fakeAt("fake", nil)
	register(t, b, "fake", f)
	refs := refsOf("fake", f.Seed(provider.StateIssued), f.Seed(provider.StateIssued))
	base := provider.RevokeRequest{Reason: "a"}
	for _, tc := range []struct {
		name string
		req  provider.Request
		refs []provider.Ref
		fp   string
	}{
		{"operation", provider.CancelRequest{}, refs, "cfg"},
		{"refs", base, refs[:1], "cfg"},
		{"order of refs", base, []provider.Ref{refs[1], refs[0]}, "cfg"},
		{"inputs", provider.RevokeRequest{Reason: "b"}, refs, "cfg"},
		{"configuration", base, refs, "other"},
	} {
		j := &memJournal{}
		// (The orders are revoked by the first case's run; later runs
		// fail with invalid_state, which is beside the point.)
		_, _ = b.Do(context.Background(), base, refs, broker.BulkOptions{Journal: j, Fingerprint: "cfg"})
		if j.run == nil {
			t.Fatal("no journal begun")
		}
		before := f.CallCount()
		items, err := b.Do(context.Background(), tc.req, tc.refs, broker.BulkOptions{Journal: j, Fingerprint: tc.fp})
		if items != nil {
			t.Errorf("%s: items returned for a refused journal", tc.name)
		}
		mustKind(t, err, provider.KindInvalidArgument)
		mustContain(t, err.Error(), "journal refused", "nothing was sent")
		if f.CallCount() != before {
			t.Errorf("%s: %d calls made after a refused journal", tc.name, f.CallCount()-before)
		}
	}
}

func TestJournalIntentFailureSendsNothing(t *testing.T) {
	t.Parallel()
	b, _ := fastBroker(t)
	f := fakeAt("fake", nil)
	register(t, b, "fake", f)
	refs := refsOf("fake", f.Seed(provider.StateIssued))
	j := &memJournal{failOn: "intent"}
	items, err := b.Do(context.Background(), provider.RevokeRequest{}, refs, broker.BulkOptions{Journal: j})
	if err == nil || items[0].Attempts != 0 {
		t.Fatalf("items %+v, err %v: want a failure with nothing sent", items, err)
	}
	mustContain(t, err.Error(), "journal", "disk full")
	if n := callsOf(f)[provider.OpRevoke]; n != 0 {
		t.Errorf("%d revokes sent without an intent", n)
	}
}

func TestJournalStream(t *testing.T) {
	t.Parallel()
	b, _ := fastBroker(t)
	f := providertest.NewFake(providertest.WithOrigin("fake"))
	register(t, b, "fake", f)
	refs := refsOf("fake", f.Seed(provider.StateIssued), f.Seed(provider.StateIssued))
	j := &memJournal{}
	emit := func(broker.Item) {}
	if err := b.Stream(context.Background(), provider.RevokeRequest{}, slices.Values(refs), broker.BulkOptions{Journal: j}, emit); err != nil {
		t.Fatal(err)
	}
	var from int
	err := b.Stream(context.Background(), provider.RevokeRequest{}, slices.Values(refs), broker.BulkOptions{Journal: j},
		func(it broker.Item) {
			if it.FromJournal {
				from++
			}
		})
	if err != nil || from != 2 || callsOf(f)[provider.OpRevoke] != 2 {
		t.Fatalf("resumed stream: err %v, %d from the journal, %d revokes; want nil, 2, 2", err, from, callsOf(f)[provider.OpRevoke])
	}
}

// panicJournal panics in one of its methods.
type panicJournal struct {
	memJournal
	in string
}

func (p *panicJournal) Begin(run broker.JournalRun) (*broker.JournalRun, map[provider.Ref]broker.JournalEntry, error) {
	if p.in == "Begin" {
		panic("begin exploded")
	}
	return p.memJournal.Begin(run)
}

func (p *panicJournal) Intent(i int, ref provider.Ref) error {
	if p.in == "Intent" {
		panic("intent exploded")
	}
	return p.memJournal.Intent(i, ref)
}

func (p *panicJournal) Outcome(i int, ref provider.Ref, out broker.JournalOutcome) error {
	if p.in == "Outcome" {
		panic("outcome exploded")
	}
	return p.memJournal.Outcome(i, ref, out)
}

func TestJournalPanicsContained(t *testing.T) {
	t.Parallel()
	b, _ := fastBroker(t)
	f := fakeAt("fake", nil)
	register(t, b, "fake", f)
	ctx := context.Background()

	items, err := b.Do(ctx, provider.RevokeRequest{}, refsOf("fake", f.Seed(provider.StateIssued)), broker.BulkOptions{Journal: &panicJournal{in: "Begin"}})
	if items != nil {
		t.Error("items from a run whose journal did not begin")
	}
	mustContain(t, err.Error(), "begin exploded", "nothing was sent")

	items, err = b.Do(ctx, provider.RevokeRequest{}, refsOf("fake", f.Seed(provider.StateIssued)), broker.BulkOptions{Journal: &panicJournal{in: "Intent"}})
	if err == nil || items[0].Attempts != 0 {
		t.Fatalf("a panicking Intent: %+v, %v; want a failure, nothing sent", items, err)
	}
	mustContain(t, err.Error(), "intent exploded")
	if n := callsOf(f)[provider.OpRevoke]; n != 0 {
		t.Errorf("%d revokes sent after a panicking Intent", n)
	}

	items, err = b.Do(ctx, provider.RevokeRequest{}, refsOf("fake", f.Seed(provider.StateIssued)), broker.BulkOptions{Journal: &panicJournal{in: "Outcome"}})
	if err != nil || items[0].Result == nil {
		t.Fatalf("a panicking Outcome: %+v, %v; want the revoke's success", items, err)
	}
}

// throttleThenCancel answers its first Revoke throttled (so not applied)
// and ends the run's context with it, as a Ctrl-C at that moment would.
type throttleThenCancel struct {
	provider.Provider
	cancel func()
	once   sync.Once
}

func (p *throttleThenCancel) Revoke(ctx context.Context, r provider.RevokeRequest) (*provider.Result, error) {
	first := false
	p.once.Do(func() { first = true })
	if first {
		p.cancel()
		return nil, &provider.Error{Kind: provider.KindThrottled, Message: "slow down"}
	}
	return p.Provider.Revoke(ctx, r)
}

func TestJournalInterruptedFailureIsResent(t *testing.T) {
	t.Parallel()
	b, _ := fastBroker(t)
	f := fakeAt("fake", nil)
	ctx, cancel := context.WithCancel(context.Background())
	register(t, b, "fake", &throttleThenCancel{Provider: f, cancel: cancel})
	id := f.Seed(provider.StateIssued)
	refs := refsOf("fake", id)
	j := &memJournal{}
	items, _ := b.Do(ctx, provider.RevokeRequest{}, refs, broker.BulkOptions{Journal: j})
	if provider.KindOf(items[0].Err) != provider.KindThrottled {
		t.Fatalf("interrupted run: %+v, want the throttled failure", items[0])
	}
	if e := j.entries[refs[0]]; e.Outcome != nil || e.Intent {
		t.Fatalf("an interrupted, not-applied failure was recorded: %+v", e)
	}
	items, err := b.Do(context.Background(), provider.RevokeRequest{}, refs, broker.BulkOptions{Journal: j})
	if err != nil || items[0].FromJournal {
		t.Fatalf("resume: %+v, %v; want it sent and done", items[0], err)
	}
	if st, _ := f.StateOf(id); st != provider.StateRevoked {
		t.Errorf("state %v after the resume, want revoked", st)
	}
}

// TestJournalResumeFindsRenewal checks that a resume settles a renewal an
// earlier session left in doubt by the item's journal mark: the earlier
// session's renewal created an order and its search failed; the resume
// finds the order by the same mark and reports it, sending no renewal.
func TestJournalResumeFindsRenewal(t *testing.T) {
	t.Parallel()
	b, _ := fastBroker(t)
	f := providertest.NewFake()
	register(t, b, "fake", f)
	refs := refsOf("fake", f.Seed(provider.StateExpiring), f.Seed(provider.StateExpiring))
	f.InjectError(provider.OpRenew, provider.ErrOutcomeUnknown, providertest.AfterApply(), providertest.Once(), providertest.ForID(refs[0].ID))
	f.InjectError(provider.OpFindRenewal, provider.ErrForbidden, providertest.Once())
	j := &memJournal{}
	items, err := b.Do(context.Background(), provider.RenewRequest{}, refs, broker.BulkOptions{Journal: j})
	mustKind(t, err, provider.KindOutcomeUnknown)
	if !items[0].InDoubt || items[1].Err != nil || len(f.Renewals()) != 2 {
		t.Fatalf("first session: items %+v, %d renewals", items, len(f.Renewals()))
	}
	created := f.Renewals()[0]
	if created.From != refs[0].ID || !strings.HasPrefix(provider.RenewalMark(created.Tags), "j") {
		t.Fatalf("renewal %+v: want the journal's mark", created)
	}

	items, err = b.Do(context.Background(), provider.RenewRequest{}, refs, broker.BulkOptions{Journal: j})
	if err != nil {
		t.Fatalf("resume: %v", err)
	}
	if it := items[0]; it.InDoubt || it.FromJournal || it.Result == nil || !it.Result.AlreadyDone || it.Result.NewID != created.NewID {
		t.Errorf("resumed item %+v (%+v): want %s found by the mark", it, it.Result, created.NewID)
	}
	if !items[1].FromJournal || len(f.Renewals()) != 2 || callsOf(f)[provider.OpRenew] != 2 {
		t.Errorf("resume re-sent a renewal: %d renewals, %d renew calls", len(f.Renewals()), callsOf(f)[provider.OpRenew])
	}
	// Settled now: the next resume reports it from the journal.
	items, _ = b.Do(context.Background(), provider.RenewRequest{}, refs, broker.BulkOptions{Journal: j})
	if !items[0].FromJournal || items[0].Result == nil || items[0].Result.NewID != created.NewID {
		t.Errorf("second resume: %+v", items[0])
	}
}

// TestJournalOutcomeWriteFailureIsReported checks that an outcome the
// journal could not record is on the item (JournalErr), beside the
// item's own outcome, and that the next run holds it in doubt.
func TestJournalOutcomeWriteFailureIsReported(t *testing.T) {
	t.Parallel()
	b, _ := fastBroker(t)
	f := providertest.NewFake()
	register(t, b, "fake", f)
	refs := refsOf("fake", f.Seed(provider.StateIssued), f.Seed(provider.StateIssued))
	j := &memJournal{failOn: "outcome"}
	items, err := b.Do(context.Background(), provider.RevokeRequest{}, refs, broker.BulkOptions{Journal: j})
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	for i, it := range items {
		if it.Err != nil || it.Result == nil || it.JournalErr == nil || !strings.Contains(it.JournalErr.Error(), "disk full") {
			t.Errorf("item %d: err %v, result %v, JournalErr %v: want the revoke done and the journal's error", i, it.Err, it.Result, it.JournalErr)
		}
	}
	j.mu.Lock()
	j.failOn = ""
	j.mu.Unlock()
	items, _ = b.Do(context.Background(), provider.RevokeRequest{}, refs, broker.BulkOptions{Journal: j})
	for i, it := range items {
		// Held in doubt, then settled by the state read (revoked).
		if it.FromJournal || it.Err != nil || it.Result == nil || !it.Result.AlreadyDone || it.JournalErr != nil {
			t.Errorf("resume item %d: %+v", i, it)
		}
	}
	if n := callsOf(f)[provider.OpRevoke]; n != 2 {
		t.Errorf("%d revokes sent, want 2 (none again)", n)
	}
}
