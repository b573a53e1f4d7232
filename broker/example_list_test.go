package broker_test

import (
	"context"
	"fmt"
	"time"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

// List reads every origin page by page and yields one item per
// certificate, origin by origin; an origin that fails or cannot list
// yields one item with Err, and the others go on.
func ExampleBroker_List() {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	clock := providertest.WithClock(func() time.Time { return now })
	prod := providertest.NewFake(clock)
	prod.SeedWith(providertest.SeedOptions{State: provider.StateExpiring,
		NotAfter: now.AddDate(0, 0, 12), Domains: []string{"shop.example.com"}})
	prod.SeedWith(providertest.SeedOptions{State: provider.StateIssued,
		NotAfter: now.AddDate(0, 0, 200), Domains: []string{"www.example.com"}})
	eu := providertest.NewFake(clock)
	eu.SeedWith(providertest.SeedOptions{State: provider.StateExpiring,
		NotAfter: now.AddDate(0, 0, 25), Domains: []string{"api.example.com"}})

	b := broker.New()
	_ = b.Register("alibaba-prod", prod)
	_ = b.Register("huawei-eu", eu)
	_ = b.Register("legacy", struct{ provider.Provider }{providertest.NewFake()}) // cannot list

	req := provider.ListRequest{ExpiringWithin: 30 * 24 * time.Hour, Domain: "example.com"}
	for it := range b.List(context.Background(), req) {
		if it.Err != nil {
			fmt.Println(it.Origin, "failed:", provider.KindOf(it.Err))
			continue
		}
		fmt.Println(it.Ref(), it.Entry.State, it.Entry.NotAfter.Format(time.DateOnly), it.Entry.Domains)
	}
	// Output:
	// alibaba-prod:fake-1 expiring 2026-06-13 [shop.example.com]
	// huawei-eu:fake-1 expiring 2026-06-26 [api.example.com]
	// legacy failed: unsupported
}
