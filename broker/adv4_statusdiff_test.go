package broker_test

import (
	"context"
	"testing"
	"time"

	"github.com/certbroker/certbroker/alibaba"
	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/huawei"
	"github.com/certbroker/certbroker/huawei/huaweitest"
	"github.com/certbroker/certbroker/provider"
)

// TestAdv4BulkStatusListAgreesWithStatusEach reads the same orders of
// both real adapters on their emulators through the list and with one
// Status each, and compares State and NotAfter item by item (Item.Listed
// promises "State, the normalized state, is the same either way").
func TestAdv4BulkStatusListAgreesWithStatusEach(t *testing.T) {
	t.Parallel()
	now := time.Now()
	ali := alibabatest.NewServer()
	t.Cleanup(ali.Close)
	aa, err := alibaba.New(alibaba.Config{Endpoint: ali.URL(), AccessKeyID: ali.AccessKeyID(), AccessKeySecret: ali.AccessKeySecret()})
	if err != nil {
		t.Fatal(err)
	}
	hw := huaweitest.NewServer()
	t.Cleanup(hw.Close)
	ha, err := huawei.New(huawei.Config{Endpoint: hw.URL(), ProjectID: hw.ProjectID(), AK: hw.AccessKeyID(), SK: hw.AccessKeySecret()})
	if err != nil {
		t.Fatal(err)
	}
	var aliRefs, hwRefs []provider.Ref
	for range 2 {
		for _, st := range alibabatest.States() {
			aliRefs = append(aliRefs, provider.Ref{Origin: "ali", ID: ali.Seed(st)})
		}
		for _, o := range []alibabatest.Order{
			{Type: alibabatest.TypeProcess},
			{Status: alibabatest.StatusNotActivated},
			{Type: alibabatest.TypeCertificate, NotAfter: now.Add(30*24*time.Hour - time.Minute)},
			{Type: alibabatest.TypeCertificate, NotAfter: now.Add(30*24*time.Hour + time.Hour)},
			{Status: alibabatest.StatusRevoked, NotAfter: now.Add(10 * 24 * time.Hour)},
			{Type: alibabatest.TypePayed, OrderType: alibabatest.OrderTypeBuy},
		} {
			aliRefs = append(aliRefs, provider.Ref{Origin: "ali", ID: ali.SeedOrder(o)})
		}
		for _, st := range huaweitest.States() {
			hwRefs = append(hwRefs, provider.Ref{Origin: "hw", ID: hw.Seed(st)})
		}
		for _, c := range []huaweitest.Cert{
			{Status: huaweitest.StatusSupplementChecking, NotAfter: now.Add(200 * 24 * time.Hour)},
			{Status: huaweitest.StatusCancelSupplementing, NotAfter: now.Add(10 * 24 * time.Hour)},
			{Status: huaweitest.StatusCancelRevoking, NotAfter: now.Add(200 * 24 * time.Hour)},
			{Status: huaweitest.StatusIssuing},
			{Status: huaweitest.StatusIssued, NotAfter: now.Add(10 * 24 * time.Hour), Source: huaweitest.SourceFree},
			{Status: huaweitest.StatusUpload, NotAfter: now.Add(10 * 24 * time.Hour)},
			{Status: huaweitest.StatusUnpaid},
		} {
			hwRefs = append(hwRefs, provider.Ref{Origin: "hw", ID: hw.SeedCert(c)})
		}
		hwRefs = append(hwRefs, provider.Ref{Origin: "hw", ID: hw.SeedListed(provider.StateIssued, now.Add(-time.Hour))})
	}
	br := broker.New(broker.WithConcurrency(8))
	register(t, br, "ali", aa, broker.WithRate(broker.Unlimited, 1))
	register(t, br, "hw", ha, broker.WithRate(broker.Unlimited, 1))
	refs := append(aliRefs, hwRefs...)
	ctx := context.Background()
	each, _ := br.Do(ctx, provider.StatusRequest{}, refs, broker.BulkOptions{StatusEach: true})
	listed, _ := br.Do(ctx, provider.StatusRequest{}, refs, broker.BulkOptions{})
	n := 0
	for i := range refs {
		e, l := each[i], listed[i]
		if l.Listed {
			n++
		}
		if (e.Err == nil) != (l.Err == nil) {
			t.Errorf("%s: each err=%v, listed=%v err=%v", refs[i], e.Err, l.Listed, l.Err)
			continue
		}
		if e.Err != nil {
			continue
		}
		if e.Result.State != l.Result.State || !e.Result.NotAfter.Truncate(time.Second).Equal(l.Result.NotAfter.Truncate(time.Second)) {
			t.Errorf("%s: Status says %s (%s, NotAfter %v); listed=%v says %s (%s, NotAfter %v)", refs[i],
				e.Result.State, e.Result.NativeState, e.Result.NotAfter, l.Listed, l.Result.State, l.Result.NativeState, l.Result.NotAfter)
		}
	}
	if n == 0 {
		t.Fatal("nothing was listed")
	}
}
