package reliability

import (
	"context"
	"testing"
	"time"

	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/huawei/huaweitest"
	"github.com/certbroker/certbroker/provider"
)

// FuzzIDCannotChangeTheRequest sends arbitrary IDs to both real adapters
// against their emulators. Either the adapter refuses the ID with
// provider.KindInvalidArgument and nothing reaches the emulator, or
// exactly one request arrives and it addresses exactly that ID: the
// Alibaba OrderId parameter equals it, and the Huawei path is the details
// path with it as the last segment. No ID can change a request's path or
// parameters. Without -fuzz it runs the seeds, which include every
// hostile ID of TestHostileIDsRejectedBeforeAnyRequest.
func FuzzIDCannotChangeTheRequest(f *testing.F) {
	for _, id := range hostileIDs() {
		f.Add(id)
	}
	f.Add("123456")
	f.Add("scs1481110651012")
	ali, aliSrv := newAlibaba(f, aliOptions{origin: "alibaba", timeout: 5 * time.Second})
	hw, hwSrv := newHuawei(f, hwOptions{origin: "huawei", timeout: 5 * time.Second})
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, id string) {
		for _, b := range []*backend{ali, hw} {
			before := b.requests()
			_, err := b.p.Status(ctx, provider.StatusRequest{ID: id})
			sent := b.requests() - before
			if provider.KindOf(err) == provider.KindInvalidArgument {
				if sent != 0 {
					t.Fatalf("%s refused %q but sent %d requests", b.origin, id, sent)
				}
				continue
			}
			if sent != 1 {
				t.Fatalf("%s: %q sent %d requests, want 1 (err %v)", b.origin, id, sent, err)
			}
			switch b.cloud {
			case "alibaba":
				reqs := aliSrv.Requests()
				r := reqs[len(reqs)-1]
				if r.Action != alibabatest.ActionDescribe || r.ID != id {
					t.Fatalf("alibaba: %q arrived as action %q OrderId %q", id, r.Action, r.ID)
				}
			case "huawei":
				reqs := hwSrv.Requests()
				r := reqs[len(reqs)-1]
				want := "/v3/scm/certificates/" + id
				if r.Action != huaweitest.ActionDetails || r.Path != want || r.ID != id {
					t.Fatalf("huawei: %q arrived as %s %s (api %q, id %q)", id, r.Method, r.Path, r.Action, r.ID)
				}
			}
		}
	})
}
