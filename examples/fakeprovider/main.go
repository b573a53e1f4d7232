// Command fakeprovider shows how to test your own code that uses certbroker
// without a cloud or an emulator: write it against provider.Provider, and
// hand it providertest.Fake in tests. The Fake follows the same life cycle
// as the real adapters, can be seeded in any state, and can be made to fail.
//
// The code under test here is revokeExpiring, which revokes every
// certificate in its renewal window. main runs it against a seeded Fake;
// main_test.go tests it, failures included.
//
//	go run ./examples/fakeprovider
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

// revokeExpiring revokes each of ids whose certificate is expiring, and
// returns the IDs it revoked. It keeps going past failures and returns them
// joined. In production p is an *alibaba.Adapter or *huawei.Adapter.
func revokeExpiring(ctx context.Context, p provider.Provider, ids []string, reason string) ([]string, error) {
	var revoked []string
	var errs []error
	for _, id := range ids {
		st, err := p.Status(ctx, provider.StatusRequest{ID: id})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if st.State != provider.StateExpiring {
			continue
		}
		if _, err := p.Revoke(ctx, provider.RevokeRequest{ID: id, Reason: reason}); err != nil {
			errs = append(errs, err)
			continue
		}
		revoked = append(revoked, id)
	}
	return revoked, errors.Join(errs...)
}

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// run seeds a Fake with one order in each of a few states and runs
// revokeExpiring over them.
func run(ctx context.Context, out io.Writer) error {
	fake := providertest.NewFake(providertest.WithOrigin("alibaba"))
	var ids []string
	for _, st := range []provider.State{provider.StateIssued, provider.StateExpiring, provider.StateUnderReview, provider.StateExpiring} {
		ids = append(ids, fake.Seed(st))
	}
	revoked, err := revokeExpiring(ctx, fake, ids, "superseded")
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "revoked %v\n", revoked)
	for _, id := range ids {
		st, _ := fake.StateOf(id)
		fmt.Fprintf(out, "%s: %s\n", id, st)
	}
	return nil
}
