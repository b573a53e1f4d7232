package bench

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/cas"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	scm "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/scm/v3"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/scm/v3/model"

	"github.com/certbroker/certbroker/alibaba"
	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/huawei"
	"github.com/certbroker/certbroker/huawei/huaweitest"
	"github.com/certbroker/certbroker/provider"
)

// statusPaths are the three ways of making the same Status, each a
// function that makes one call.
type statusPaths struct {
	direct, adapter, broker func() error
}

// aliPaths builds the three paths for an Alibaba order seeded in st.
// direct is the cas client as a user would build it: HTTP to the
// emulator, SDK retries off, everything else at the SDK's defaults.
func aliPaths(b *testing.B, st provider.State) statusPaths {
	s := alibabatest.NewServer()
	b.Cleanup(s.Close)
	id := s.Seed(st)
	n, _ := strconv.ParseInt(id, 10, 64)

	cfg := sdk.NewConfig()
	cfg.Scheme = "HTTP"
	cfg.AutoRetry = false
	cfg.MaxRetryTime = 0
	c, err := cas.NewClientWithOptions("cn-hangzhou", cfg,
		credentials.NewStaticAKCredentialsProvider(s.AccessKeyID(), s.AccessKeySecret()))
	if err != nil {
		b.Fatal(err)
	}
	c.Domain = s.Endpoint()

	a, err := alibaba.New(alibaba.Config{Endpoint: s.URL(),
		AccessKeyID: s.AccessKeyID(), AccessKeySecret: s.AccessKeySecret()})
	if err != nil {
		b.Fatal(err)
	}
	br := broker.New()
	if err := br.Register("alibaba", a, broker.WithRate(broker.Unlimited, 1)); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	ref := provider.Ref{Origin: "alibaba", ID: id}
	return statusPaths{
		direct: func() error {
			req := cas.CreateDescribeCertificateStateRequest()
			req.OrderId = requests.NewInteger64(n)
			_, err := c.DescribeCertificateState(req)
			return err
		},
		adapter: func() error {
			_, err := a.Status(ctx, provider.StatusRequest{ID: id})
			return err
		},
		broker: func() error {
			_, err := br.Status(ctx, ref.Origin, provider.StatusRequest{ID: ref.ID})
			return err
		},
	}
}

// hwPaths builds the three paths for a Huawei certificate seeded in st.
// direct is the SDK's own SCM v3 client (ShowCertificate, the v3 details
// that the adapter's Status reads).
func hwPaths(b *testing.B, st provider.State) statusPaths {
	s := huaweitest.NewServer()
	b.Cleanup(s.Close)
	id := s.Seed(st)

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
	br := broker.New()
	if err := br.Register("huawei", a, broker.WithRate(broker.Unlimited, 1)); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	ref := provider.Ref{Origin: "huawei", ID: id}
	return statusPaths{
		direct: func() error {
			resp, err := sdk.ShowCertificate(&model.ShowCertificateRequest{CertificateId: id})
			if err == nil && (resp.Status == nil || *resp.Status == "") {
				return fmt.Errorf("no status in %+v", resp)
			}
			return err
		},
		adapter: func() error {
			_, err := a.Status(ctx, provider.StatusRequest{ID: id})
			return err
		},
		broker: func() error {
			_, err := br.Status(ctx, ref.Origin, provider.StatusRequest{ID: ref.ID})
			return err
		},
	}
}

// BenchmarkOverhead measures one Status per cloud three ways, side by
// side in one process: (a) direct, the bare SDK against the emulator;
// (b) adapter; (c) broker + adapter. Sub-benchmarks are named
// cloud=…/state=…/round=…/path=… and run round by round, each round
// running the three paths in turn (set CERTBROKER_BENCH_ROUNDS for more
// than one round). At the end it logs, per cloud and state, the medians
// and the ratios (b)/(a) and (c)/(a).
//
// State under_review is the like-for-like case: one request on every
// path. State issued shows extra work the adapter does by design: the
// Alibaba adapter reads NotAfter from the returned certificate, and the
// Huawei adapter parses not_after from the v3 details (one request, as
// on the direct path).
func BenchmarkOverhead(b *testing.B) {
	type setup struct {
		cloud string
		build func(*testing.B, provider.State) statusPaths
	}
	n := rounds(b)
	for _, cl := range []setup{{"alibaba", aliPaths}, {"huawei", hwPaths}} {
		for _, st := range []provider.State{provider.StateUnderReview, provider.StateIssued} {
			p := cl.build(b, st)
			res := samples{}
			prefix := "cloud=" + cl.cloud + "/state=" + st.String()
			for r := 1; r <= n; r++ {
				for _, path := range []struct {
					name string
					call func() error
				}{{"a_direct", p.direct}, {"b_adapter", p.adapter}, {"c_broker", p.broker}} {
					b.Run(fmt.Sprintf("%s/round=%d/path=%s", prefix, r, path.name), func(b *testing.B) {
						res.loop(b, path.name, path.call)
					})
				}
			}
			// Printed, not logged: a parent benchmark's log is not shown.
			if len(res["a_direct"]) == 0 {
				continue // filtered out by -bench
			}
			fmt.Printf("--- %s\n%s", prefix, res.table("a_direct", "b_adapter", "c_broker"))
		}
	}
}
