package alibaba

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/provider"
)

// retryingSDKConfig is an SDK configuration with its retries switched on,
// as a future SDK default or a careless edit might leave it: the adapter
// must still send each request exactly once.
func retryingSDKConfig() *sdk.Config {
	c := sdk.NewConfig()
	c.AutoRetry = true
	c.MaxRetryTime = 3
	return c
}

// Hazard 1: the SDK's AutoRetry re-sends a renewal on a 5xx or a timeout.
func TestRenewIsSentExactlyOnce(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		fault      alibabatest.Fault
		timeout    time.Duration
		renewals   int
		wantStatus int
	}{
		{"http_500", alibabatest.Fault{Action: alibabatest.ActionRenew, Kind: alibabatest.FaultServerError}, 0, 0, 500},
		{"http_500_after_apply", alibabatest.Fault{Action: alibabatest.ActionRenew, Kind: alibabatest.FaultServerError, AfterApply: true}, 0, 1, 500},
		{"http_503", alibabatest.Fault{Action: alibabatest.ActionRenew, Kind: alibabatest.FaultUnavailable}, 0, 0, 503},
		{"reset_after_apply", alibabatest.Fault{Action: alibabatest.ActionRenew, Kind: alibabatest.FaultReset, AfterApply: true}, 0, 1, 0},
		{"timeout", alibabatest.Fault{Action: alibabatest.ActionRenew, Kind: alibabatest.FaultHang}, 300 * time.Millisecond, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newEmulator(t)
			cfg := emulatorConfig(s)
			cfg.Timeout = tc.timeout
			a := newTestAdapter(t, cfg, withSDKConfig(retryingSDKConfig))
			id := s.Seed(provider.StateExpiring)
			s.InjectFault(tc.fault)
			before := s.RequestCount()
			res, err := a.Renew(t.Context(), provider.RenewRequest{ID: id})
			if !errors.Is(err, provider.ErrOutcomeUnknown) {
				t.Fatalf("Renew = %+v, %v; want an outcome_unknown error", res, err)
			}
			if provider.Retryable(provider.OpRenew, err) {
				t.Errorf("Retryable(renew, %v) = true", err)
			}
			if n := s.RequestCount() - before; n != 1 {
				t.Errorf("the emulator received %d renew requests, want exactly 1", n)
			}
			if n := len(s.Renewals()); n != tc.renewals {
				t.Errorf("%d renewal orders exist, want %d", n, tc.renewals)
			}
			var pe *provider.Error
			if errors.As(err, &pe) && pe.HTTPStatus != tc.wantStatus {
				t.Errorf("HTTPStatus = %d, want %d", pe.HTTPStatus, tc.wantStatus)
			}
		})
	}
}

// The hardening holds in every pooled client whatever it started from.
func TestPooledClientsAreHardened(t *testing.T) {
	t.Parallel()
	s := newEmulator(t)
	a := adapterFor(t, s, withSDKConfig(retryingSDKConfig), WithPoolSize(3))
	seen := map[*http.Transport]bool{}
	for _, sl := range a.pool.all {
		c := sl.client.GetConfig()
		if c.AutoRetry || c.MaxRetryTime != 0 || c.EnableAsync || c.HttpTransport != nil {
			t.Errorf("client config %+v: want AutoRetry off, MaxRetryTime 0, no async, no SDK transport", c)
		}
		if c.Transport != sl.rt {
			t.Errorf("client transport is %T, want the adapter's callTransport", c.Transport)
		}
		if sl.rt.base == http.DefaultTransport || seen[sl.rt.base] {
			t.Errorf("slot transport %p is shared", sl.rt.base)
		}
		seen[sl.rt.base] = true
	}
}

// Hazard 2: one SDK client is not safe for concurrent use (#538). 32
// concurrent calls through one adapter must be clean under -race and each
// must see its own order.
func TestConcurrentCallsThroughOneAdapter(t *testing.T) {
	t.Parallel()
	for _, pool := range []int{1, 4, DefaultPoolSize, 32} {
		t.Run("pool_"+itoa(pool), func(t *testing.T) {
			t.Parallel()
			s := newEmulator(t)
			a := adapterFor(t, s, WithPoolSize(pool))
			states := []provider.State{provider.StateUnderReview, provider.StateIssued, provider.StateExpiring, provider.StateReviewFailed}
			const n = 32
			ids := make([]string, n)
			for i := range ids {
				ids[i] = s.Seed(states[i%len(states)])
			}
			var wg sync.WaitGroup
			errs := make([]error, n)
			for i := range n {
				wg.Go(func() {
					id, want := ids[i], states[i%len(states)]
					res, err := a.Status(t.Context(), provider.StatusRequest{ID: id})
					switch {
					case err != nil:
						errs[i] = err
					case res.ID != id || res.State != want:
						errs[i] = errors.New("status of " + id + " = " + res.ID + "/" + res.State.String() + ", want " + want.String())
					case want == provider.StateUnderReview:
						_, errs[i] = a.Cancel(t.Context(), provider.CancelRequest{ID: id})
					}
				})
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					t.Error(err)
				}
			}
			for i := 0; i < n; i += len(states) {
				if st, _ := s.State(ids[i]); st != provider.StateCancelled {
					t.Errorf("order %s is %s after its cancel, want cancelled", ids[i], st)
				}
			}
		})
	}
}

// Hazard 3: the SDK takes no context. Cancelling one must abort the
// request in flight, and the emulator must see the client go away.
func TestCancelAbortsRequestInFlight(t *testing.T) {
	t.Parallel()
	for _, op := range provider.Ops() {
		t.Run(string(op), func(t *testing.T) {
			t.Parallel()
			s := newEmulator(t)
			id := s.Seed(allowedFrom(op))
			// The operation's own request hangs (Revoke's state read
			// before it goes through).
			s.InjectFault(alibabatest.Fault{Kind: alibabatest.FaultHang, Action: actionOf(op)})
			arrived := make(chan struct{}, 1)
			clientGone := make(chan bool, 1)
			front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Query().Get("Action") != actionOf(op) {
					s.Handler().ServeHTTP(w, r)
					return
				}
				select {
				case arrived <- struct{}{}:
				default:
				}
				s.Handler().ServeHTTP(w, r)
				// The hang ends only when the client goes away (or the
				// emulator closes, which this test does not do before
				// reading clientGone): then the request context is
				// already done when the handler returns.
				clientGone <- r.Context().Err() != nil
			}))
			t.Cleanup(front.Close)
			cfg := emulatorConfig(s)
			cfg.Endpoint = front.URL
			a := newTestAdapter(t, cfg) // default 30s timeout: only the context can end the call in time
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			done := make(chan error, 1)
			go func() {
				_, err := callOpCtx(ctx, a, op, id)
				done <- err
			}()
			<-arrived
			cancelled := time.Now()
			cancel()
			var err error
			select {
			case err = <-done:
			case <-time.After(5 * time.Second):
				t.Fatalf("%s did not return within 5s of the cancellation", op)
			}
			if !errors.Is(err, context.Canceled) {
				t.Errorf("%s error %v lacks context.Canceled", op, err)
			}
			want := provider.ErrUnavailable
			if op.Mutating() {
				want = provider.ErrOutcomeUnknown
			}
			if !errors.Is(err, want) {
				t.Errorf("%s error kind %s, want %s", op, provider.KindOf(err), want)
			}
			t.Logf("%s returned %v after the cancellation", op, time.Since(cancelled))
			select {
			case gone := <-clientGone:
				if !gone {
					t.Errorf("the emulator finished the request without the client going away")
				}
			case <-time.After(5 * time.Second):
				t.Errorf("the emulator still holds the request 5s after the cancellation")
			}
		})
	}
}

// A call waiting for a pooled client gives up when its context ends, and
// sends nothing.
func TestCancelWhileWaitingForPoolSlot(t *testing.T) {
	t.Parallel()
	s := newEmulator(t)
	a := adapterFor(t, s, WithPoolSize(1))
	held, other := s.Seed(provider.StateIssued), s.Seed(provider.StateIssued)
	s.InjectFault(alibabatest.Fault{Kind: alibabatest.FaultHang, Times: 1})
	ctx1, cancel1 := context.WithCancel(t.Context())
	defer cancel1()
	first := make(chan error, 1)
	go func() {
		_, err := a.Status(ctx1, provider.StatusRequest{ID: held})
		first <- err
	}()
	if err := s.WaitForRequests(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	ctx2, cancel2 := context.WithCancel(t.Context())
	cancel2()
	_, err := a.Revoke(ctx2, provider.RevokeRequest{ID: other})
	if !errors.Is(err, provider.ErrCanceled) || !errors.Is(err, context.Canceled) {
		t.Errorf("Revoke with no free slot and a cancelled context = %v, want canceled", err)
	}
	if n := s.RequestCount(); n != 1 {
		t.Errorf("the emulator received %d requests, want only the held one", n)
	}
	cancel1()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Errorf("held call = %v", err)
	}
	if st, _ := s.State(other); st != provider.StateIssued {
		t.Errorf("order %s is %s, want issued", other, st)
	}
}

// Connections are kept alive across calls, and the caller's context
// values (here an httptrace.ClientTrace) reach the transport.
func TestConnectionsAreReused(t *testing.T) {
	t.Parallel()
	s := newEmulator(t)
	a := adapterFor(t, s, WithPoolSize(1))
	id := s.Seed(provider.StateIssued)
	var reused []bool
	ctx := httptrace.WithClientTrace(t.Context(), &httptrace.ClientTrace{
		GotConn: func(i httptrace.GotConnInfo) { reused = append(reused, i.Reused) },
	})
	for range 3 {
		if _, err := a.Status(ctx, provider.StatusRequest{ID: id}); err != nil {
			t.Fatal(err)
		}
	}
	if len(reused) != 3 || reused[0] || !reused[1] || !reused[2] {
		t.Errorf("GotConn reused = %v, want [false true true]", reused)
	}
}

// The SDK reads HTTP_PROXY and NO_PROXY itself and compiles each NO_PROXY
// entry as a regular expression; neither may break loopback calls.
func TestProxyEnvironmentDoesNotAffectLoopback(t *testing.T) {
	t.Setenv("HTTP_PROXY", "http://127.0.0.1:1")
	t.Setenv("http_proxy", "http://127.0.0.1:1")
	t.Setenv("NO_PROXY", "[not-a-regexp")
	t.Setenv("no_proxy", "[not-a-regexp")
	s := newEmulator(t)
	a := adapterFor(t, s)
	id := s.Seed(provider.StateIssued)
	if _, err := a.Status(t.Context(), provider.StatusRequest{ID: id}); err != nil {
		t.Fatalf("Status with proxy variables set: %v", err)
	}
}

// allowedFrom returns a state from which op succeeds.
func allowedFrom(op provider.Op) provider.State {
	switch op {
	case provider.OpCancel:
		return provider.StateUnderReview
	case provider.OpDelete:
		return provider.StateReviewFailed
	case provider.OpRenew:
		return provider.StateExpiring
	}
	return provider.StateIssued
}

func callOpCtx(ctx context.Context, a *Adapter, op provider.Op, id string) (*provider.Result, error) {
	switch op {
	case provider.OpCancel:
		return a.Cancel(ctx, provider.CancelRequest{ID: id})
	case provider.OpRevoke:
		return a.Revoke(ctx, provider.RevokeRequest{ID: id})
	case provider.OpDelete:
		return a.Delete(ctx, provider.DeleteRequest{ID: id})
	case provider.OpRenew:
		return a.Renew(ctx, provider.RenewRequest{ID: id})
	default:
		return a.Status(ctx, provider.StatusRequest{ID: id})
	}
}

func itoa(n int) string { return formatOrderID(int64(n)) }

// withSDKConfig replaces the SDK configuration the pooled clients start
// from (test only).
func withSDKConfig(f func() *sdk.Config) Option {
	return func(o *options) { o.sdkConfig = f }
}
