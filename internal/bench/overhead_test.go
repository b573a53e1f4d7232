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
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/def"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"

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

	a, err := alibaba.New(alibaba.Config{Origin: "alibaba", Endpoint: s.URL(),
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

// hwDetails is the part of the v2 certificate details the direct path
// decodes: the status, as the adapter does.
type hwDetails struct {
	CertID         string `json:"cert_id"`
	Status         string `json:"status"`
	HttpStatusCode int    `json:"-"` // set by the SDK, by name
}

// hwCertReq fills {cert_id}.
type hwCertReq struct {
	CertID string `json:"cert_id"`
}

// hwDetailsDef is GET /v2/{project_id}/scm/cert/{cert_id}; the SDK keeps
// the decoded response in the definition, so it is built per call.
func hwDetailsDef() *def.HttpRequestDef {
	return def.NewHttpRequestDefBuilder().
		WithMethod("GET").
		WithPath("/v2/{project_id}/scm/cert/{cert_id}").
		WithResponse(new(hwDetails)).
		WithContentType("application/json").
		WithRequestField(def.NewFieldDef().WithName("CertID").WithJsonTag("cert_id").WithLocationType(def.Path)).
		Build()
}

// hwPaths builds the three paths for a Huawei certificate seeded in st.
// direct is the SDK core client with the default HTTP config and a
// custom request definition, as the SDK documents for APIs it lacks.
func hwPaths(b *testing.B, st provider.State) statusPaths {
	s := huaweitest.NewServer()
	b.Cleanup(s.Close)
	id := s.Seed(st)

	cred, err := basic.NewCredentialsBuilder().WithAk(s.AK()).WithSk(s.SK()).WithProjectId(s.ProjectID()).SafeBuild()
	if err != nil {
		b.Fatal(err)
	}
	hc, err := core.NewHcHttpClientBuilder().
		WithCredentialsType("basic.Credentials").
		WithCredential(cred).
		WithEndpoints([]string{s.URL()}).
		WithHttpConfig(config.DefaultHttpConfig().WithUserAgent("certbroker-bench")).
		WithErrorHandler(sdkerr.DefaultErrorHandler{}).
		SafeBuild()
	if err != nil {
		b.Fatal(err)
	}

	a, err := huawei.New(huawei.Config{Origin: "huawei", Endpoint: s.URL(), ProjectID: s.ProjectID(), AK: s.AK(), SK: s.SK()})
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
			out, err := hc.Sync(&hwCertReq{CertID: id}, hwDetailsDef())
			if err == nil && out.(*hwDetails).Status == "" {
				return fmt.Errorf("no status in %+v", out)
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
// Alibaba adapter parses the returned certificate for NotAfter, and the
// Huawei adapter makes a second request (the certificate list) because
// the v2 details carry no expiry.
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
