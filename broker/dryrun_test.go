package broker_test

import (
	"context"
	"testing"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

// TestDryRun checks that a dry run reports what a real run would refuse,
// and sends no mutating call.
func TestDryRun(t *testing.T) {
	t.Parallel()
	for _, check := range []bool{false, true} {
		b, _ := fastBroker(t)
		f := providertest.NewFake()
		register(t, b, "alibaba", noRenew{f})
		register(t, b, "huawei", shapeChecker{Fake: providertest.NewFake(), prefix: "scs"})
		issued := f.Seed(provider.StateIssued)
		review := f.Seed(provider.StateUnderReview)
		refs := []provider.Ref{
			{Origin: "alibaba", ID: issued},            // ok
			{Origin: "alibaba", ID: review},            // wrong state: only seen with CheckState
			{Origin: "alibaba", ID: "fake-404"},        // missing: only seen with CheckState
			{Origin: "alibaba", ID: "12345"},           // not the Fake's ID shape
			{Origin: "huawei", ID: "fake-1"},           // not Huawei's shape
			{Origin: "gcp", ID: issued},                // unknown origin
			{Origin: "alibaba", ID: "a%2Fb"},           // fails provider.ValidateID
			{Origin: "huawei", ID: "scs1481110651012"}, // ok (shape only; never called)
		}
		want := []provider.Kind{provider.KindOther, provider.KindOther, provider.KindOther,
			provider.KindInvalidArgument, provider.KindInvalidArgument, provider.KindInvalidArgument,
			provider.KindInvalidArgument, provider.KindOther}
		if check {
			want[1], want[2] = provider.KindInvalidState, provider.KindNotFound
			refs, want = refs[:7], want[:7] // the huawei fake has no such order
		}
		items, _ := b.Do(context.Background(), provider.RevokeRequest{}, refs, broker.BulkOptions{DryRun: true, CheckState: check})
		for i, it := range items {
			if want[i] == provider.KindOther {
				if it.Err != nil || it.Result == nil || it.Result.Ref() != refs[i] || it.Result.Op != provider.OpRevoke {
					t.Errorf("check=%v item %d: %+v, want a dry-run result for %v", check, i, it, refs[i])
				}
				continue
			}
			mustKind(t, it.Err, want[i])
		}
		if check && items[0].Result.State != provider.StateIssued {
			t.Errorf("dry run with CheckState reported state %v, want issued", items[0].Result.State)
		}
		// Renew is unsupported at alibaba: refused in a dry run too.
		items, _ = b.Do(context.Background(), provider.RenewRequest{}, refs[:1], broker.BulkOptions{DryRun: true, CheckState: check})
		mustKind(t, items[0].Err, provider.KindUnsupported)

		for _, c := range f.Calls() {
			if c.Op.Mutating() {
				t.Errorf("check=%v: dry run sent %s %s", check, c.Op, c.ID)
			}
		}
		wantStatus := 0
		if check {
			wantStatus = 3 // the three well-formed alibaba references
		}
		if got := callsOf(f)[provider.OpStatus]; got != wantStatus {
			t.Errorf("check=%v: %d status calls, want %d", check, got, wantStatus)
		}
		if st, _ := f.StateOf(issued); st != provider.StateIssued {
			t.Errorf("dry run changed the order to %v", st)
		}
	}
}

// reasonLimit is a Fake that, like Huawei, refuses a revoke reason over
// ten characters before sending anything, and says so through
// provider.Checker.
type reasonLimit struct{ *providertest.Fake }

func (r reasonLimit) check(req provider.Request) error {
	if rr, ok := req.(provider.RevokeRequest); ok && len(rr.Reason) > 10 {
		return &provider.Error{Kind: provider.KindInvalidArgument, Op: provider.OpRevoke, ID: rr.ID, Message: "reason too long"}
	}
	return r.Fake.Check(req)
}

func (r reasonLimit) Check(req provider.Request) error { return r.check(req) }

func (r reasonLimit) Revoke(ctx context.Context, req provider.RevokeRequest) (*provider.Result, error) {
	if err := r.check(req); err != nil {
		return nil, err
	}
	return r.Fake.Revoke(ctx, req)
}

// TestDryRunUsesChecker: a dry run refuses what the real call would refuse
// before sending, so "would revoke" is never followed by invalid_argument.
func TestDryRunUsesChecker(t *testing.T) {
	t.Parallel()
	b, _ := fastBroker(t)
	f := providertest.NewFake()
	register(t, b, "cloud", reasonLimit{f})
	refs := []provider.Ref{{Origin: "cloud", ID: f.Seed(provider.StateIssued)}}
	for _, tc := range []struct {
		reason string
		ok     bool
	}{{"short", true}, {"a reason that is far too long", false}} {
		dry, _ := b.Do(context.Background(), provider.RevokeRequest{Reason: tc.reason}, refs, broker.BulkOptions{DryRun: true})
		if (dry[0].Err == nil) != tc.ok {
			t.Errorf("reason %q: dry run err %v, want ok=%v", tc.reason, dry[0].Err, tc.ok)
		}
		if !tc.ok {
			mustKind(t, dry[0].Err, provider.KindInvalidArgument)
			real, _ := b.Do(context.Background(), provider.RevokeRequest{Reason: tc.reason}, refs, broker.BulkOptions{})
			mustKind(t, real[0].Err, provider.KindInvalidArgument)
		}
	}
	if n := callsOf(f)[provider.OpRevoke]; n != 0 {
		t.Errorf("%d revokes reached the backend, want 0", n)
	}
}
