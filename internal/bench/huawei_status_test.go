package bench

import (
	"context"
	"fmt"
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	scm "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/scm/v3"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/scm/v3/model"

	"github.com/certbroker/certbroker/huawei"
	"github.com/certbroker/certbroker/huawei/huaweitest"
	"github.com/certbroker/certbroker/provider"
)

// BenchmarkHuaweiStatus compares, side by side in one process, the Huawei
// adapter's Status of an issued certificate with the same read made
// directly through the SDK's own SCM v3 client (ScmClient.ShowCertificate,
// basic credentials, default HTTP config plus a User-Agent) against the
// same emulator. Both are one GET /v3/scm/certificates/{id}; the adapter
// adds ID checks, pacing, its context transport, the lenient decode and
// the state mapping. Rounds interleave the two (CERTBROKER_BENCH_ROUNDS);
// the benchmark prints medians and ratios at the end.
func BenchmarkHuaweiStatus(b *testing.B) {
	s := huaweitest.NewServer()
	b.Cleanup(s.Close)
	id := s.Seed(provider.StateIssued)

	cred, err := basic.NewCredentialsBuilder().WithAk(s.AccessKeyID()).WithSk(s.AccessKeySecret()).WithProjectId(s.ProjectID()).SafeBuild()
	if err != nil {
		b.Fatal(err)
	}
	hc, err := scm.ScmClientBuilder().
		WithEndpoints([]string{s.URL()}).
		WithCredential(cred).
		WithHttpConfig(config.DefaultHttpConfig().WithUserAgent("certbroker-bench")).
		SafeBuild()
	if err != nil {
		b.Fatal(err)
	}
	sdk := scm.NewScmClient(hc)
	a, err := huawei.New(huawei.Config{Endpoint: s.URL(), ProjectID: s.ProjectID(), AK: s.AccessKeyID(), SK: s.AccessKeySecret()})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	direct := func() error {
		resp, err := sdk.ShowCertificate(&model.ShowCertificateRequest{CertificateId: id})
		if err == nil && (resp.Status == nil || resp.NotAfter == nil || *resp.NotAfter == "") {
			return fmt.Errorf("no status or not_after in %+v", resp)
		}
		return err
	}
	adapter := func() error {
		res, err := a.Status(ctx, provider.StatusRequest{ID: id})
		if err == nil && (res.State != provider.StateIssued || res.NotAfter.IsZero()) {
			return fmt.Errorf("state %s NotAfter %v", res.State, res.NotAfter)
		}
		return err
	}
	res := samples{}
	for r := 1; r <= rounds(b); r++ {
		for _, p := range []struct {
			name string
			call func() error
		}{{"a_sdk_v3", direct}, {"b_adapter", adapter}} {
			b.Run(fmt.Sprintf("round=%d/path=%s", r, p.name), func(b *testing.B) {
				res.loop(b, p.name, p.call)
			})
		}
	}
	if len(res["a_sdk_v3"]) > 0 && len(res["b_adapter"]) > 0 {
		fmt.Printf("--- huawei status, issued\n%s", res.table("a_sdk_v3", "b_adapter"))
	}
}
