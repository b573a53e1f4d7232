package broker_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

// seedMixed seeds n orders into f, cycling through every state a Fake
// order can be in, and returns their refs.
func seedMixed(f *providertest.Fake, n int) []provider.Ref {
	states := []provider.State{provider.StatePendingApplication, provider.StateIssued, provider.StateExpiring,
		provider.StateRevoked, provider.StateCancelled, provider.StateReviewFailed, provider.StateExpired}
	refs := make([]provider.Ref, n)
	for i := range refs {
		refs[i] = provider.Ref{Origin: f.Origin(), ID: f.Seed(states[i%len(states)])}
	}
	return refs
}

// TestBulkStatusReadsThroughTheList checks that a bulk Status of many
// orders of a listing origin reads their states from the list, that each
// listed state is the one a Status request reads, and how many requests
// it takes.
func TestBulkStatusReadsThroughTheList(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		inventory int // orders seeded
		refs      int // of them, asked for (the first ones)
		missing   int // valid IDs of no order, asked for too
		wantList  int // pages listed (at most)
		wantEach  int // Status requests sent
	}{
		// Every order asked for: 250 / 100 per page = 3 pages, no Status.
		{name: "whole inventory", inventory: 250, refs: 250, wantList: 3, wantEach: 0},
		// The refs are on the first page: the listing stops there.
		{name: "first page only", inventory: 1000, refs: 60, wantList: 1, wantEach: 0},
		// An order that does not exist gets its own Status, so its
		// not-found is the cloud's answer, not a missing row.
		{name: "missing orders", inventory: 120, refs: 120, missing: 3, wantList: 2, wantEach: 3},
		// Below the threshold nothing is listed.
		{name: "few refs", inventory: 50, refs: 9, wantList: 0, wantEach: 9},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := providertest.NewFake(providertest.WithOrigin("f"))
			all := seedMixed(f, tc.inventory)
			refs := append([]provider.Ref(nil), all[:tc.refs]...)
			for i := range tc.missing {
				refs = append(refs, provider.Ref{Origin: "f", ID: fmt.Sprintf("fake-9%08d", i)})
			}
			b, _ := fastBroker(t)
			register(t, b, "f", f)

			each, _ := b.Do(context.Background(), provider.StatusRequest{}, refs, broker.BulkOptions{StatusEach: true})
			before := callsOf(f)
			items, err := b.Do(context.Background(), provider.StatusRequest{}, refs, broker.BulkOptions{})
			after := callsOf(f)
			if got := after[provider.OpList] - before[provider.OpList]; got > tc.wantList || (tc.wantList > 0 && got == 0) {
				t.Errorf("listed %d pages, want %d", got, tc.wantList)
			}
			if got := after[provider.OpStatus] - before[provider.OpStatus]; got != tc.wantEach {
				t.Errorf("sent %d Status requests, want %d", got, tc.wantEach)
			}
			if tc.missing > 0 {
				mustKind(t, err, provider.KindNotFound)
			} else if err != nil {
				t.Fatalf("Do: %v", err)
			}
			for i, it := range items {
				want := each[i]
				if (it.Err == nil) != (want.Err == nil) {
					t.Fatalf("item %d: err %v, one Status each: %v", i, it.Err, want.Err)
				}
				if it.Err != nil {
					if it.Listed || provider.KindOf(it.Err) != provider.KindNotFound {
						t.Errorf("item %d: listed=%v err=%v, want a not-found from its own Status", i, it.Listed, it.Err)
					}
					continue
				}
				if it.Listed != (tc.wantList > 0) || (it.Listed && it.Attempts != 0) {
					t.Errorf("item %d: Listed=%v Attempts=%d", i, it.Listed, it.Attempts)
				}
				got, w := it.Result, want.Result
				if got.Ref() != it.Ref || got.Op != provider.OpStatus || got.State != w.State ||
					got.NativeState != w.NativeState || !got.NotAfter.Equal(w.NotAfter) || got.RequestID == "" {
					t.Errorf("item %d: %+v, one Status each: %+v", i, got.Result, w.Result)
				}
			}
		})
	}
}

// TestBulkStatusListingStopsWhenItDoesNotPay checks the bound: a few refs
// spread over a large inventory cost at most 1.1 × refs + 1 requests.
func TestBulkStatusListingStopsWhenItDoesNotPay(t *testing.T) {
	t.Parallel()
	f := providertest.NewFake(providertest.WithOrigin("f"))
	all := seedMixed(f, 5000)
	var refs []provider.Ref
	for i := 0; i < len(all); i += 250 { // 20 refs, one every 2.5 pages
		refs = append(refs, all[i])
	}
	b, _ := fastBroker(t)
	register(t, b, "f", f)
	items, err := b.Do(context.Background(), provider.StatusRequest{}, refs, broker.BulkOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := callsOf(f)
	if total := c[provider.OpList] + c[provider.OpStatus]; total > len(refs)*11/10+1 {
		t.Errorf("sent %d list and %d status requests for %d refs, want at most %d", c[provider.OpList], c[provider.OpStatus], len(refs), len(refs)*11/10+1)
	}
	if c[provider.OpList] == 0 || c[provider.OpStatus] == 0 {
		t.Errorf("calls %v: want a listing that stops early and Status for the rest", c)
	}
	for i, it := range items {
		if it.Err != nil || it.Result == nil || it.Result.ID != refs[i].ID {
			t.Errorf("item %d: %+v", i, it)
		}
	}
}

// TestBulkStatusListingFailureFallsBack checks that refs the listing did
// not reach, because a page failed for good, each get their own Status,
// and that every ref has exactly one outcome.
func TestBulkStatusListingFailureFallsBack(t *testing.T) {
	t.Parallel()
	f := providertest.NewFake(providertest.WithOrigin("f"))
	refs := seedMixed(f, 300)
	// Every page fails for good (forbidden is not retried).
	f.InjectError(provider.OpList, &provider.Error{Kind: provider.KindForbidden, Code: "Denied"})
	b, _ := fastBroker(t)
	register(t, b, "f", f)
	items, err := b.Do(context.Background(), provider.StatusRequest{}, refs, broker.BulkOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := callsOf(f)
	if c[provider.OpList] != 1 || c[provider.OpStatus] != len(refs) {
		t.Errorf("calls %v: want 1 failed list, then %d Status", c, len(refs))
	}
	for i, it := range items {
		if it.Listed || it.Err != nil || it.Result == nil || it.Result.ID != refs[i].ID || it.Attempts != 1 {
			t.Errorf("item %d: %+v", i, it)
		}
	}
}

// TestBulkStatusThroughTheListKeepsTheBulkRules checks duplicates, bad
// refs, refs of other origins, a provider hidden behind a middleware that
// does not list, and StatusEach.
func TestBulkStatusThroughTheListKeepsTheBulkRules(t *testing.T) {
	t.Parallel()
	f := providertest.NewFake(providertest.WithOrigin("f"))
	g := providertest.NewFake(providertest.WithOrigin("g"))
	refs := seedMixed(f, 40)
	gRefs := seedMixed(g, 40)
	hide := func(origin string, p provider.Provider) provider.Provider {
		if origin == "g" {
			return struct{ provider.Provider }{p} // not a Lister
		}
		return p
	}
	b, _ := fastBroker(t, broker.WithMiddleware(hide))
	register(t, b, "f", f)
	register(t, b, "g", g)
	in := append(append([]provider.Ref(nil), refs...), gRefs...)
	in = append(in, refs[3], provider.Ref{Origin: "f", ID: "not-a-fake-id"}, provider.Ref{Origin: "nowhere", ID: "fake-1"})
	items, err := b.Do(context.Background(), provider.StatusRequest{}, in, broker.BulkOptions{})
	if err == nil {
		t.Fatal("Do: nil error, want the bad refs' errors")
	}
	if len(items) != len(in) {
		t.Fatalf("%d items for %d refs", len(items), len(in))
	}
	for i, it := range items[:40] {
		if !it.Listed || it.Err != nil {
			t.Errorf("f item %d: listed=%v err=%v", i, it.Listed, it.Err)
		}
	}
	for i, it := range items[40:80] {
		if it.Listed || it.Err != nil || it.Attempts != 1 {
			t.Errorf("g item %d: listed=%v attempts=%d err=%v, want its own Status", i, it.Listed, it.Attempts, it.Err)
		}
	}
	if dup := items[80]; !dup.Duplicate || dup.DuplicateOf != 3 || dup.Result == nil || dup.Result.ID != refs[3].ID {
		t.Errorf("duplicate: %+v", dup)
	}
	mustKind(t, items[81].Err, provider.KindInvalidArgument)
	mustKind(t, items[82].Err, provider.KindInvalidArgument)
	if callsOf(g)[provider.OpList] != 0 {
		t.Error("the hidden provider was listed")
	}

	before := callsOf(f)[provider.OpList]
	items, err = b.Do(context.Background(), provider.StatusRequest{}, refs, broker.BulkOptions{StatusEach: true})
	if err != nil || callsOf(f)[provider.OpList] != before {
		t.Fatalf("StatusEach: err %v, listed %d more pages", err, callsOf(f)[provider.OpList]-before)
	}
	for i, it := range items {
		if it.Listed || it.Attempts != 1 {
			t.Errorf("StatusEach item %d: %+v", i, it)
		}
	}
}

// TestBulkStatusListingCanceled checks that a context ended during the
// listing leaves every ref with one outcome and lists nothing more.
func TestBulkStatusListingCanceled(t *testing.T) {
	t.Parallel()
	f := providertest.NewFake(providertest.WithOrigin("f"))
	refs := seedMixed(f, 300)
	ctx, cancel := context.WithCancel(context.Background())
	b, _ := fastBroker(t, broker.WithMiddleware(func(_ string, p provider.Provider) provider.Provider {
		return cancelOnList{p.(*providertest.Fake), cancel}
	}))
	register(t, b, "f", f)
	items, err := b.Do(ctx, provider.StatusRequest{}, refs, broker.BulkOptions{})
	if !errors.Is(err, context.Canceled) && provider.KindOf(err) != provider.KindCanceled {
		t.Fatalf("Do: %v, want canceled items", err)
	}
	listed := 0
	for i, it := range items {
		switch {
		case it.Listed && it.Err == nil:
			listed++
		case it.Err != nil && provider.KindOf(it.Err) == provider.KindCanceled:
		default:
			t.Errorf("item %d: %+v", i, it)
		}
	}
	if listed != 100 || callsOf(f)[provider.OpList] != 1 {
		t.Errorf("%d listed items, %d pages: want the first page's 100 and no more", listed, callsOf(f)[provider.OpList])
	}
}

// cancelOnList cancels its context after each successful page.
type cancelOnList struct {
	*providertest.Fake
	cancel context.CancelFunc
}

func (c cancelOnList) List(ctx context.Context, req provider.ListRequest) (*provider.ListPage, error) {
	p, err := c.Fake.List(ctx, req)
	c.cancel()
	return p, err
}

// TestBulkStatusListingPassesTheAuthGate checks that the listing of a
// bulk Status counts toward an origin's authentication gate: with a bad
// key, the listing and the Status requests together send at most the
// limit, and the other origin is read in full through its list.
func TestBulkStatusListingPassesTheAuthGate(t *testing.T) {
	t.Parallel()
	b, _ := fastBroker(t, broker.WithConcurrency(16))
	bad, good := fakeAt("bad", nil), fakeAt("good", nil)
	register(t, b, "bad", bad)
	register(t, b, "good", good)
	bad.InjectError(providertest.AllOps, provider.ErrUnauthorized)
	var refs []provider.Ref
	for range 100 {
		refs = append(refs, provider.Ref{Origin: "bad", ID: bad.Seed(provider.StateIssued)},
			provider.Ref{Origin: "good", ID: good.Seed(provider.StateIssued)})
	}
	items, err := b.Do(context.Background(), provider.StatusRequest{}, refs, broker.BulkOptions{})
	mustKind(t, err, provider.KindUnauthorized)
	if n := bad.CallCount(); n > broker.DefaultAuthFailureLimit {
		t.Errorf("%d calls to the origin with bad credentials, want at most %d", n, broker.DefaultAuthFailureLimit)
	}
	if c := callsOf(good); c[provider.OpList] != 1 || c[provider.OpStatus] != 0 {
		t.Errorf("good origin calls %v, want one page and no Status", c)
	}
	for i, it := range items {
		if good := i%2 == 1; good != (it.Err == nil) || good != it.Listed {
			t.Errorf("item %d (%s): listed=%v err=%v", i, it.Ref, it.Listed, it.Err)
		}
	}
}
