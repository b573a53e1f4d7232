package broker_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/certbroker/certbroker/alibaba"
	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/huawei"
	"github.com/certbroker/certbroker/huawei/huaweitest"
	"github.com/certbroker/certbroker/provider"
)

// integAccount is one registered origin of the integration test: a real
// adapter on its own emulator.
type integAccount struct {
	origin string
	seed   func(provider.State) string
	state  func(string) (provider.State, bool)
	settle func()
}

// integCase is one reference of the mixed batch and what must become of it.
type integCase struct {
	ref provider.Ref
	// fails is the kind of the expected failure; KindOther means success.
	fails provider.Kind
	// after is the state the order must be in once the emulator settles;
	// gone means it must no longer exist.
	after provider.State
	gone  bool
	// renewed is set for a renewal whose new order must exist.
	renewed bool
}

// TestIntegrationAdapters registers both real adapters, on both
// emulators, in one broker: two Alibaba accounts (two emulators with
// their own key pairs, as two accounts are two separate backends) and one
// Huawei project. It runs a mixed batch (every operation, allowed and
// refused states, an ID of the other Alibaba account, an unknown origin)
// and checks every outcome and the emulators' resulting states.
func TestIntegrationAdapters(t *testing.T) {
	t.Parallel()
	br := broker.New(broker.WithConcurrency(8))
	var accounts []*integAccount
	for _, acct := range []struct {
		origin, key, secret string
		seed                uint64
	}{
		{"alibaba-prod", "LTAIintegProd01", "integ-prod-secret", 1},
		{"alibaba-test", "LTAIintegTest02", "integ-test-secret", 2},
	} {
		// Distinct seeds give the two accounts distinct order IDs.
		s := alibabatest.NewServer(alibabatest.WithAccessKey(acct.key, acct.secret), alibabatest.WithSeed(acct.seed))
		t.Cleanup(s.Close)
		a, err := alibaba.New(alibaba.Config{Endpoint: s.URL(),
			AccessKeyID: acct.key, AccessKeySecret: acct.secret, Timeout: 10 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(a.CloseIdleConnections)
		integRegister(t, br, acct.origin, a)
		accounts = append(accounts, &integAccount{origin: acct.origin, seed: s.Seed, state: s.State, settle: func() {}})
	}
	hs := huaweitest.NewServer()
	t.Cleanup(hs.Close)
	h, err := huawei.New(huawei.Config{Endpoint: hs.URL(), ProjectID: hs.ProjectID(),
		AK: hs.AccessKeyID(), SK: hs.AccessKeySecret(), RenewByPurchase: true, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	integRegister(t, br, "huawei", h)
	accounts = append(accounts, &integAccount{origin: "huawei", seed: hs.Seed, state: hs.State, settle: hs.SettleAll})
	if got := br.Origins(); len(got) != 3 {
		t.Fatalf("Origins() = %v", got)
	}

	byOp := integPlan(accounts)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	results := map[provider.Op][]broker.Item{}
	for op, cases := range byOp {
		refs := make([]provider.Ref, len(cases))
		for i, c := range cases {
			refs[i] = c.ref
		}
		items, err := br.Do(ctx, provider.NewRequest(op, "", provider.RequestInputs{Reason: "integration"}), refs, broker.BulkOptions{})
		if len(items) != len(refs) {
			t.Fatalf("%s: %d items for %d refs (err %v)", op, len(items), len(refs), err)
		}
		results[op] = items
	}
	for _, a := range accounts {
		a.settle()
	}
	byOrigin := map[string]*integAccount{}
	for _, a := range accounts {
		byOrigin[a.origin] = a
	}
	for op, cases := range byOp {
		for i, c := range cases {
			integCheck(t, op, c, results[op][i], byOrigin[c.ref.Origin])
		}
	}
	if n := len(hs.Renewals()); n != 1 || hs.Renewals()[0].From == "" {
		t.Errorf("huawei renewals: %+v, want one, from the expiring certificate", hs.Renewals())
	}
}

// integPlan seeds the orders of the mixed batch and says what must become
// of each, per operation.
func integPlan(accounts []*integAccount) map[provider.Op][]integCase {
	prod, test, hw := accounts[0], accounts[1], accounts[2]
	ref := func(a *integAccount, s provider.State) provider.Ref {
		return provider.Ref{Origin: a.origin, ID: a.seed(s)}
	}
	ok := func(r provider.Ref, after provider.State) integCase { return integCase{ref: r, after: after} }
	bad := func(r provider.Ref, k provider.Kind, after provider.State) integCase {
		return integCase{ref: r, fails: k, after: after}
	}
	prodOnly := ref(prod, provider.StateUnderReview)
	plan := map[provider.Op][]integCase{
		provider.OpCancel: {
			ok(ref(prod, provider.StateUnderReview), provider.StateCancelled),
			ok(ref(test, provider.StateUnderReview), provider.StateCancelled),
			ok(ref(hw, provider.StateUnderReview), provider.StateCancelled),
			bad(ref(prod, provider.StateIssued), provider.KindInvalidState, provider.StateIssued),
			bad(ref(hw, provider.StatePendingApplication), provider.KindInvalidState, provider.StatePendingApplication),
			// An order of one account is unknown to the other.
			{ref: provider.Ref{Origin: test.origin, ID: prodOnly.ID}, fails: provider.KindNotFound, gone: true},
			{ref: provider.Ref{Origin: "alibaba-staging", ID: "123"}, fails: provider.KindInvalidArgument, gone: true},
		},
		provider.OpRevoke: {
			ok(ref(prod, provider.StateIssued), provider.StateRevoked),
			ok(ref(test, provider.StateExpiring), provider.StateRevoked),
			ok(ref(hw, provider.StateIssued), provider.StateRevoked),
			bad(ref(test, provider.StateRevoked), provider.KindInvalidState, provider.StateRevoked),
			bad(ref(hw, provider.StateUnderReview), provider.KindInvalidState, provider.StateUnderReview),
		},
		provider.OpDelete: {
			{ref: ref(prod, provider.StateReviewFailed), gone: true},
			{ref: ref(test, provider.StateCancelled), gone: true},
			{ref: ref(hw, provider.StateExpired), gone: true},
			bad(ref(prod, provider.StatePendingApplication), provider.KindInvalidState, provider.StatePendingApplication),
			bad(ref(hw, provider.StateUnderReview), provider.KindInvalidState, provider.StateUnderReview),
			{ref: provider.Ref{Origin: hw.origin, ID: "scs0000000000000"}, fails: provider.KindNotFound, gone: true},
			{ref: provider.Ref{Origin: prod.origin, ID: "../1"}, fails: provider.KindInvalidArgument, gone: true},
		},
		provider.OpRenew: {
			{ref: ref(prod, provider.StateExpiring), after: provider.StateExpiring, renewed: true},
			{ref: ref(hw, provider.StateExpiring), after: provider.StateExpiring, renewed: true},
			bad(ref(test, provider.StateIssued), provider.KindInvalidState, provider.StateIssued),
			bad(ref(hw, provider.StateIssued), provider.KindInvalidState, provider.StateIssued),
		},
		provider.OpStatus: {
			ok(ref(prod, provider.StateExpired), provider.StateExpired),
			ok(ref(test, provider.StateUnderReview), provider.StateUnderReview),
			ok(ref(prod, provider.StateRevoked), provider.StateRevoked),
			ok(ref(hw, provider.StateHosted), provider.StateHosted),
			ok(ref(hw, provider.StateRevoking), provider.StateRevoked),
			{ref: provider.Ref{Origin: prod.origin, ID: "9000000000000000001"}, fails: provider.KindNotFound, gone: true},
		},
	}
	plan[provider.OpCancel] = append(plan[provider.OpCancel], ok(prodOnly, provider.StateCancelled))
	return plan
}

// integCheck checks one item against its case and the emulator.
func integCheck(t *testing.T, op provider.Op, c integCase, it broker.Item, a *integAccount) {
	t.Helper()
	name := string(op) + " " + c.ref.String()
	if it.Ref != c.ref {
		t.Errorf("%s: item for %v", name, it.Ref)
		return
	}
	if c.fails != provider.KindOther {
		var oe *broker.OpError
		if !errors.As(it.Err, &oe) || !errors.Is(it.Err, c.fails) {
			t.Errorf("%s: err %v, want kind %v", name, it.Err, c.fails)
		}
	} else if it.Err != nil {
		t.Errorf("%s: %v", name, it.Err)
		return
	} else if it.Result.Origin != c.ref.Origin || it.Result.ID != c.ref.ID || it.Result.Op != op {
		t.Errorf("%s: result names %s:%s %s", name, it.Result.Origin, it.Result.ID, it.Result.Op)
	}
	if a == nil {
		return // an unregistered origin: nothing to observe
	}
	if op == provider.OpStatus && it.Err == nil {
		want := c.after
		if c.ref.Origin == "huawei" && c.after == provider.StateRevoked { // read before settling
			want = provider.StateRevoking
		}
		if it.Result.State != want {
			t.Errorf("%s: status %v, want %v", name, it.Result.State, want)
		}
	}
	st, exists := a.state(c.ref.ID)
	switch {
	case c.gone && exists:
		t.Errorf("%s: order still exists in %v", name, st)
	case !c.gone && (!exists || st != c.after):
		t.Errorf("%s: order is %v (exists %v), want %v", name, st, exists, c.after)
	}
	if c.renewed {
		if ns, ok := a.state(it.Result.NewID); !ok || ns != provider.StatePendingApplication {
			t.Errorf("%s: new order %q is %v (exists %v), want pending_application", name, it.Result.NewID, ns, ok)
		}
	}
}

// integRegister registers p with a rate that keeps the test fast.
func integRegister(t *testing.T, br *broker.Broker, name string, p provider.Provider) {
	t.Helper()
	if err := br.Register(name, p, broker.WithRate(1000, 100)); err != nil {
		t.Fatal(err)
	}
}
