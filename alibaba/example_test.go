package alibaba_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"os"

	"github.com/certbroker/certbroker/alibaba"
	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/provider"
)

// A production adapter: credentials from ALIBABA_CLOUD_ACCESS_KEY_ID and
// ALIBABA_CLOUD_ACCESS_KEY_SECRET (and optionally
// ALIBABA_CLOUD_SECURITY_TOKEN, ALIBABA_CLOUD_REGION_ID), HTTPS to the
// SDK's endpoint for the region.
func ExampleNew() {
	cfg, err := alibaba.ConfigFromEnv(os.LookupEnv)
	if err != nil {
		log.Fatal(err) // names every missing variable
	}
	a, err := alibaba.New(cfg, alibaba.WithLogger(slog.Default()))
	if err != nil {
		log.Fatal(err)
	}
	res, err := a.Status(context.Background(), provider.StatusRequest{ID: "123451222"})
	switch {
	case errors.Is(err, provider.ErrNotFound):
		fmt.Println("no such order")
	case err != nil:
		log.Fatal(err)
	default:
		fmt.Println(res.State, res.NotAfter)
	}
}

// The adapter against the emulator, as in tests: cancel an application
// under review, see Alibaba report it as payed, delete it.
func ExampleNew_emulator() {
	s := alibabatest.NewServer()
	defer s.Close()
	a, err := alibaba.New(alibaba.Config{
		Endpoint:        s.URL(), // http is accepted on loopback only
		AccessKeyID:     s.AccessKeyID(),
		AccessKeySecret: s.AccessKeySecret(),
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	id := s.Seed(provider.StateUnderReview)

	res, err := a.Cancel(ctx, provider.CancelRequest{ID: id})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("cancel:", res.State)

	res, err = a.Status(ctx, provider.StatusRequest{ID: id})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("status:", res.State, res.NativeState)

	res, err = a.Delete(ctx, provider.DeleteRequest{ID: id})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("deleted:", res.Op == provider.OpDelete)

	_, err = a.Status(ctx, provider.StatusRequest{ID: id})
	fmt.Println("not found:", errors.Is(err, provider.ErrNotFound))
	// Output:
	// cancel: cancelled
	// status: pending_application payed
	// deleted: true
	// not found: true
}
