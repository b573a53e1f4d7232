package huawei_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/certbroker/certbroker/huawei"
	"github.com/certbroker/certbroker/huawei/huaweitest"
	"github.com/certbroker/certbroker/provider"
)

// A real account: credentials and project from the environment
// (HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK, HUAWEICLOUD_SDK_PROJECT_ID and
// optionally HUAWEICLOUD_SDK_REGION).
func ExampleNew() {
	cfg, err := huawei.ConfigFromEnv(os.LookupEnv)
	if err != nil {
		log.Fatal(err)
	}
	a, err := huawei.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	res, err := a.Status(ctx, provider.StatusRequest{ID: "scs1481110651012"})
	switch {
	case errors.Is(err, provider.ErrNotFound):
		fmt.Println("no such certificate")
	case err != nil:
		log.Fatal(err)
	default:
		fmt.Println(res.Ref(), res.State, res.NativeState, res.NotAfter)
	}
}

// Against the emulator: withdraw an application under review, then watch
// it settle.
func ExampleAdapter_Cancel() {
	srv := huaweitest.NewServer()
	defer srv.Close()
	id := srv.Seed(provider.StateUnderReview)

	a, err := huawei.New(huawei.Config{
		Endpoint:  srv.URL(),
		ProjectID: srv.ProjectID(),
		AK:        srv.AccessKeyID(),
		SK:        srv.AccessKeySecret(),
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	res, err := a.Cancel(ctx, provider.CancelRequest{ID: id})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("cancel:", res.State)

	srv.Settle(id) // the CA accepts the withdrawal
	res, err = a.Status(ctx, provider.StatusRequest{ID: id})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("status:", res.State, res.NativeState)

	_, err = a.Delete(ctx, provider.DeleteRequest{ID: id})
	fmt.Println("delete:", provider.KindOf(err).String())
	// Output:
	// cancel: cancelling
	// status: pending_application PAID
	// delete: invalid_state
}
