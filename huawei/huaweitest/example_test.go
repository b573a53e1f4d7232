package huaweitest_test

import (
	"fmt"
	"net/http"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/def"

	"github.com/certbroker/certbroker/huawei/huaweitest"
	"github.com/certbroker/certbroker/provider"
)

// CancelCertRequest is the v2 cancel-cert request: only the path's cert_id.
type CancelCertRequest struct {
	CertId string `json:"cert_id"`
}

// CancelCertResponse is its answer; the SDK needs HttpStatusCode.
type CancelCertResponse struct {
	CertId         *string `json:"cert_id,omitempty"`
	Message        *string `json:"message,omitempty"`
	HttpStatusCode int     `json:"-"`
}

// Cancel an application under review through the real SDK, then let the
// emulator's CA accept the withdrawal.
func Example() {
	s := huaweitest.NewServer()
	defer s.Close()
	id := s.Seed(provider.StateUnderReview)

	cred, err := basic.NewCredentialsBuilder().WithAk(s.AccessKeyID()).WithSk(s.AccessKeySecret()).WithProjectId(s.ProjectID()).SafeBuild()
	if err != nil {
		panic(err)
	}
	hc, err := core.NewHcHttpClientBuilder().
		WithCredentialsType("basic.Credentials").
		WithCredential(cred).
		WithEndpoints([]string{s.URL()}).
		// A User-Agent of your own: without one, the SDK's first client
		// build writes ~/.huaweicloud/application_id.
		WithHttpConfig(config.DefaultHttpConfig().WithUserAgent("my-app-tests")).
		SafeBuild()
	if err != nil {
		panic(err)
	}
	reqDef := def.NewHttpRequestDefBuilder().
		WithMethod(http.MethodPost).
		WithPath("/v2/{project_id}/scm/cert/{cert_id}/cancel-cert").
		WithResponse(new(CancelCertResponse)).
		WithContentType("application/json").
		WithRequestField(def.NewFieldDef().WithName("CertId").WithJsonTag("cert_id").WithLocationType(def.Path)).
		Build()
	out, err := hc.Sync(&CancelCertRequest{CertId: id}, reqDef)
	if err != nil {
		panic(err)
	}
	fmt.Println(*out.(*CancelCertResponse).Message)

	st, _ := s.State(id)
	fmt.Println(st)
	s.Settle(id)
	st, _ = s.State(id)
	fmt.Println(st)
	// Output:
	// success
	// cancelling
	// cancelled
}
