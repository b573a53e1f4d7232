package reliability

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/certbroker/certbroker/alibaba"
	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/huawei"
	"github.com/certbroker/certbroker/provider"
)

// TestBadKeyFailsFast: with a wrong Huawei secret key, a bulk run of 200
// refs sends at most 5 requests to that origin (Huawei locks an AK/SK for
// five minutes after more than five authentication failures in a row),
// and the other origin's items in the same run all go through.
func TestBadKeyFailsFast(t *testing.T) {
	t.Parallel()
	hw, srv := newHuawei(t, hwOptions{origin: "huawei", timeout: 5 * time.Second})
	ali, _ := newAlibaba(t, aliOptions{origin: "alibaba", timeout: 5 * time.Second, pool: 16})
	bad, err := huawei.New(huawei.Config{Endpoint: srv.URL(), ProjectID: srv.ProjectID(),
		AK: srv.AccessKeyID(), SK: "not-the-secret-key-of-this-account", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	br := broker.New(broker.WithConcurrency(16))
	for name, p := range map[string]provider.Provider{"huawei": bad, "alibaba": ali.p} {
		if err := br.Register(name, p, broker.WithRate(broker.Unlimited, 1)); err != nil {
			t.Fatal(err)
		}
	}
	var refs []provider.Ref
	for i := range 250 {
		if i%5 == 4 {
			refs = append(refs, provider.Ref{Origin: "alibaba", ID: ali.seed(provider.StateIssued)})
			continue
		}
		refs = append(refs, provider.Ref{Origin: "huawei", ID: hw.seed(provider.StateIssued)})
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	items, err := br.Do(ctx, provider.StatusRequest{}, refs, broker.BulkOptions{})
	if err == nil {
		t.Fatal("err = nil with a wrong key")
	}
	sent := srv.RequestCount()
	t.Logf("huawei: %d requests for 200 refs with a wrong key; bulk error: %v", sent, err)
	if sent > 5 {
		t.Errorf("%d requests reached the origin with a wrong key, want at most 5", sent)
	}
	for _, it := range items {
		switch {
		case it.Ref.Origin == "alibaba" && it.Err != nil:
			t.Errorf("alibaba item failed: %v", it.Err)
		case it.Ref.Origin == "huawei" && provider.KindOf(it.Err) != provider.KindUnauthorized:
			t.Errorf("huawei item: %v, want unauthorized", it.Err)
		}
	}
	if k := provider.KindOf(err); k != provider.KindUnauthorized {
		t.Errorf("KindOf(bulk error) = %v, want unauthorized", k)
	}
}

// TestWrongEndpointFailsFast: an Alibaba adapter pointed at the wrong
// endpoint (the Huawei emulator, which has no such API) sends at most 3
// requests in a 100-ref bulk status, and every item fails as not sent.
func TestWrongEndpointFailsFast(t *testing.T) {
	t.Parallel()
	_, wrong := newHuawei(t, hwOptions{origin: "huawei"})
	a, err := alibaba.New(alibaba.Config{Endpoint: wrong.URL(), AccessKeyID: "id", AccessKeySecret: "secret",
		Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	br := broker.New(broker.WithConcurrency(16))
	if err := br.Register("alibaba", a, broker.WithRate(broker.Unlimited, 1)); err != nil {
		t.Fatal(err)
	}
	var refs []provider.Ref
	for i := range 100 {
		refs = append(refs, provider.Ref{Origin: "alibaba", ID: strconv.Itoa(10000100001 + i)})
	}
	items, err := br.Do(context.Background(), provider.StatusRequest{}, refs, broker.BulkOptions{})
	if err == nil {
		t.Fatal("err = nil against the wrong endpoint")
	}
	sent := wrong.RequestCount()
	t.Logf("%d requests reached the wrong endpoint for 100 refs; last item: %v", sent, items[99].Err)
	if sent > broker.DefaultAuthFailureLimit {
		t.Errorf("%d requests reached the wrong endpoint, want at most %d", sent, broker.DefaultAuthFailureLimit)
	}
	if items[99].Attempts != 0 {
		t.Errorf("the last item was sent (%d attempts)", items[99].Attempts)
	}
}
