package broker_test

import (
	"context"
	"slices"
	"testing"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

// TestDuplicateRefsSentOnce: the same reference twice in one bulk renew
// creates one order, not two; every input position still gets an item,
// the repeats marked as duplicates of the first and carrying its outcome.
func TestDuplicateRefsSentOnce(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"do", "stream"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			b, _ := fastBroker(t)
			f := providertest.NewFake()
			register(t, b, "cloud", f)
			a := provider.Ref{Origin: "cloud", ID: f.Seed(provider.StateExpiring)}
			c := provider.Ref{Origin: "cloud", ID: f.Seed(provider.StateExpiring)}
			bad := provider.Ref{Origin: "cloud", ID: f.Seed(provider.StateIssued)} // not renewable
			refs := []provider.Ref{a, c, a, bad, a, bad, c}

			var items []broker.Item
			var err error
			if mode == "do" {
				items, err = b.Do(context.Background(), provider.RenewRequest{}, refs, broker.BulkOptions{})
			} else {
				err = b.Stream(context.Background(), provider.RenewRequest{}, slices.Values(refs), broker.BulkOptions{},
					func(it broker.Item) { items = append(items, it) })
			}
			if err == nil {
				t.Fatal("err = nil, want the two failures of the unrenewable ref")
			}
			if n := len(f.Renewals()); n != 2 {
				t.Errorf("%d renewals created, want 2 (one per distinct renewable ref)", n)
			}
			if n := callsOf(f)[provider.OpRenew]; n != 3 {
				t.Errorf("renew sent %d times, want 3 (once per distinct ref)", n)
			}
			if len(items) != len(refs) {
				t.Fatalf("%d items for %d refs", len(items), len(refs))
			}
			wantFirst := []int{0, 1, 0, 3, 0, 3, 1}
			for i, it := range items {
				if it.Index != i || it.Ref != refs[i] {
					t.Errorf("item %d: index %d ref %v", i, it.Index, it.Ref)
				}
				dup := wantFirst[i] != i
				if it.Duplicate != dup || (dup && it.DuplicateOf != wantFirst[i]) {
					t.Errorf("item %d: Duplicate=%v DuplicateOf=%d, want %v of %d", i, it.Duplicate, it.DuplicateOf, dup, wantFirst[i])
				}
				first := items[wantFirst[i]]
				if (it.Result == nil) == (it.Err == nil) {
					t.Errorf("item %d: want exactly one of result and error", i)
				}
				if dup && it.Attempts != 0 {
					t.Errorf("item %d: a duplicate reports %d attempts, want 0", i, it.Attempts)
				}
				if dup && it.Result != nil && (it.Result.NewID != first.Result.NewID || it.Result == first.Result) {
					t.Errorf("item %d: result %+v, want a copy of the first's (%+v)", i, it.Result, first.Result)
				}
				if dup && it.Err != nil && it.Err != first.Err {
					t.Errorf("item %d: err %v, want the first's %v", i, it.Err, first.Err)
				}
			}
		})
	}
}

// TestStreamForgottenDuplicate: a reference repeated after more distinct
// ones than Stream keeps outcomes for is still not sent again.
func TestStreamForgottenDuplicate(t *testing.T) {
	t.Parallel()
	b := broker.New(broker.WithConcurrency(8))
	f := providertest.NewFake(providertest.WithCallLogLimit(16))
	register(t, b, "cloud", f)
	first := provider.Ref{Origin: "cloud", ID: f.Seed(provider.StateIssued)}
	const between = 5000
	refs := []provider.Ref{first}
	for range between {
		refs = append(refs, provider.Ref{Origin: "cloud", ID: f.Seed(provider.StateIssued)})
	}
	refs = append(refs, first)
	var last broker.Item
	n := 0
	err := b.Stream(context.Background(), provider.StatusRequest{}, slices.Values(refs), broker.BulkOptions{},
		func(it broker.Item) { last = it; n++ })
	if n != len(refs) {
		t.Fatalf("%d items for %d refs", n, len(refs))
	}
	if got := f.CallCount(); got != between+1 {
		t.Errorf("%d status calls, want %d (the repeat is not sent)", got, between+1)
	}
	if !last.Duplicate || last.DuplicateOf != 0 {
		t.Errorf("last item %+v: want a duplicate of item 0", last)
	}
	// 5,000 distinct refs lie between: more than Stream keeps outcomes
	// for, so the repeat fails as a duplicate instead of copying one.
	if last.Result != nil {
		t.Fatalf("last item carries a result %+v, want the forgotten-duplicate error", last.Result)
	}
	mustKind(t, last.Err, provider.KindInvalidArgument)
	mustContain(t, last.Err.Error(), "duplicate of item 0")
	if err == nil {
		t.Error("Stream err = nil, want the duplicate's error")
	}
}
