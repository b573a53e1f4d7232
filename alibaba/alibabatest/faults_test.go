package alibabatest

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/cas"

	"github.com/certbroker/certbroker/internal/faultinject"
	"github.com/certbroker/certbroker/provider"
)

// checkFaultError asserts err is what a client sees for fault kind k.
func checkFaultError(t *testing.T, k FaultKind, err error) {
	t.Helper()
	var ue *url.Error
	var ce *sdkerrors.ClientError
	switch k {
	case FaultLatency:
		if err != nil {
			t.Fatalf("latency: %v", err)
		}
	case FaultServerError:
		serverError(t, err, http.StatusInternalServerError, codeInternalError)
	case FaultUnavailable:
		serverError(t, err, http.StatusServiceUnavailable, codeServiceUnavailable)
	case FaultThrottle:
		serverError(t, err, http.StatusBadRequest, codeThrottling)
	case FaultReset:
		if !errors.As(err, &ue) || ue.Timeout() {
			t.Fatalf("reset: got %v (%T), want a transport error", err, err)
		}
	case FaultHang:
		if !errors.As(err, &ue) || !ue.Timeout() {
			t.Fatalf("hang: got %v (%T), want a client timeout", err, err)
		}
	case FaultMalformed:
		if !errors.As(err, &ce) || ce.ErrorCode() != "SDK.JsonUnmarshalError" {
			t.Fatalf("malformed: got %v (%T), want SDK.JsonUnmarshalError", err, err)
		}
	case FaultHTMLNotFound, FaultHTMLBadGateway:
		// The SDK keeps a body that is not JSON as the message, with no
		// code and no request ID.
		want := map[FaultKind]int{FaultHTMLNotFound: http.StatusNotFound, FaultHTMLBadGateway: http.StatusBadGateway}[k]
		var se *sdkerrors.ServerError
		if !errors.As(err, &se) || se.HttpStatus() != want || se.ErrorCode() != "" || se.RequestId() != "" ||
			!strings.HasPrefix(se.Message(), "<html>") {
			t.Fatalf("%s: got %v (%T), want HTTP %d with an HTML body and no code", faultName(k), err, err, want)
		}
	}
}

var allKinds = []FaultKind{FaultLatency, FaultServerError, FaultUnavailable, FaultThrottle, FaultReset, FaultHang,
	FaultMalformed, FaultHTMLNotFound, FaultHTMLBadGateway}

// faultName names k, including this package's own kinds.
func faultName(k FaultKind) string {
	switch k {
	case FaultHTMLNotFound:
		return "html_404"
	case FaultHTMLBadGateway:
		return "html_502"
	}
	return k.String()
}

// faultClient is a client whose read timeout ends hangs quickly.
func faultClient(t *testing.T, s *Server) *cas.Client {
	c := newClient(t, s)
	c.SetReadTimeout(200 * time.Millisecond)
	return c
}

func TestEachFaultIsSeenByTheClient(t *testing.T) {
	t.Parallel()
	for _, k := range allKinds {
		for _, after := range []bool{false, true} {
			name := faultName(k)
			if after {
				name += "/after_apply"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				s := newServer(t)
				id := s.Seed(provider.StateUnderReview)
				s.InjectFault(Fault{Action: ActionCancel, Kind: k, AfterApply: after, Latency: latencyFor(k)})
				start := time.Now()
				err := cancelOrder(faultClient(t, s), id)
				checkFaultError(t, k, err)
				if k == FaultLatency && time.Since(start) < 20*time.Millisecond {
					t.Fatalf("latency fault answered after %v, before its 20ms delay", time.Since(start))
				}
				// A throttled request is never applied; a latency fault
				// always is; the rest are applied only with AfterApply.
				applied := k == FaultLatency || (after && k != FaultThrottle)
				want := map[bool]provider.State{true: provider.StateCancelled, false: provider.StateUnderReview}[applied]
				if st, _ := s.State(id); st != want {
					t.Fatalf("state %v, want %v", st, want)
				}
				e := s.Requests()[0]
				if e.Fault != k || e.Applied != applied || e.Action != ActionCancel || e.ID != id {
					t.Fatalf("log entry %+v", e)
				}
			})
		}
	}
}

func latencyFor(k FaultKind) time.Duration {
	if k == FaultLatency {
		return 20 * time.Millisecond
	}
	return 0
}

func TestRenewAfterApplyCreatesTheOrder(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	src := s.Seed(provider.StateExpiring)
	s.InjectFault(Fault{Action: ActionRenew, Kind: FaultReset, AfterApply: true, Times: 1})
	c := faultClient(t, s)
	_, err := renew(c, src, "")
	checkFaultError(t, FaultReset, err)
	r := s.Renewals()
	if len(r) != 1 || r[0].From != src {
		t.Fatalf("renewals %+v, want one from %s", r, src)
	}
	if st, ok := s.State(r[0].NewID); !ok || st != provider.StatePendingApplication {
		t.Fatalf("new order %s: %v %v", r[0].NewID, st, ok)
	}
	// Times: 1 — the next renewal goes through and makes a second order.
	if _, err := renew(c, src, ""); err != nil {
		t.Fatal(err)
	}
	if n := len(s.Renewals()); n != 2 {
		t.Fatalf("%d renewals, want 2", n)
	}
}

func TestFaultRulesMatchActionAndCount(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	c := faultClient(t, s)
	id := s.Seed(provider.StateIssued)
	s.InjectFault(Fault{Action: ActionRevoke, Kind: FaultServerError})
	s.InjectFault(Fault{Action: ActionDescribe, Kind: FaultUnavailable, Times: 2})
	for range 2 {
		_, err := describe(c, id)
		checkFaultError(t, FaultUnavailable, err)
	}
	if _, err := describe(c, id); err != nil {
		t.Fatalf("third describe after Times: 2: %v", err)
	}
	checkFaultError(t, FaultServerError, revoke(c, id))
	s.ClearFaults()
	if err := revoke(c, id); err != nil {
		t.Fatalf("revoke after ClearFaults: %v", err)
	}
}

func TestSeedMakesFaultsAndIDsReproducible(t *testing.T) {
	t.Parallel()
	run := func(seed uint64) (faults []FaultKind, ids, requestIDs []string) {
		s := newServer(t, WithSeed(seed))
		s.InjectFault(Fault{Kind: FaultServerError, Probability: 0.5})
		c := newClient(t, s)
		for range 3 {
			ids = append(ids, s.Seed(provider.StateIssued))
		}
		for range 24 {
			_, _ = describe(c, ids[0])
		}
		for _, e := range s.Requests() {
			faults = append(faults, e.Fault)
			requestIDs = append(requestIDs, e.RequestID)
		}
		return faults, ids, requestIDs
	}
	f1, ids1, r1 := run(7)
	f2, ids2, r2 := run(7)
	f3, ids3, _ := run(8)
	if !slices.Equal(f1, f2) || !slices.Equal(ids1, ids2) || !slices.Equal(r1, r2) {
		t.Fatalf("same seed, different runs:\n%v %v\n%v %v", f1, ids1, f2, ids2)
	}
	hits := 0
	for _, f := range f1 {
		if f == FaultServerError {
			hits++
		}
	}
	if hits == 0 || hits == len(f1) {
		t.Fatalf("probability 0.5 hit %d of %d requests", hits, len(f1))
	}
	if slices.Equal(f1, f3) || slices.Equal(ids1, ids3) {
		t.Fatalf("seeds 7 and 8 gave the same faults or IDs: %v %v", f1, ids1)
	}
}

func TestQPSLimit(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	c := newClient(t, s)
	id := s.Seed(provider.StateIssued)
	s.SetQPS(ActionDescribe, 0.001) // one request, then nothing for 1000 s
	if _, err := describe(c, id); err != nil {
		t.Fatal(err)
	}
	_, err := describe(c, id)
	serverError(t, err, http.StatusBadRequest, codeThrottling)
	if e := s.Requests()[1]; e.Fault != FaultThrottle || e.Code != codeThrottling || e.HTTPStatus != 400 {
		t.Fatalf("log entry %+v", e)
	}
	// Other actions have their own limit (none).
	if err := revoke(c, id); err != nil {
		t.Fatal(err)
	}
	s.SetQPS(ActionDescribe, 0)
	if _, err := describe(c, id); err != nil {
		t.Fatalf("after removing the limit: %v", err)
	}
	// "" limits every action together.
	s.SetQPS("", 0.001)
	if _, err := describe(c, id); err != nil {
		t.Fatal(err)
	}
	serverError(t, revoke(c, id), http.StatusBadRequest, codeThrottling)
}

func TestCloseReleasesAHungRequest(t *testing.T) {
	t.Parallel()
	s := NewServer()
	id := s.Seed(provider.StateIssued)
	s.InjectFault(Fault{Kind: FaultHang})
	c := newClient(t, s)
	c.SetReadTimeout(time.Minute) // far longer than the test may take
	errc := make(chan error, 1)
	go func() {
		_, err := describe(c, id)
		errc <- err
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.WaitForRequests(ctx, 1); err != nil {
		t.Fatal(err)
	}
	s.Close()
	err := <-errc
	var ue *url.Error
	if !errors.As(err, &ue) || ue.Timeout() {
		t.Fatalf("got %v, want the connection dropped by Close, not a client timeout", err)
	}
	s.Close() // idempotent
}

func TestHangEndsWhenTheClientGivesUp(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	id := s.Seed(provider.StateIssued)
	s.InjectFault(Fault{Action: ActionDescribe, Kind: FaultHang, Times: 1})
	c := faultClient(t, s)
	_, err := describe(c, id)
	checkFaultError(t, FaultHang, err)
	if _, err := describe(c, id); err != nil {
		t.Fatalf("after the hang: %v", err)
	}
}

// TestDocumentedQPS: with WithDocumentedQPS, a burst of
// DescribeCertificateState requests beyond its documented 10 a second is
// throttled, and the first second's worth is not.
func TestDocumentedQPS(t *testing.T) {
	t.Parallel()
	// Every action but the four instance actions whose pages give no
	// quota (CancelPendingCertificate, RevokeCertificate, DeleteInstance,
	// ListInstances).
	if q := DocumentedQPS(); len(q) != len(actions)-4 || q[ActionCancel] != 100 || q[ActionDescribe] != 10 ||
		q[ActionInstanceDetail] != 10 {
		t.Fatalf("DocumentedQPS() = %v", q)
	}
	s := newServer(t, WithDocumentedQPS())
	c := newClient(t, s)
	id := s.Seed(provider.StateIssued)
	const n = 30 // sent well within a second: at most 10 + 10/s pass
	throttled := 0
	for i := range n {
		_, err := describe(c, id)
		switch {
		case err == nil:
		case i < 10:
			t.Fatalf("request %d within the documented quota failed: %v", i+1, err)
		default:
			serverError(t, err, http.StatusBadRequest, codeThrottling)
			throttled++
		}
	}
	if throttled == 0 {
		t.Fatalf("none of %d back-to-back requests was throttled", n)
	}
	if got := countFault(s.Requests(), FaultThrottle); got != throttled {
		t.Errorf("the log shows %d throttled requests, want %d", got, throttled)
	}
}

func countFault(reqs []Request, k FaultKind) int {
	n := 0
	for _, r := range reqs {
		if r.Fault == k {
			n++
		}
	}
	return n
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
		want := Fault{Action: ActionRenew, Kind: k, AfterApply: k != FaultThrottle, Probability: 1, Times: 2, Latency: time.Second}
		s.InjectFault(want)
		got, hit := s.pickFault(ActionRenew)
		s.Close()
		if !hit || got != want {
			t.Errorf("%v: pickFault = %+v, %v; want %+v", k, got, hit, want)
		}
	}
}
