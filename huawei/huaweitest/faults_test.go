package huaweitest

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	hwconfig "github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"

	"github.com/certbroker/certbroker/internal/faultinject"
	"github.com/certbroker/certbroker/provider"
)

// TestFaultKinds injects each fault on revoke, before and after the state
// change, and checks what the SDK sees and whether the revoke happened.
func TestFaultKinds(t *testing.T) {
	t.Parallel()
	type outcome int
	const (
		ok outcome = iota
		serviceError
		transportError
	)
	tests := []struct {
		kind   FaultKind
		want   outcome
		status int
		code   string
	}{
		{FaultLatency, ok, 0, ""},
		{FaultServerError, serviceError, http.StatusInternalServerError, codeServerError},
		{FaultUnavailable, serviceError, http.StatusServiceUnavailable, codeUnavailable},
		{FaultThrottle, serviceError, http.StatusTooManyRequests, codeThrottled},
		{FaultReset, transportError, 0, ""},
		{FaultMalformed, serviceError, http.StatusOK, ""},
		{FaultHTMLNotFound, serviceError, http.StatusNotFound, ""},
		{FaultHTMLBadGateway, serviceError, http.StatusBadGateway, ""},
	}
	names := map[FaultKind]string{FaultHTMLNotFound: "html_404", FaultHTMLBadGateway: "html_502"}
	for _, tt := range tests {
		for _, after := range []bool{false, true} {
			name := tt.kind.String()
			if n, ok := names[tt.kind]; ok {
				name = n
			}
			if after {
				name += "/after-apply"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				s, c := newServer(t)
				id := s.Seed(provider.StateIssued)
				const delay = 50 * time.Millisecond
				s.InjectFault(Fault{Action: ActionRevoke, Kind: tt.kind, AfterApply: after, Latency: delay})
				start := time.Now()
				_, err := c.revoke(id, ptr("superseded"))
				if elapsed := time.Since(start); elapsed < delay {
					t.Fatalf("answered after %v; the fault's latency is %v", elapsed, delay)
				}
				var sre *sdkerr.ServiceResponseError
				switch tt.want {
				case ok:
					if err != nil {
						t.Fatalf("got %v; want success", err)
					}
				case serviceError:
					if tt.code != "" {
						wantCode(t, err, tt.status, tt.code)
					} else if !errors.As(err, &sre) || sre.StatusCode != tt.status || sre.ErrorCode != "" {
						t.Fatalf("got %v; want an undecodable %d", err, tt.status)
					}
				case transportError:
					if err == nil || errors.As(err, &sre) {
						t.Fatalf("got %v; want a transport error", err)
					}
				}
				applied := tt.want == ok || after && tt.kind != FaultThrottle
				want := StatusIssued
				if applied {
					want = StatusRevoking
				}
				wantNative(t, s, id, want)
				last := s.Requests()[0]
				if last.Fault != tt.kind || last.Applied != applied || last.HTTPStatus != tt.status && tt.want != ok {
					t.Fatalf("request log %+v", last)
				}
			})
		}
	}
}

// TestHangReleasedByClose: a hung request holds until Close, which returns
// and leaves the client with an error; with AfterApply the change is made.
func TestHangReleasedByClose(t *testing.T) {
	t.Parallel()
	for _, after := range []bool{false, true} {
		t.Run(map[bool]string{false: "before", true: "after-apply"}[after], func(t *testing.T) {
			t.Parallel()
			s := NewServer()
			t.Cleanup(s.Close)
			c := newClient(t, s.URL(), s.AccessKeyID(), s.AccessKeySecret(), s.ProjectID(), nil) // 10 s timeout, never reached
			id := s.Seed(provider.StateIssued)
			s.InjectFault(Fault{Kind: FaultHang, AfterApply: after})
			done := make(chan error, 1)
			go func() {
				_, err := c.revoke(id, ptr("superseded"))
				done <- err
			}()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := s.WaitForRequests(ctx, 1); err != nil {
				t.Fatalf("the request never arrived: %v", err)
			}
			s.Close()
			if err := <-done; err == nil {
				t.Fatal("a hung request succeeded")
			}
			want := StatusIssued
			if after {
				want = StatusRevoking
			}
			wantNative(t, s, id, want)
			if got := s.Requests()[0]; got.HTTPStatus != 0 || got.Fault != FaultHang {
				t.Fatalf("request log %+v; want no response and a hang", got)
			}
		})
	}
}

// TestHangReleasedByClient: the client giving up frees the hung handler,
// and the emulator keeps serving.
func TestHangReleasedByClient(t *testing.T) {
	t.Parallel()
	s := NewServer()
	t.Cleanup(s.Close)
	id := s.Seed(provider.StateIssued)
	s.InjectFault(Fault{Action: ActionDetails, Kind: FaultHang, Times: 1})
	impatient := newClient(t, s.URL(), s.AccessKeyID(), s.AccessKeySecret(), s.ProjectID(), hwconfig.DefaultHttpConfig().WithTimeout(200*time.Millisecond))
	if _, err := impatient.details(id); err == nil {
		t.Fatal("a hung request succeeded")
	}
	d, err := impatient.details(id)
	if err != nil || d.Status != StatusIssued {
		t.Fatalf("after the hang: %+v, %v", d, err)
	}
}

func TestFaultMatching(t *testing.T) {
	t.Parallel()
	s, c := newServer(t)
	id := s.Seed(provider.StateIssued)
	s.InjectFault(Fault{Action: ActionDetails, Kind: FaultServerError, Times: 2})
	if _, err := c.list(listReq{}); err != nil {
		t.Fatalf("list hit a details fault: %v", err)
	}
	for range 2 {
		_, err := c.details(id)
		wantCode(t, err, http.StatusInternalServerError, codeServerError)
	}
	if _, err := c.details(id); err != nil {
		t.Fatalf("third details after Times 2: %v", err)
	}
	s.InjectFault(Fault{Kind: FaultUnavailable})
	_, err := c.list(listReq{})
	wantCode(t, err, http.StatusServiceUnavailable, codeUnavailable)
	s.ClearFaults()
	if _, err := c.list(listReq{}); err != nil {
		t.Fatalf("after ClearFaults: %v", err)
	}
}

func TestQPS(t *testing.T) {
	t.Parallel()
	s, c := newServer(t)
	id := s.Seed(provider.StateIssued)
	s.SetQPS(ActionDetails, 0.001) // one request, then none for 1000 s
	if _, err := c.details(id); err != nil {
		t.Fatalf("first request under the limit: %v", err)
	}
	_, err := c.details(id)
	wantCode(t, err, http.StatusTooManyRequests, codeThrottled)
	if _, err := c.list(listReq{}); err != nil {
		t.Fatalf("another API was throttled: %v", err)
	}
	s.SetQPS(ActionDetails, 0)
	if _, err := c.details(id); err != nil {
		t.Fatalf("limit removed: %v", err)
	}

	s.SetQPS("", 0.001) // every API together
	if _, err := c.list(listReq{}); err != nil {
		t.Fatal(err)
	}
	_, err = c.cancel(s.Seed(provider.StateUnderReview))
	wantCode(t, err, http.StatusTooManyRequests, codeThrottled)
	s.ClearFaults()
	if _, err := c.list(listReq{}); err != nil {
		t.Fatalf("after ClearFaults: %v", err)
	}
}

// TestSeedReproducibility: the same seed gives the same IDs, request IDs
// and fault decisions; another seed does not.
func TestSeedReproducibility(t *testing.T) {
	t.Parallel()
	type run struct {
		certs, requestIDs []string
		hits              []bool
	}
	do := func(seed uint64) run {
		s, c := newServer(t, WithSeed(seed))
		var r run
		for _, st := range States() {
			r.certs = append(r.certs, s.Seed(st))
		}
		s.InjectFault(Fault{Kind: FaultServerError, Probability: 0.5})
		for range 24 {
			_, err := c.details(r.certs[0])
			r.hits = append(r.hits, err != nil)
		}
		for _, q := range s.Requests() {
			r.requestIDs = append(r.requestIDs, q.RequestID)
		}
		return r
	}
	a, b, other := do(7), do(7), do(8)
	if !slices.Equal(a.certs, b.certs) || !slices.Equal(a.requestIDs, b.requestIDs) || !slices.Equal(a.hits, b.hits) {
		t.Fatalf("two runs with seed 7 differ:\n%v\n%v", a, b)
	}
	if !slices.Contains(a.hits, true) || !slices.Contains(a.hits, false) {
		t.Fatalf("probability 0.5 gave %v", a.hits)
	}
	if slices.Equal(a.certs, other.certs) {
		t.Fatal("seeds 7 and 8 gave the same cert IDs")
	}
}

// TestConcurrentUse hammers one emulator from several goroutines sharing
// one SDK client (run with -race).
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	s, c := newServer(t)
	const n = 8
	errs := make(chan error, n)
	for range n {
		go func() {
			id := s.Seed(provider.StateUnderReview)
			if _, err := c.cancel(id); err != nil {
				errs <- err
				return
			}
			s.Settle(id)
			_, err := c.details(id)
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if got := s.RequestCount(); got != 2*n {
		t.Fatalf("RequestCount = %d; want %d", got, 2*n)
	}
	for _, q := range s.Requests() {
		if !q.Done || q.HTTPStatus != http.StatusOK {
			t.Fatalf("log entry %+v", q)
		}
	}
}

// TestFaultCarriesEveryField checks that a Fault reaches the shared engine
// whole and comes back as it was given, its kind keeping the engine's name.
func TestFaultCarriesEveryField(t *testing.T) {
	t.Parallel()
	kinds := map[FaultKind]faultinject.Kind{
		FaultLatency: faultinject.Latency, FaultServerError: faultinject.ServerError,
		FaultUnavailable: faultinject.Unavailable, FaultThrottle: faultinject.Throttle,
		FaultReset: faultinject.Reset, FaultHang: faultinject.Hang, FaultMalformed: faultinject.Malformed,
		FaultHTMLNotFound: faultinject.ProxyNotFound, FaultHTMLBadGateway: faultinject.ProxyBadGateway,
	}
	for k, engine := range kinds {
		if k.String() != engine.String() || k.String() == "unknown" {
			t.Errorf("%d: String() = %q, want %q", int(k), k, engine)
		}
		s := NewServer()
		want := Fault{Action: ActionRevoke, Kind: k, AfterApply: k != FaultThrottle, Probability: 1, Times: 2, Latency: time.Second}
		s.InjectFault(want)
		got, hit := s.pickFault(ActionRevoke)
		s.Close()
		if !hit || got != want {
			t.Errorf("%v: pickFault = %+v, %v; want %+v", k, got, hit, want)
		}
	}
}
