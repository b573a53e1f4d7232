package broker_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

// noRenew is a Fake whose capabilities say Renew is unsupported.
type noRenew struct{ *providertest.Fake }

func (n noRenew) Capabilities() provider.Capabilities {
	c := n.Fake.Capabilities()
	c.Renew = provider.OpCapability{Note: "this cloud has no renew API"}
	return c
}

func TestRoutingSeveralAccounts(t *testing.T) {
	t.Parallel()
	b, _ := fastBroker(t)
	prod, test := providertest.NewFake(), providertest.NewFake() // both report origin "fake"
	register(t, b, "alibaba-prod", prod)
	register(t, b, "alibaba-test", test)
	register(t, b, "alibaba", prod) // the same account under a second name

	if got, want := b.Origins(), []string{"alibaba", "alibaba-prod", "alibaba-test"}; !slices.Equal(got, want) {
		t.Fatalf("Origins() = %v, want %v", got, want)
	}
	idProd, idTest := "fake-100", "fake-200" // Fakes number their IDs alike
	prod.SeedID(idProd, provider.StateIssued)
	test.SeedID(idTest, provider.StateUnderReview)

	ctx := context.Background()
	for _, tc := range []struct {
		origin, id string
		want       provider.State
	}{
		{"alibaba-prod", idProd, provider.StateIssued},
		{"alibaba", idProd, provider.StateIssued},
		{"alibaba-test", idTest, provider.StateUnderReview},
	} {
		res, err := b.Status(ctx, tc.origin, provider.StatusRequest{ID: tc.id})
		if err != nil {
			t.Fatalf("Status(%s:%s): %v", tc.origin, tc.id, err)
		}
		if res.Origin != tc.origin || res.ID != tc.id || res.State != tc.want {
			t.Errorf("Status(%s:%s) = %+v, want origin %s, state %v", tc.origin, tc.id, res, tc.origin, tc.want)
		}
	}
	if n, m := len(prod.Calls()), len(test.Calls()); n != 2 || m != 1 {
		t.Errorf("calls: prod %d, test %d; want 2 and 1", n, m)
	}

	// An error carries the registered name too, not the provider's own.
	_, err := b.Revoke(ctx, "alibaba-test", provider.RevokeRequest{ID: idProd})
	mustKind(t, err, provider.KindNotFound)
	var pe *provider.Error
	errors.As(err, &pe)
	if pe.Origin != "alibaba-test" || pe.ID != idProd || pe.Op != provider.OpRevoke {
		t.Errorf("error names %s:%s op %s, want alibaba-test:%s op revoke", pe.Origin, pe.ID, pe.Op, idProd)
	}
	var oe *broker.OpError
	if !errors.As(err, &oe) || oe.Ref.Origin != "alibaba-test" || oe.Op != provider.OpRevoke || len(oe.Attempts) != 1 {
		t.Errorf("OpError = %+v, want ref alibaba-test, op revoke, 1 attempt", oe)
	}
}

func TestRegisterRefusesBadInput(t *testing.T) {
	t.Parallel()
	b, _ := fastBroker(t)
	register(t, b, "huawei", providertest.NewFake())
	for _, tc := range []struct {
		name string
		p    provider.Provider
		opts []broker.RegisterOption
	}{
		{"huawei", providertest.NewFake(), nil}, // duplicate
		{"Huawei", providertest.NewFake(), nil},
		{"", providertest.NewFake(), nil},
		{"1cloud", providertest.NewFake(), nil},
		{"a:b", providertest.NewFake(), nil},
		{"nilprovider", nil, nil},
		{"zero-rate", providertest.NewFake(), []broker.RegisterOption{broker.WithRate(0, 1)}},
		{"zero-burst", providertest.NewFake(), []broker.RegisterOption{broker.WithRate(5, 0)}},
		{"zero-concurrency", providertest.NewFake(), []broker.RegisterOption{broker.WithOriginConcurrency(0)}},
	} {
		err := b.Register(tc.name, tc.p, tc.opts...)
		mustKind(t, err, provider.KindInvalidArgument)
	}
	if got := b.Origins(); !slices.Equal(got, []string{"huawei"}) {
		t.Errorf("Origins() = %v after refused registrations, want [huawei]", got)
	}
}

func TestRefusedBeforeAnyCall(t *testing.T) {
	t.Parallel()
	b, _ := fastBroker(t)
	ali, hw := providertest.NewFake(), providertest.NewFake()
	register(t, b, "alibaba", noRenew{ali})
	register(t, b, "huawei", hw)
	id := ali.Seed(provider.StateExpiring)
	ctx := context.Background()

	for _, tc := range []struct {
		name     string
		call     func() error
		kind     provider.Kind
		contains []string
	}{
		{"unknown origin", func() error {
			_, err := b.Status(ctx, "aws", provider.StatusRequest{ID: id})
			return err
		}, provider.KindInvalidArgument, []string{`"aws" is not registered`, "alibaba, huawei"}},
		{"unsupported op", func() error {
			_, err := b.Renew(ctx, "alibaba", provider.RenewRequest{ID: id})
			return err
		}, provider.KindUnsupported, []string{"does not support renew", "no renew API"}},
		{"invalid id", func() error {
			_, err := b.Delete(ctx, "huawei", provider.DeleteRequest{ID: "../x"})
			return err
		}, provider.KindInvalidArgument, []string{`".."`}},
		{"invalid origin", func() error {
			_, err := b.Cancel(ctx, "Ali", provider.CancelRequest{ID: id})
			return err
		}, provider.KindInvalidArgument, []string{"lowercase"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			mustKind(t, err, tc.kind)
			mustContain(t, err.Error(), tc.contains...)
			var oe *broker.OpError
			if !errors.As(err, &oe) || len(oe.Attempts) != 0 {
				t.Errorf("want an *OpError with no attempts, got %#v", err)
			}
		})
	}
	if n := len(ali.Calls()) + len(hw.Calls()); n != 0 {
		t.Errorf("refused input caused %d calls", n)
	}
}
