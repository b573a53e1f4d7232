package broker_test

import (
	"context"
	"testing"
	"time"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

// pacedLiar declares Capabilities.Paced but never calls provider.Pace.
type pacedLiar struct{ *providertest.Fake }

func (p pacedLiar) Capabilities() provider.Capabilities {
	c := p.Fake.Capabilities()
	c.Paced = true
	return c
}

// TestAdvPacedProviderThatNeverPacesIsUnlimited: a provider declares
// Capabilities.Paced and then sends its requests without calling
// provider.Pace. The origin is set to 1 request/s, burst 1; 20 Status
// calls go out at once. Promise 4: per-origin rate limits pace requests.
// Actual: the broker drops its per-operation token for a Paced provider
// (try, broker/call.go) and never notices that the attempt drew none,
// although pacer.used() already knows (p.last == nil); and the
// conformance suite (providertest) has no check that a Paced provider
// calls Pace, so such a provider passes it and runs unlimited.
func TestAdvPacedProviderThatNeverPacesIsUnlimited(t *testing.T) {
	b, clk := fastBroker(t, broker.WithConcurrency(1))
	f := providertest.NewFake(providertest.WithClock(clk.Now))
	register(t, b, "cloud", pacedLiar{f}, broker.WithRate(1, 1))
	var refs []provider.Ref
	for range 20 {
		refs = append(refs, provider.Ref{Origin: "cloud", ID: f.Seed(provider.StateIssued)})
	}
	start := clk.Now()
	if _, err := advDo(b, context.Background(), provider.OpStatus, refs, broker.BulkOptions{StatusEach: true}); err != nil {
		t.Fatal(err)
	}
	if took := clk.Now().Sub(start); took < 15*time.Second {
		t.Errorf("20 requests at 1/s took %v of clock time: the origin's rate limit was not applied", took)
	}
}
