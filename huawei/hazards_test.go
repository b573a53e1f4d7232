package huawei

import (
	"context"
	"errors"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/certbroker/certbroker/huawei/huaweitest"
	"github.com/certbroker/certbroker/provider"
)

// bound is how long a call may take to return after its context is
// cancelled before a test calls it hung. It is generous: only a call that
// ignores its context gets near it.
const bound = 10 * time.Second

// TestCancelAbortsInFlight: a request held by the emulator is abandoned when
// the context is cancelled 50ms after the request arrived; the call returns
// with context.Canceled in the chain.
func TestCancelAbortsInFlight(t *testing.T) {
	t.Parallel()
	for _, op := range []provider.Op{provider.OpStatus, provider.OpCancel, provider.OpRevoke, provider.OpDelete, provider.OpRenew} {
		t.Run(string(op), func(t *testing.T) {
			t.Parallel()
			h := newEmulated(t, true)
			seed := map[provider.Op]provider.State{
				provider.OpStatus: provider.StateIssued, provider.OpCancel: provider.StateUnderReview,
				provider.OpRevoke: provider.StateIssued, provider.OpDelete: provider.StateRevoked,
				provider.OpRenew: provider.StateExpiring,
			}[op]
			id := h.srv.Seed(seed)
			h.srv.InjectFault(huaweitest.Fault{Kind: huaweitest.FaultHang})
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			done := make(chan error, 1)
			go func() {
				_, err := callOp(ctx, h.a, op, id)
				done <- err
			}()
			if err := h.srv.WaitForRequests(t.Context(), 1); err != nil {
				t.Fatal(err)
			}
			timer := time.AfterFunc(50*time.Millisecond, cancel)
			defer timer.Stop()
			var err error
			select {
			case err = <-done:
			case <-time.After(bound):
				t.Fatalf("%s did not return within %v of the cancellation", op, bound)
			}
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("error %v lacks context.Canceled", err)
			}
			want := provider.KindUnavailable
			switch op {
			case provider.OpCancel, provider.OpRevoke, provider.OpDelete:
				want = provider.KindOutcomeUnknown
			case provider.OpRenew:
				want = provider.KindCanceled // held in the details read: nothing bought
			}
			if pe := asProviderError(t, err); pe.Kind != want {
				t.Errorf("kind %s, want %s: %v", pe.Kind, want, err)
			}
			if reqs := h.srv.Requests(); len(reqs) != 1 || reqs[0].HTTPStatus != 0 {
				t.Errorf("request log %+v, want one unanswered request", reqs)
			}
		})
	}
}

// TestCancelDisconnects: the server sees the client go away when the
// context is cancelled.
func TestCancelDisconnects(t *testing.T) {
	t.Parallel()
	arrived, gone := make(chan struct{}), make(chan struct{})
	s := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-r.Context().Done()
		close(gone)
	})
	a := mustNew(t, stubConfig(s.URL))
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		_, err := a.Revoke(ctx, provider.RevokeRequest{ID: testCertID})
		done <- err
	}()
	<-arrived
	time.AfterFunc(50*time.Millisecond, cancel)
	select {
	case <-gone:
	case <-time.After(bound):
		t.Fatal("the server never saw the client disconnect")
	}
	err := <-done
	if !errors.Is(err, context.Canceled) || provider.KindOf(err) != provider.KindOutcomeUnknown {
		t.Errorf("got %v", err)
	}
}

// TestCanceledBeforeSend: an ended context sends nothing.
func TestCanceledBeforeSend(t *testing.T) {
	t.Parallel()
	h := newEmulated(t, true)
	id := h.srv.Seed(provider.StateExpiring)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	for _, op := range provider.Ops() {
		_, err := callOp(ctx, h.a, op, id)
		if pe := asProviderError(t, err); pe.Kind != provider.KindCanceled || !errors.Is(err, context.Canceled) {
			t.Errorf("%s: %v", op, err)
		}
	}
	if n := h.srv.RequestCount(); n != 0 {
		t.Errorf("%d requests", n)
	}
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return "http://" + addr
}

// TestConnectionRefused: a failure before sending is unavailable for every
// operation, mutating or not.
func TestConnectionRefused(t *testing.T) {
	t.Parallel()
	a := mustNew(t, stubConfig(closedPort(t)))
	for _, op := range []provider.Op{provider.OpStatus, provider.OpCancel, provider.OpRevoke, provider.OpDelete} {
		_, err := callOp(t.Context(), a, op, testCertID)
		if pe := asProviderError(t, err); pe.Kind != provider.KindUnavailable || !provider.Retryable(op, err) {
			t.Errorf("%s: %v, want unavailable", op, err)
		}
		var ne net.Error
		if !errors.As(err, &ne) {
			t.Errorf("%s: the network error is not reachable: %v", op, err)
		}
	}
}

// TestFaults: injected faults after the request was sent.
func TestFaults(t *testing.T) {
	t.Parallel()
	cases := []struct {
		fault          huaweitest.FaultKind
		after          bool
		read, mutating provider.Kind
	}{
		{huaweitest.FaultReset, true, provider.KindUnavailable, provider.KindOutcomeUnknown},
		{huaweitest.FaultReset, false, provider.KindUnavailable, provider.KindOutcomeUnknown},
		{huaweitest.FaultServerError, true, provider.KindUnavailable, provider.KindOutcomeUnknown},
		{huaweitest.FaultUnavailable, false, provider.KindUnavailable, provider.KindOutcomeUnknown},
		{huaweitest.FaultMalformed, true, provider.KindUnavailable, provider.KindOutcomeUnknown},
		{huaweitest.FaultThrottle, false, provider.KindThrottled, provider.KindThrottled},
	}
	for _, c := range cases {
		name := c.fault.String()
		if c.after {
			name += "_after_apply"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := newEmulated(t, false)
			id := h.srv.Seed(provider.StateIssued)
			h.srv.InjectFault(huaweitest.Fault{Kind: c.fault, AfterApply: c.after})
			_, err := h.a.Status(t.Context(), statusReq(id))
			if k := provider.KindOf(err); k != c.read {
				t.Errorf("status: %v, want %s", err, c.read)
			}
			_, err = h.a.Revoke(t.Context(), provider.RevokeRequest{ID: id})
			if k := provider.KindOf(err); k != c.mutating {
				t.Errorf("revoke: %v, want %s", err, c.mutating)
			}
			applied := c.after && c.fault != huaweitest.FaultThrottle
			if st, _ := h.srv.State(id); (st == provider.StateRevoking) != applied {
				t.Errorf("state %s, applied %t", st, applied)
			}
		})
	}
}

// TestThrottledByQPS: the emulator's QPS limit is reported as throttled.
func TestThrottledByQPS(t *testing.T) {
	t.Parallel()
	h := newEmulated(t, false)
	id := h.srv.Seed(provider.StatePendingApplication)
	h.srv.SetQPS(huaweitest.ActionDetails, 0.001)
	var throttled error
	for range 3 {
		if _, err := h.a.Status(t.Context(), statusReq(id)); err != nil {
			throttled = err
		}
	}
	pe := asProviderError(t, throttled)
	if pe.Kind != provider.KindThrottled || pe.Code != "APIGW.0308" || pe.HTTPStatus != http.StatusTooManyRequests {
		t.Errorf("got %v", throttled)
	}
}

// TestTimeout: Config.Timeout ends a held request; the error is a timeout
// but not the caller's context ending, so a read stays retryable.
func TestTimeout(t *testing.T) {
	t.Parallel()
	srv := huaweitest.NewServer()
	t.Cleanup(srv.Close)
	id := srv.Seed(provider.StateIssued)
	a := mustNew(t, Config{Endpoint: srv.URL(), ProjectID: srv.ProjectID(), AK: srv.AccessKeyID(), SK: srv.AccessKeySecret(), Timeout: 50 * time.Millisecond})
	srv.InjectFault(huaweitest.Fault{Kind: huaweitest.FaultHang})
	_, err := a.Status(t.Context(), statusReq(id))
	if provider.KindOf(err) != provider.KindUnavailable || errors.Is(err, context.DeadlineExceeded) || !provider.Retryable(provider.OpStatus, err) {
		t.Errorf("status: %v", err)
	}
	var te interface{ Timeout() bool }
	if !errors.As(err, &te) || !te.Timeout() {
		t.Errorf("status: not a timeout: %v", err)
	}
	_, err = a.Revoke(t.Context(), provider.RevokeRequest{ID: id})
	if provider.KindOf(err) != provider.KindOutcomeUnknown {
		t.Errorf("revoke: %v", err)
	}
}

// TestUntrackedRequestRefused: the transport never sends a request that
// is not bound to a call's context.
func TestUntrackedRequestRefused(t *testing.T) {
	t.Parallel()
	s := newStub(t, answer(200, "{}"))
	ct := newCallTransport(http.DefaultTransport)
	req, _ := http.NewRequest(http.MethodGet, s.URL, nil)
	if _, err := ct.RoundTrip(req); !errors.Is(err, errUntracked) {
		t.Errorf("got %v", err)
	}
	if len(s.requests()) != 0 {
		t.Errorf("request sent")
	}
}

// TestCloseIdleConnections: closing idle connections leaves the adapter
// usable, as in the other adapter.
func TestCloseIdleConnections(t *testing.T) {
	t.Parallel()
	h := newEmulated(t, false)
	id := h.srv.Seed(provider.StateIssued)
	for range 2 {
		if _, err := h.a.Status(t.Context(), provider.StatusRequest{ID: id}); err != nil {
			t.Fatal(err)
		}
		h.a.CloseIdleConnections()
	}
}
