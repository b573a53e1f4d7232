package broker_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/certbroker/certbroker/huawei"
	"github.com/certbroker/certbroker/huawei/huaweitest"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

// TestAdv4JournalMarkReusedAcrossRuns: a journaled renewal's mark is not
// unique to the renewal.
//
// Promise broken: provider.RenewalTagKey's value is "unique to the
// renewal", and the outcome rule says a Renew is a success only with
// proof that it was applied ("the one order carrying the renewal's own
// mark proves it").
//
// Actual: the journal mark (broker/journal.go, journaled.mark) is derived
// only from the run's identity (op, inputs digest, refs digest,
// fingerprint) and the item; it holds nothing unique to the run (no run
// ID, no random part). The CLI journals every renew in a fresh file with
// the same fingerprint, so running the same renewal again (a second
// journal, same ref, same tags/CSR, same config) sends the same mark. If
// that second renewal is lost and NOT applied, FindRenewal finds exactly
// one order with the mark, the first run's, and the broker reports the
// second renewal as done (AlreadyDone, NewID = the old order).
//
// Cause: broker/journal.go journaled.mark (the hash input), used by
// broker/discover.go journalMarked.
func TestAdv4JournalMarkReusedAcrossRuns(t *testing.T) {
	t.Parallel()
	b, _ := fastBroker(t)
	f := providertest.NewFake()
	register(t, b, "cloud", f)
	refs := []provider.Ref{{Origin: "cloud", ID: f.Seed(provider.StateExpiring)}}
	ctx := context.Background()
	opts := broker.BulkOptions{Fingerprint: "config-v1"}

	// Run 1, its own journal: the renewal succeeds.
	opts.Journal = &memJournal{}
	items, err := b.Do(ctx, provider.RenewRequest{}, refs, opts)
	if err != nil || items[0].Result == nil {
		t.Fatalf("run 1: %v", err)
	}
	first := items[0].Result.NewID

	// Run 2, a new journal (a new CLI run): the renewal's answer is lost
	// and it was not applied (no order created).
	f.InjectError(provider.OpRenew, provider.ErrOutcomeUnknown, providertest.Once())
	opts.Journal = &memJournal{}
	items, err = b.Do(ctx, provider.RenewRequest{}, refs, opts)
	if n := len(f.Renewals()); n != 1 {
		t.Fatalf("%d orders created, want 1 (run 2 created none)", n)
	}
	if err == nil {
		t.Fatalf("run 2, which created no order, reported success: %+v (NewID %s is run 1's order %s)",
			items[0].Result.Result, items[0].Result.NewID, first)
	}
	mustKind(t, err, provider.KindOutcomeUnknown)
}

// TestAdv4BulkSharedCallerMark: a caller's mark on a bulk Renew's
// template is kept on every item, so it is shared, not unique.
//
// Promise broken: outcome rule (as above): "the one order carrying the
// renewal's own RenewalTagKey mark proves it".
//
// Actual: Do with RenewRequest{Tags: [certbroker-renewal=batch]} (the CLI
// allows --tag certbroker-renewal=...) sends the same mark with every
// ref's renewal. Ref A renews; ref B's renewal is lost and not applied;
// B's search finds exactly one order with the mark, A's new order, and
// B is reported as renewed (AlreadyDone) with A's order as its NewID.
//
// Cause: broker/discover.go markRenewal / journalMarked keep a caller's
// mark ("A caller's own mark is kept") even in a bulk call, where one
// template mark cannot be unique per renewal; the finders (Fake
// FindRenewal in provider/providertest/fake_renewal.go, huawei
// findMarked) do not check the order was renewed from req.ID.
func TestAdv4BulkSharedCallerMark(t *testing.T) {
	t.Parallel()
	b, _ := fastBroker(t, broker.WithConcurrency(1))
	f := providertest.NewFake()
	register(t, b, "cloud", f)
	a := f.Seed(provider.StateExpiring)
	bID := f.Seed(provider.StateExpiring)
	refs := []provider.Ref{{Origin: "cloud", ID: a}, {Origin: "cloud", ID: bID}}
	f.InjectError(provider.OpRenew, provider.ErrOutcomeUnknown, providertest.Once(), providertest.ForID(bID))
	req := provider.RenewRequest{Tags: []provider.Tag{{Key: provider.RenewalTagKey, Value: "batch-2026"}}}
	// Fixed: the key is reserved for the broker; the call is refused
	// before anything is sent.
	items, err := b.Do(context.Background(), req, refs, broker.BulkOptions{})
	mustKind(t, err, provider.KindInvalidArgument)
	if items != nil || len(f.Renewals()) != 0 || f.CallCount() != 0 {
		t.Fatalf("items %v, renewals %+v, %d calls: want the call refused", items, f.Renewals(), f.CallCount())
	}
	_, err = b.Renew(context.Background(), "cloud", provider.RenewRequest{ID: a, Tags: req.Tags})
	mustKind(t, err, provider.KindInvalidArgument)
	if f.CallCount() != 0 {
		t.Errorf("a single Renew with the reserved key was sent")
	}
}

// TestAdv4JournalMarkReusedAcrossRunsHuawei is the same over the real
// Huawei adapter and emulator: run 2's purchase is reset before it was
// applied, and its search by tag must not find run 1's certificate.
func TestAdv4JournalMarkReusedAcrossRunsHuawei(t *testing.T) {
	t.Parallel()
	hs := huaweitest.NewServer()
	t.Cleanup(hs.Close)
	h, err := huawei.New(huawei.Config{Endpoint: hs.URL(), ProjectID: hs.ProjectID(),
		AK: hs.AccessKeyID(), SK: hs.AccessKeySecret(), RenewByPurchase: true, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	b := broker.New()
	register(t, b, "huawei", h, broker.WithRate(broker.Unlimited, 1))
	refs := []provider.Ref{{Origin: "huawei", ID: hs.Seed(provider.StateExpiring)}}
	ctx := context.Background()
	opts := broker.BulkOptions{Fingerprint: "config-v1", Journal: &memJournal{}}
	items, err := b.Do(ctx, provider.RenewRequest{}, refs, opts)
	if err != nil || items[0].Result == nil || items[0].Result.NewID == "" {
		t.Fatalf("run 1: %v", err)
	}
	first := items[0].Result.NewID

	hs.InjectFault(huaweitest.Fault{Action: huaweitest.ActionPurchase, Kind: huaweitest.FaultReset, Times: 1})
	opts.Journal = &memJournal{}
	items, err = b.Do(ctx, provider.RenewRequest{}, refs, opts)
	if n := len(hs.Purchases()); n != 1 {
		t.Fatalf("%d purchases, want 1 (run 2 bought nothing)", n)
	}
	if err == nil {
		t.Fatalf("run 2, which bought nothing, reported success: NewID %s (run 1's is %s)", items[0].Result.NewID, first)
	}
	mustKind(t, err, provider.KindOutcomeUnknown)
	var oe *broker.OpError
	if !errors.As(err, &oe) || oe.Renewal == nil || oe.Renewal.NewID != "" || len(oe.Renewal.Candidates) != 0 {
		t.Errorf("run 2's search: %+v, want nothing found", oe.Renewal)
	}
}

// sinceRecorder records the since of every renewal search.
type sinceRecorder struct {
	tagLimit
	mu     sync.Mutex
	sinces []time.Time
}

func (r *sinceRecorder) FindRenewal(ctx context.Context, req provider.RenewRequest, since time.Time) (*provider.RenewalSearch, error) {
	r.mu.Lock()
	r.sinces = append(r.sinces, since)
	r.mu.Unlock()
	return r.tagLimit.FindRenewal(ctx, req, since)
}

// TestAdv4ResumeSearchSinceZero: a resume's search for a renewal in
// doubt must look from the time the intent was recorded.
//
// Was: broker/discover.go searchInDoubt built an execution without
// sentAt, so discover passes time.Time{}. A search without a mark (the
// provider had no room for it, or Alibaba, whose search is always
// unmarked) then names every order of the right state ever created:
// here last year's renewal of the same order is named as a candidate on
// resume, though the same search in the session that sent the renewal
// did not name it. On Alibaba it reads up to 50 pages and names every
// PAYED order, with a Basis of "bought since 0000-12-31T23:55:00Z". No
// false proof (candidates only), so severity low; the journal records no
// intent time to do better.
//
// Fixed: JournalEntry.IntentAt (kept by the file journal and by this
// test's memJournal) is the resume's since.
func TestAdv4ResumeSearchSinceZero(t *testing.T) {
	t.Parallel()
	b, clk := fastBroker(t)
	f := fakeAt("cloud", clk)
	p := &sinceRecorder{tagLimit: tagLimit{f, 0}} // no room for a mark
	register(t, b, "cloud", p)
	id := f.Seed(provider.StateExpiring)
	ctx := context.Background()
	// Last year's renewal of the same order.
	old, err := f.Renew(ctx, provider.RenewRequest{ID: id})
	if err != nil {
		t.Fatal(err)
	}
	_ = clk.Sleep(ctx, 365*24*time.Hour)

	j := &memJournal{now: clk.Now} // a journal that keeps the intent's time
	refs := []provider.Ref{{Origin: "cloud", ID: id}}
	f.InjectError(provider.OpRenew, provider.ErrOutcomeUnknown, providertest.Once())
	if _, err := b.Do(ctx, provider.RenewRequest{}, refs, broker.BulkOptions{Journal: j}); err == nil {
		t.Fatal("session 1: want an unknown outcome")
	}
	_, err = b.Do(ctx, provider.RenewRequest{}, refs, broker.BulkOptions{Journal: j}) // resume
	var oe *broker.OpError
	if !errors.As(err, &oe) {
		t.Fatalf("resume: %v", err)
	}
	p.mu.Lock()
	sinces := slices.Clone(p.sinces)
	p.mu.Unlock()
	if len(sinces) != 2 {
		t.Fatalf("searches %v, want 2", sinces)
	}
	if sinces[1].IsZero() {
		t.Errorf("resume searched with since = zero time (session 1 used %v)", sinces[0])
	}
	if oe.Renewal != nil && slices.ContainsFunc(oe.Renewal.Candidates, func(e provider.ListEntry) bool { return e.ID == old.NewID }) {
		t.Errorf("resume names last year's renewal %s as a candidate: %+v", old.NewID, oe.Renewal.Candidates)
	}
}
