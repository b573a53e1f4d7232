package reliability

import (
	"context"
	"testing"
	"time"

	"github.com/certbroker/certbroker/alibaba"
	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/huawei"
	"github.com/certbroker/certbroker/huawei/huaweitest"
	"github.com/certbroker/certbroker/provider"
)

// TestAdv2AfterApplyWithLatency: Fault.AfterApply is documented the same
// in both emulators ("applies the request's state change first and then
// fails the response: the change happened"), and Latency "is waited out
// before the fault is rendered". Huawei applies, then waits; Alibaba
// waits first and applies only if the client is still there, so a client
// that gives up during the latency leaves the Alibaba order unchanged:
// AfterApply did not apply, and the two emulators disagree.
func TestAdv2AfterApplyWithLatency(t *testing.T) {
	t.Parallel()
	// Huawei
	hs := huaweitest.NewServer()
	defer hs.Close()
	hid := hs.Seed(provider.StateIssued)
	hs.InjectFault(huaweitest.Fault{Action: huaweitest.ActionRevoke, Kind: huaweitest.FaultServerError, AfterApply: true, Latency: time.Second})
	ha, err := huawei.New(huawei.Config{Endpoint: hs.URL(), ProjectID: hs.ProjectID(), AK: hs.AccessKeyID(), SK: hs.AccessKeySecret()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	_, herr := ha.Revoke(ctx, provider.RevokeRequest{ID: hid})
	cancel()
	hst, _ := hs.State(hid)

	// Alibaba
	as := alibabatest.NewServer()
	defer as.Close()
	aid := as.Seed(provider.StateIssued)
	as.InjectFault(alibabatest.Fault{Action: alibabatest.ActionRevoke, Kind: alibabatest.FaultServerError, AfterApply: true, Latency: time.Second})
	aa, err := alibaba.New(alibaba.Config{Endpoint: as.URL(), AccessKeyID: as.AccessKeyID(), AccessKeySecret: as.AccessKeySecret()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel = context.WithTimeout(context.Background(), 200*time.Millisecond)
	_, aerr := aa.Revoke(ctx, provider.RevokeRequest{ID: aid})
	cancel()
	time.Sleep(100 * time.Millisecond)
	ast, _ := as.State(aid)

	t.Logf("huawei: %v -> %v; alibaba: %v -> %v", provider.KindOf(herr), hst, provider.KindOf(aerr), ast)
	if hst == provider.StateIssued {
		t.Errorf("huawei: AfterApply revoke left the certificate %v", hst)
	}
	if ast == provider.StateIssued {
		t.Errorf("alibaba: AfterApply revoke left the order %v: the fault waited out its latency before applying, and the client left", ast)
	}
}
