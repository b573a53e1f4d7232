package reliability

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/certbroker/certbroker/alibaba"
	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/huawei"
	"github.com/certbroker/certbroker/huawei/huaweitest"
	"github.com/certbroker/certbroker/provider"
)

// TestAdv2SeedReproducible: two emulators with the same seed, driven by
// the same sequential calls, produce the same IDs, request IDs and fault
// draws.
func TestAdv2SeedReproducible(t *testing.T) {
	t.Parallel()
	ali := func() string {
		s := alibabatest.NewServer(alibabatest.WithSeed(42))
		defer s.Close()
		s.InjectFault(alibabatest.Fault{Kind: alibabatest.FaultServerError, Probability: 0.5})
		a, err := alibaba.New(alibaba.Config{Endpoint: s.URL(), AccessKeyID: s.AccessKeyID(), AccessKeySecret: s.AccessKeySecret()})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for range 6 {
			id := s.Seed(provider.StateIssued)
			for range 3 {
				_, err := a.Status(context.Background(), provider.StatusRequest{ID: id})
				fmt.Fprintf(&b, "%s %v;", id, provider.KindOf(err))
			}
		}
		for _, r := range s.Requests() {
			fmt.Fprintf(&b, "%s %s %d %v|", r.Action, r.RequestID, r.HTTPStatus, r.Fault)
		}
		return b.String()
	}
	hw := func() string {
		s := huaweitest.NewServer(huaweitest.WithSeed(42))
		defer s.Close()
		s.InjectFault(huaweitest.Fault{Kind: huaweitest.FaultServerError, Probability: 0.5})
		a, err := huawei.New(huawei.Config{Endpoint: s.URL(), ProjectID: s.ProjectID(), AK: s.AccessKeyID(), SK: s.AccessKeySecret()})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for range 6 {
			id := s.Seed(provider.StateIssued)
			for range 3 {
				_, err := a.Status(context.Background(), provider.StatusRequest{ID: id})
				fmt.Fprintf(&b, "%s %v;", id, provider.KindOf(err))
			}
		}
		for _, r := range s.Requests() {
			fmt.Fprintf(&b, "%s %s %d %v|", r.Action, r.RequestID, r.HTTPStatus, r.Fault)
		}
		return b.String()
	}
	if x, y := ali(), ali(); x != y {
		t.Errorf("alibaba runs differ:\n%s\n%s", x, y)
	}
	if x, y := hw(), hw(); x != y {
		t.Errorf("huawei runs differ:\n%s\n%s", x, y)
	}
}
