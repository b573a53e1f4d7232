// Command bulkrenew renews a batch of certificates across two clouds with
// one bulk call, reports progress as items finish, and sorts the failures
// by what the caller should do about them.
//
// It runs against the cloud emulators in process, with a few orders that
// cannot be renewed and two renewals whose answers are lost, so every
// branch of the failure handling shows: the lost Huawei purchase is found
// by the tag the broker put on it, and the lost Alibaba renewal, whose
// list shows no tags, is reported with its candidates.
//
//	go run ./examples/bulkrenew
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/certbroker/certbroker/alibaba"
	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/huawei"
	"github.com/certbroker/certbroker/huawei/huaweitest"
	"github.com/certbroker/certbroker/provider"
	"github.com/hashicorp/go-multierror"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, out io.Writer) error {
	b, refs, cleanup, err := setup()
	if err != nil {
		return err
	}
	defer cleanup()

	fmt.Fprintf(out, "renewing %d certificates\n", len(refs))
	items, err := b.Do(ctx, provider.RenewRequest{}, refs, broker.BulkOptions{
		// Called after each item, one call at a time.
		Progress: func(p broker.Progress) {
			if p.Done == p.Total {
				fmt.Fprintf(out, "progress: %d/%d done, %d failed\n", p.Done, p.Total, p.Failed)
			}
		},
	})

	// Items are in input order; the successful ones carry the new order.
	renewed := 0
	for _, it := range items {
		if it.Err == nil {
			renewed++
			how := ""
			if it.Result.AlreadyDone {
				how = " (the answer was lost; found by its renewal tag)"
			}
			fmt.Fprintf(out, "renewed %s -> new order %s%s\n", it.Ref, it.Result.NewID, how)
		}
	}

	// The error aggregates every failed item's *broker.OpError.
	var merr *multierror.Error
	if errors.As(err, &merr) {
		for _, e := range merr.Errors {
			var oe *broker.OpError
			if !errors.As(e, &oe) {
				return e
			}
			fmt.Fprintf(out, "failed  %s: %s: %s\n", oe.Ref, oe.Kind(), advice(e))
		}
	} else if err != nil {
		return err
	}
	fmt.Fprintf(out, "%d renewed, %d failed\n", renewed, len(items)-renewed)
	return nil
}

// advice says what to do about a failed renewal, by kind.
func advice(err error) string {
	switch {
	case errors.Is(err, provider.ErrOutcomeUnknown):
		// Never blindly retry: the first attempt may have created an
		// order. The broker looked for it; what it found is on the error.
		var oe *broker.OpError
		if errors.As(err, &oe) && oe.Renewal != nil && len(oe.Renewal.Candidates) > 0 {
			return fmt.Sprintf("the new order may exist: %d candidate(s) by %s; check them before renewing again",
				len(oe.Renewal.Candidates), oe.Renewal.Basis)
		}
		return "the new order may exist; look for it before renewing again"
	case errors.Is(err, provider.ErrInvalidState):
		return "not renewable now (outside the renewal window?); skip"
	case errors.Is(err, provider.ErrNotFound):
		return "no such order; check the reference"
	case errors.Is(err, provider.ErrThrottled), errors.Is(err, provider.ErrUnavailable):
		return "transient; retry later"
	default:
		return err.Error()
	}
}

// setup starts the emulators, seeds the orders and builds the broker. Each
// emulator loses the answer to one renewal (an HTTP 500 after the new
// order was created).
func setup() (*broker.Broker, []provider.Ref, func(), error) {
	aliCloud := alibabatest.NewServer()
	hwCloud := huaweitest.NewServer()
	cleanup := func() { aliCloud.Close(); hwCloud.Close() }
	hwCloud.InjectFault(huaweitest.Fault{Action: huaweitest.ActionPurchase, Kind: huaweitest.FaultServerError, AfterApply: true, Times: 1})
	aliCloud.InjectFault(alibabatest.Fault{Action: alibabatest.ActionRenew, Kind: alibabatest.FaultServerError, AfterApply: true, Times: 1})

	ali, err := alibaba.New(alibaba.Config{Endpoint: aliCloud.URL(),
		AccessKeyID: aliCloud.AccessKeyID(), AccessKeySecret: aliCloud.AccessKeySecret()})
	if err != nil {
		cleanup()
		return nil, nil, nil, err
	}
	hw, err := huawei.New(huawei.Config{Endpoint: hwCloud.URL(), ProjectID: hwCloud.ProjectID(),
		AK: hwCloud.AccessKeyID(), SK: hwCloud.AccessKeySecret(), RenewByPurchase: true})
	if err != nil {
		cleanup()
		return nil, nil, nil, err
	}
	// By default the broker paces each origin at the rate its adapter
	// advises from the cloud's documented quotas (Huawei purchases: 1/s).
	// A local emulator has no quota, so lift the limit here.
	b := broker.New(broker.WithConcurrency(4))
	noLimit := broker.WithRate(broker.Unlimited, 1)
	if err := errors.Join(b.Register("alibaba", ali, noLimit), b.Register("huawei", hw, noLimit)); err != nil {
		cleanup()
		return nil, nil, nil, err
	}

	var refs []provider.Ref
	for _, st := range []provider.State{provider.StateExpiring, provider.StateExpiring, provider.StateExpiring, provider.StateIssued} {
		refs = append(refs, provider.Ref{Origin: "alibaba", ID: aliCloud.Seed(st)})
	}
	refs = append(refs, provider.Ref{Origin: "alibaba", ID: "99999999999"})
	for range 3 {
		refs = append(refs, provider.Ref{Origin: "huawei", ID: hwCloud.Seed(provider.StateExpiring)})
	}
	return b, refs, cleanup, nil
}
