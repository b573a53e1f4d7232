package alibabatest_test

import (
	"fmt"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/cas"

	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/provider"
)

// Drive the emulator with the real Alibaba Cloud SDK: cancel an
// application under review, then look at it from both sides.
func Example() {
	s := alibabatest.NewServer()
	defer s.Close()
	id := s.Seed(provider.StateUnderReview)

	cfg := sdk.NewConfig()
	cfg.Scheme = "HTTP" // the emulator is plain HTTP on loopback
	client, err := cas.NewClientWithOptions("cn-hangzhou", cfg,
		credentials.NewStaticAKCredentialsProvider(s.AccessKeyID(), s.AccessKeySecret()))
	if err != nil {
		panic(err)
	}
	client.Domain = s.Endpoint()

	cancel := cas.CreateCancelOrderRequestRequest()
	cancel.OrderId = requests.Integer(id)
	if _, err := client.CancelOrderRequest(cancel); err != nil {
		panic(err)
	}

	describe := cas.CreateDescribeCertificateStateRequest()
	describe.OrderId = requests.Integer(id)
	resp, err := client.DescribeCertificateState(describe)
	if err != nil {
		panic(err)
	}
	st, _ := s.State(id)
	fmt.Println("Type:", resp.Type)
	fmt.Println("State:", st)
	fmt.Println("requests:", s.RequestCount())
	// Output:
	// Type: payed
	// State: cancelled
	// requests: 2
}
