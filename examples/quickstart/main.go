// Command quickstart shows certbroker's library in a few dozen lines: both
// cloud adapters behind one broker, addressed by "origin:id" references.
//
// It runs against the two cloud emulators, started in process on loopback,
// so it needs no cloud account. Against the real clouds, build the adapters'
// configs with alibaba.ConfigFromEnv and huawei.ConfigFromEnv instead and
// leave Endpoint empty.
//
//	go run ./examples/quickstart
package main

import (
	"context"
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
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, out io.Writer) error {
	// Two emulators standing in for the clouds, each with one issued
	// certificate.
	aliCloud := alibabatest.NewServer()
	defer aliCloud.Close()
	hwCloud := huaweitest.NewServer()
	defer hwCloud.Close()
	aliID := aliCloud.Seed(provider.StateIssued)
	hwID := hwCloud.Seed(provider.StateIssued)

	// One adapter per cloud account.
	ali, err := alibaba.New(alibaba.Config{
		Endpoint:        aliCloud.URL(), // omit for the real cloud
		AccessKeyID:     aliCloud.AccessKeyID(),
		AccessKeySecret: aliCloud.AccessKeySecret(),
	})
	if err != nil {
		return err
	}
	hw, err := huawei.New(huawei.Config{
		Endpoint:  hwCloud.URL(), // omit for the real cloud
		ProjectID: hwCloud.ProjectID(),
		AK:        hwCloud.AccessKeyID(),
		SK:        hwCloud.AccessKeySecret(),
	})
	if err != nil {
		return err
	}

	// One broker routes by origin name, retries and rate-limits.
	b := broker.New()
	if err := b.Register("alibaba", ali); err != nil {
		return err
	}
	if err := b.Register("huawei", hw); err != nil {
		return err
	}

	for _, s := range []string{"alibaba:" + aliID, "huawei:" + hwID} {
		ref, err := b.Resolve(s)
		if err != nil {
			return err
		}
		st, err := b.Status(ctx, ref.Origin, provider.StatusRequest{ID: ref.ID})
		if err != nil {
			return err
		}
		rv, err := b.Revoke(ctx, ref.Origin, provider.RevokeRequest{ID: ref.ID, Reason: "key compromise"})
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%s: was %s, revoke -> %s\n", ref, st.State, rv.State)
	}

	// Errors carry a portable kind: revoking twice is an invalid state.
	_, err = b.Revoke(ctx, "alibaba", provider.RevokeRequest{ID: aliID})
	fmt.Fprintf(out, "revoking again: invalid state = %v\n", provider.KindOf(err) == provider.KindInvalidState)
	return nil
}
