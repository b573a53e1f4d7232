package huawei

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/certbroker/certbroker/huawei/huaweitest"
	"github.com/certbroker/certbroker/provider"
)

// TestConcurrentCalls runs 32 goroutines through one adapter, each doing a
// Status, a Revoke and a Status on its own certificate, some of them
// cancelled half-way. Run with -race.
func TestConcurrentCalls(t *testing.T) {
	t.Parallel()
	const n = 32
	h := newEmulated(t, true)
	ids := make([]string, n)
	for i := range ids {
		ids[i] = h.srv.Seed(provider.StateIssued)
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i, id := range ids {
		wg.Go(func() {
			ctx := t.Context()
			if _, err := h.a.Status(ctx, statusReq(id)); err != nil {
				errs[i] = err
				return
			}
			if _, err := h.a.Revoke(ctx, provider.RevokeRequest{ID: id, Reason: "rotation"}); err != nil {
				errs[i] = err
				return
			}
			res, err := h.a.Status(ctx, statusReq(id))
			if err == nil && res.State != provider.StateRevoking {
				t.Errorf("%s: state %s after revoke", id, res.State)
			}
			errs[i] = err
		})
	}
	// Meanwhile, calls whose contexts are already cancelled.
	for range n {
		wg.Go(func() {
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			if _, err := h.a.Status(ctx, statusReq(ids[0])); provider.KindOf(err) != provider.KindCanceled {
				t.Errorf("cancelled Status: %v", err)
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("goroutine %d: %v", i, err)
		}
	}
	for _, id := range ids {
		if st, _ := h.srv.State(id); st != provider.StateRevoking {
			t.Errorf("%s in %s", id, st)
		}
	}
	// Status of an issued certificate is one request (v3 details), so
	// three per goroutine: Status, Revoke, Status.
	if got := h.srv.RequestCount(); got != 3*n {
		t.Errorf("%d requests, want %d", got, 3*n)
	}
	h.a.transport.mu.Lock()
	left := len(h.a.transport.calls)
	h.a.transport.mu.Unlock()
	if left != 0 {
		t.Errorf("%d calls still registered", left)
	}
}

// TestNoApplicationIDFile: building an adapter and calling through it does
// not create ~/.huaweicloud/application_id (the adapter sets its own
// User-Agent). Not parallel: it changes HOME.
func TestNoApplicationIDFile(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	srv := huaweitest.NewServer()
	t.Cleanup(srv.Close)
	a := mustNew(t, Config{Endpoint: srv.URL(), ProjectID: srv.ProjectID(), AK: srv.AccessKeyID(), SK: srv.AccessKeySecret()})
	if _, err := a.Status(t.Context(), statusReq(srv.Seed(provider.StateIssued))); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(home, ".huaweicloud")); !os.IsNotExist(err) {
		t.Errorf("~/.huaweicloud exists (or stat failed: %v)", err)
	}
}
