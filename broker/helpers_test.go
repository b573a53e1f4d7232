package broker_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

// noJitter makes every backoff its lower bound (half the nominal value).
func noJitter() float64 { return 0 }

// fastBroker is a broker for tests: a jump clock, no jitter, and the given
// options on top.
func fastBroker(t testing.TB, opts ...broker.Option) (*broker.Broker, *jumpClock) {
	t.Helper()
	clk := newJumpClock()
	base := []broker.Option{broker.WithClock(clk), broker.WithRetry(func(p *broker.RetryPolicy) { p.Jitter = noJitter })}
	return broker.New(append(base, opts...)...), clk
}

// register registers p under name or fails the test.
func register(t testing.TB, b *broker.Broker, name string, p provider.Provider, opts ...broker.RegisterOption) {
	t.Helper()
	if err := b.Register(name, p, opts...); err != nil {
		t.Fatalf("Register(%q): %v", name, err)
	}
}

// fakeAt returns a Fake reporting origin name, on clock clk (nil: time.Now).
func fakeAt(name string, clk broker.Clock) *providertest.Fake {
	opts := []providertest.FakeOption{providertest.WithOrigin(name)}
	if clk != nil {
		opts = append(opts, providertest.WithClock(clk.Now))
	}
	return providertest.NewFake(opts...)
}

// callsOf counts the Fake's calls per operation.
func callsOf(f *providertest.Fake) map[provider.Op]int {
	m := map[provider.Op]int{}
	for _, c := range f.Calls() {
		m[c.Op]++
	}
	return m
}

// mustKind fails the test unless err has kind want and is a *provider.Error
// reachable with errors.As.
func mustKind(t testing.TB, err error, want provider.Kind) {
	t.Helper()
	if err == nil {
		t.Fatalf("err = nil, want kind %v", want)
	}
	var pe *provider.Error
	if !errors.As(err, &pe) {
		t.Fatalf("err %v (%T) does not reach a *provider.Error", err, err)
	}
	if !errors.Is(err, want) || provider.KindOf(err) != want {
		t.Fatalf("err kind = %v, want %v: %v", provider.KindOf(err), want, err)
	}
}

// mustContain fails the test unless s contains every part.
func mustContain(t testing.TB, s string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(s, p) {
			t.Errorf("%q does not contain %q", s, p)
		}
	}
}

// noIDCheck hides a provider's optional interfaces (IDChecker,
// RateAdvisor), leaving only provider.Provider.
type noIDCheck struct{ provider.Provider }

// shapeChecker is a Fake that claims a different ID shape: IDs starting
// with prefix (the Fake itself still serves only "fake-N" IDs).
type shapeChecker struct {
	*providertest.Fake
	prefix string
}

// Check checks only the claimed shape, like CheckID.
func (s shapeChecker) Check(req provider.Request) error { return s.CheckID(req.TargetID()) }

func (s shapeChecker) CheckID(id string) error {
	if !strings.HasPrefix(id, s.prefix) {
		return &provider.Error{Kind: provider.KindInvalidArgument, ID: id, Message: "not " + s.prefix + "…"}
	}
	return nil
}

// advised is a Fake that advises a rate per operation.
type advised struct {
	*providertest.Fake
	rates map[provider.Op]float64
}

func (a advised) SuggestedRate(api string) (float64, int) { return a.rates[provider.Op(api)], 1 }

// nullProvider answers every operation at once from any ID, with no state
// and no log: the cheapest possible provider, for memory and speed tests.
type nullProvider struct{}

func (nullProvider) Capabilities() provider.Capabilities {
	all := provider.OpCapability{Supported: true, From: provider.States(), Lands: provider.StateIssued, Settles: provider.StateIssued}
	return provider.Capabilities{Cancel: all, Revoke: all, Delete: all, Renew: all}
}

func (nullProvider) result(op provider.Op, id string) (*provider.Result, error) {
	return &provider.Result{Origin: "null", ID: id, Op: op, State: provider.StateIssued}, nil
}

func (n nullProvider) Cancel(_ context.Context, r provider.CancelRequest) (*provider.Result, error) {
	return n.result(provider.OpCancel, r.ID)
}

func (n nullProvider) Revoke(_ context.Context, r provider.RevokeRequest) (*provider.Result, error) {
	return n.result(provider.OpRevoke, r.ID)
}

func (n nullProvider) Delete(_ context.Context, r provider.DeleteRequest) (*provider.Result, error) {
	return n.result(provider.OpDelete, r.ID)
}

func (n nullProvider) Renew(_ context.Context, r provider.RenewRequest) (*provider.Result, error) {
	return n.result(provider.OpRenew, r.ID)
}

func (n nullProvider) Status(_ context.Context, r provider.StatusRequest) (*provider.Result, error) {
	return n.result(provider.OpStatus, r.ID)
}
