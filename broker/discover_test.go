package broker_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

// tagLimit refuses renewals with more than max tags, as a cloud's
// documented tag limit would, before sending.
type tagLimit struct {
	*providertest.Fake
	max int
}

func (l tagLimit) Check(req provider.Request) error {
	if r, ok := req.(provider.RenewRequest); ok && len(r.Tags) > l.max {
		return &provider.Error{Kind: provider.KindInvalidArgument, Message: fmt.Sprintf("%d tags, at most %d", len(r.Tags), l.max)}
	}
	return l.Fake.Check(req)
}

// badFinder proves an order it should not: the renewed order itself, or
// an ID that is not an order ID.
type badFinder struct {
	*providertest.Fake
	newID string
	panic bool
}

func (f badFinder) FindRenewal(ctx context.Context, req provider.RenewRequest, since time.Time) (*provider.RenewalSearch, error) {
	if f.panic {
		panic("finder blew up")
	}
	id := f.newID
	if id == "" {
		id = req.ID
	}
	return &provider.RenewalSearch{NewID: id, Basis: "a bad finder"}, nil
}

// TestRenewalDiscovery checks what the broker reports after a Renew whose
// outcome is unknown, for each thing a search can find.
func TestRenewalDiscovery(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		wrap    func(*providertest.Fake) provider.Provider
		tags    []provider.Tag
		applied bool  // the lost renewal created an order
		findErr error // injected into every search
		// want: "proven" (success with the created order), or the
		// note's words for an unknown outcome.
		want       string
		candidates int // len(OpError.Renewal.Candidates), when unknown
		searched   bool
	}{
		{name: "mark proves the order", applied: true, want: "proven", searched: true},

		// Nothing created: nothing carries the mark. Not a proof that
		// nothing was created (a cloud can show it late).
		{name: "nothing created", want: "no order was found", searched: true},
		// The mark does not fit the provider's tag limit: the renewal
		// goes unmarked, and the search can only name candidates.
		{name: "no room for the mark", applied: true, want: "1 candidate(s)", candidates: 1, searched: true,
			wrap: func(f *providertest.Fake) provider.Provider { return tagLimit{f, 1} },
			tags: []provider.Tag{{Key: "team", Value: "a"}}},
		{name: "search fails", applied: true, findErr: provider.ErrUnavailable, want: "looking for it failed", searched: true},
		{name: "search proves the renewed order itself", applied: true, want: "1 candidate(s)", candidates: 1,
			wrap: func(f *providertest.Fake) provider.Provider { return badFinder{Fake: f} }},
		{name: "search proves a malformed ID", applied: true, want: "1 candidate(s)", candidates: 1,
			wrap: func(f *providertest.Fake) provider.Provider { return badFinder{Fake: f, newID: "../../x"} }},
		{name: "search panics", applied: true, want: "looking for it failed",
			wrap: func(f *providertest.Fake) provider.Provider { return badFinder{Fake: f, panic: true} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b, clk := fastBroker(t)
			f := providertest.NewFake(providertest.WithClock(clk.Now))
			var p provider.Provider = f
			if tc.wrap != nil {
				p = tc.wrap(f)
			}
			register(t, b, "cloud", p)
			id := f.SeedWith(providertest.SeedOptions{State: provider.StateExpiring, Domains: []string{"www.example.com"}})
			opts := []providertest.InjectOption{providertest.Once()}
			if tc.applied {
				opts = append(opts, providertest.AfterApply())
			}
			f.InjectError(provider.OpRenew, provider.ErrOutcomeUnknown, opts...)
			if tc.findErr != nil {
				f.InjectError(provider.OpFindRenewal, tc.findErr)
			}
			res, err := b.Renew(context.Background(), "cloud", provider.RenewRequest{ID: id, Tags: tc.tags})

			calls := callsOf(f)
			if calls[provider.OpRenew] != 1 {
				t.Errorf("renew sent %d times, want 1", calls[provider.OpRenew])
			}
			if got := calls[provider.OpFindRenewal] > 0; got != tc.searched {
				t.Errorf("searched: %v, want %v", got, tc.searched)
			}
			created := f.Renewals()
			if len(created) != map[bool]int{true: 1, false: 0}[tc.applied] {
				t.Fatalf("created %v", created)
			}
			if tc.want == "proven" {
				if err != nil || !res.AlreadyDone || res.NewID != created[0].NewID || res.ID != id || res.Op != provider.OpRenew {
					t.Fatalf("res %+v, err %v: want %s proven", res, err, created[0].NewID)
				}
				return
			}
			mustKind(t, err, provider.KindOutcomeUnknown)
			mustContain(t, err.Error(), "not re-sent", tc.want)
			var oe *broker.OpError
			if !errors.As(err, &oe) {
				t.Fatalf("%T is not an *OpError", err)
			}
			if strings.HasPrefix(tc.want, "looking") {
				if oe.Renewal != nil {
					t.Errorf("a failed search reported %+v", oe.Renewal)
				}
				return
			}
			if oe.Renewal == nil || oe.Renewal.NewID != "" || len(oe.Renewal.Candidates) != tc.candidates {
				t.Fatalf("Renewal %+v, want %d candidates and no proof", oe.Renewal, tc.candidates)
			}
			if tc.candidates > 0 && tc.wrap != nil && strings.HasPrefix(tc.name, "no room") &&
				oe.Renewal.Candidates[0].ID != created[0].NewID {
				t.Errorf("candidate %s, created %s", oe.Renewal.Candidates[0].ID, created[0].NewID)
			}
			if len(created) > 0 && tc.wrap != nil && strings.HasPrefix(tc.name, "no room") && len(created[0].Tags) != 1 {
				t.Errorf("tags %v: the mark should have been left out", created[0].Tags)
			}
		})
	}
}

// TestBulkRenewalDiscovery checks that in a bulk Renew each lost renewal
// is matched to its own order by its own mark, and that renewals whose
// answer arrived are untouched.
func TestBulkRenewalDiscovery(t *testing.T) {
	t.Parallel()
	b, _ := fastBroker(t, broker.WithConcurrency(8))
	f := providertest.NewFake()
	register(t, b, "cloud", f)
	var refs []provider.Ref
	for range 40 {
		refs = append(refs, provider.Ref{Origin: "cloud", ID: f.Seed(provider.StateExpiring)})
	}
	// Every third renewal is applied and its answer lost.
	for i := 0; i < len(refs); i += 3 {
		f.InjectError(provider.OpRenew, provider.ErrOutcomeUnknown, providertest.AfterApply(), providertest.Once(), providertest.ForID(refs[i].ID))
	}
	items, err := b.Do(context.Background(), provider.RenewRequest{}, refs, broker.BulkOptions{})
	if err != nil {
		t.Fatal(err)
	}
	byFrom := map[string]string{}
	for _, r := range f.Renewals() {
		byFrom[r.From] = r.NewID
	}
	if len(byFrom) != len(refs) || len(f.Renewals()) != len(refs) {
		t.Fatalf("%d renewals for %d refs", len(f.Renewals()), len(refs))
	}
	for i, it := range items {
		if it.Err != nil || it.Result.NewID != byFrom[it.Ref.ID] || it.Result.AlreadyDone != (i%3 == 0) {
			t.Errorf("item %d: %+v err %v, created %s", i, it.Result, it.Err, byFrom[it.Ref.ID])
		}
	}
}

// TestBulkRenewalCandidatesLeaveOutSiblings checks that, in a bulk Renew
// whose lost renewal can only be searched for by candidates, the orders
// the other items reported as their own new orders are not candidates.
func TestBulkRenewalCandidatesLeaveOutSiblings(t *testing.T) {
	t.Parallel()
	b, clk := fastBroker(t, broker.WithConcurrency(1))
	f := providertest.NewFake(providertest.WithClock(clk.Now))
	register(t, b, "cloud", tagLimit{f, 0}) // no room for a mark
	var refs []provider.Ref
	for range 5 {
		refs = append(refs, provider.Ref{Origin: "cloud", ID: f.SeedWith(providertest.SeedOptions{
			State: provider.StateExpiring, Domains: []string{"www.example.com"}})})
	}
	// The last renewal is lost after it created its order; the others
	// went before it, so the search sees their orders too.
	f.InjectError(provider.OpRenew, provider.ErrOutcomeUnknown, providertest.AfterApply(), providertest.ForID(refs[4].ID))
	items, err := b.Do(context.Background(), provider.RenewRequest{}, refs, broker.BulkOptions{})
	mustKind(t, err, provider.KindOutcomeUnknown)
	var lost string
	for _, r := range f.Renewals() {
		if r.From == refs[4].ID {
			lost = r.NewID
		}
	}
	var oe *broker.OpError
	if !errors.As(items[4].Err, &oe) || oe.Renewal == nil {
		t.Fatalf("item 4: %v", items[4].Err)
	}
	if len(oe.Renewal.Candidates) != 1 || oe.Renewal.Candidates[0].ID != lost {
		t.Errorf("candidates %+v, want only %s (the siblings' orders left out)", oe.Renewal.Candidates, lost)
	}
	mustContain(t, oe.Error(), "1 candidate(s): "+lost, "4 order(s) other items of this run created left out")
	var agg *broker.OpError
	if !errors.As(err, &agg) || agg != oe {
		t.Errorf("the aggregate does not hold the item's error: %v", err)
	}
}
