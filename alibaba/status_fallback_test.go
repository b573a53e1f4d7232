package alibaba

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/provider"
)

const (
	actDescribe = alibabatest.ActionDescribe
	actList     = alibabatest.ActionList
)

// typeRewriter is a loopback front for emulator s that replaces the Type
// of every successful DescribeCertificateState answer with typ, standing
// in for a cloud that answers a Type the adapter does not know. Signatures
// are still checked by the emulator.
func typeRewriter(t *testing.T, s *alibabatest.Server, typ string) string {
	t.Helper()
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("Action") != actDescribe {
			s.Handler().ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		var m map[string]any
		if rec.Code == http.StatusOK && json.Unmarshal(body, &m) == nil {
			m["Type"] = typ
			body, _ = json.Marshal(m)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	}))
	t.Cleanup(front.Close)
	return front.URL
}

// actions lists the actions of the emulator's request log.
func actions(s *alibabatest.Server) []string {
	var out []string
	for _, r := range s.Requests() {
		out = append(out, r.Action)
	}
	return out
}

// TestStatusFallsBackOnList checks Status for orders whose
// DescribeCertificateState Type is unknow or unrecognised: it reads the
// order's ListUserCertificateOrder row, and only then.
func TestStatusFallsBackOnList(t *testing.T) {
	t.Parallel()
	day := 24 * time.Hour
	for _, tc := range []struct {
		name     string
		seed     func(s *alibabatest.Server) string // returns the ID to read
		typ      string                             // non-empty: Describe answers this Type
		want     provider.State
		native   string
		notAfter bool // NotAfter is the order's, to the millisecond
		calls    []string
	}{
		{name: "revoked", seed: func(s *alibabatest.Server) string { return s.Seed(provider.StateRevoked) },
			want: provider.StateRevoked, native: "REVOKED", notAfter: true, calls: []string{actDescribe, actList}},
		{name: "notactivated stays unknown", seed: func(s *alibabatest.Server) string {
			return s.SeedOrder(alibabatest.Order{Type: alibabatest.TypeUnknown, Status: alibabatest.StatusNotActivated})
		}, want: provider.StateUnknown, native: "NOTACTIVATED", calls: []string{actDescribe, actList}},
		{name: "no CPACK row keeps unknow", seed: func(s *alibabatest.Server) string {
			return s.SeedOrder(alibabatest.Order{Type: alibabatest.TypeUnknown, Status: alibabatest.StatusRevoked,
				OrderType: alibabatest.OrderTypeBuy})
		}, want: provider.StateUnknown, native: "unknow", calls: []string{actDescribe, actList}},
		{name: "known type needs no list", seed: func(s *alibabatest.Server) string { return s.Seed(provider.StateIssued) },
			want: provider.StateIssued, native: "certificate", notAfter: true, calls: []string{actDescribe}},
		{name: "unrecognised type, revoked", seed: func(s *alibabatest.Server) string { return s.Seed(provider.StateRevoked) },
			typ: "suspended", want: provider.StateRevoked, native: "REVOKED", notAfter: true, calls: []string{actDescribe, actList}},
		{name: "unrecognised type, expiring", seed: func(s *alibabatest.Server) string { return s.Seed(provider.StateExpiring) },
			typ: "suspended", want: provider.StateExpiring, native: "WILLEXPIRED", notAfter: true, calls: []string{actDescribe, actList}},
		{name: "unrecognised type, under review", seed: func(s *alibabatest.Server) string { return s.Seed(provider.StateUnderReview) },
			typ: "suspended", want: provider.StateUnderReview, native: "CHECKING", calls: []string{actDescribe, actList}},
		{name: "unrecognised type, no row", seed: func(s *alibabatest.Server) string {
			return s.SeedOrder(alibabatest.Order{Type: alibabatest.TypeCertificate, OrderType: alibabatest.OrderTypeBuy})
		}, typ: "suspended", want: provider.StateUnknown, native: "suspended", calls: []string{actDescribe, actList}},
		{name: "exact OrderId among keyword matches", seed: func(s *alibabatest.Server) string {
			id := s.SeedOrder(alibabatest.Order{ID: 7001, Status: alibabatest.StatusRevoked})
			// A newer order whose domain contains the ID is listed first.
			s.SeedOrder(alibabatest.Order{ID: 7002, Type: alibabatest.TypeCertificate, Domain: "a7001.example.com"})
			return id
		}, want: provider.StateRevoked, native: "REVOKED", notAfter: true, calls: []string{actDescribe, actList}},
		{name: "row on the second page", seed: func(s *alibabatest.Server) string {
			id := s.SeedOrder(alibabatest.Order{ID: 9001, Status: alibabatest.StatusRevoked, NotAfter: time.Now().Add(-day)})
			for i := range listShowSize {
				s.SeedOrder(alibabatest.Order{ID: int64(9100 + i), Type: alibabatest.TypePayed,
					Domain: "x9001-" + strconv.Itoa(i) + ".example.com"})
			}
			return id
		}, want: provider.StateRevoked, native: "REVOKED", notAfter: true, calls: []string{actDescribe, actList, actList}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newEmulator(t)
			id := tc.seed(s)
			cfg := emulatorConfig(s)
			if tc.typ != "" {
				cfg.Endpoint = typeRewriter(t, s, tc.typ)
			}
			a := newTestAdapter(t, cfg)
			res, err := a.Status(t.Context(), provider.StatusRequest{ID: id})
			if err != nil {
				t.Fatalf("status: %v", err)
			}
			checkResult(t, res, provider.OpStatus, id)
			if res.State != tc.want || res.NativeState != tc.native {
				t.Errorf("status = %s/%q, want %s/%q", res.State, res.NativeState, tc.want, tc.native)
			}
			o, _ := s.Order(id)
			switch {
			case tc.notAfter && !res.NotAfter.Equal(o.NotAfter.Truncate(time.Second)) &&
				!res.NotAfter.Equal(o.NotAfter.Truncate(time.Millisecond)):
				t.Errorf("NotAfter = %v, want %v", res.NotAfter, o.NotAfter)
			case !tc.notAfter && !res.NotAfter.IsZero():
				t.Errorf("NotAfter = %v, want zero", res.NotAfter)
			}
			if got := actions(s); !slices.Equal(got, tc.calls) {
				t.Errorf("the emulator saw %v, want %v", got, tc.calls)
			}
			// The result names the request that decided it: the list
			// request that found the row, else DescribeCertificateState.
			reqs := s.Requests()
			decided := reqs[len(reqs)-1]
			if tc.native == "unknow" || tc.native == tc.typ {
				decided = reqs[0]
			}
			if res.RequestID != decided.RequestID {
				t.Errorf("RequestID = %q, want the %s request's %q", res.RequestID, decided.Action, decided.RequestID)
			}
		})
	}
}

// TestStatusFallbackErrors injects faults into ListUserCertificateOrder
// only: the fallback's failures are Status failures, never outcome
// unknown.
func TestStatusFallbackErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		fault alibabatest.FaultKind
		want  provider.Kind
		code  string
	}{
		{alibabatest.FaultServerError, provider.KindUnavailable, alibabatest.CodeInternalError},
		{alibabatest.FaultUnavailable, provider.KindUnavailable, alibabatest.CodeServiceUnavailable},
		{alibabatest.FaultReset, provider.KindUnavailable, ""},
		{alibabatest.FaultMalformed, provider.KindUnavailable, ""},
		{alibabatest.FaultThrottle, provider.KindThrottled, alibabatest.CodeThrottling},
	} {
		t.Run(tc.fault.String(), func(t *testing.T) {
			t.Parallel()
			s := newEmulator(t)
			id := s.Seed(provider.StateRevoked)
			s.InjectFault(alibabatest.Fault{Kind: tc.fault, Action: actList})
			a := adapterFor(t, s)
			res, err := a.Status(t.Context(), provider.StatusRequest{ID: id})
			if err == nil {
				t.Fatalf("status = %+v, want an error", res)
			}
			var pe *provider.Error
			if !errors.As(err, &pe) || pe.Kind != tc.want || pe.Op != provider.OpStatus || pe.ID != id || pe.Code != tc.code {
				t.Fatalf("error = %#v, want kind %s, op status, ID %s, code %q", err, tc.want, id, tc.code)
			}
			reqs := s.Requests()
			if len(reqs) != 2 || reqs[0].Action != actDescribe || reqs[0].Fault != 0 ||
				reqs[1].Action != actList || reqs[1].Fault != tc.fault {
				t.Errorf("the emulator saw %+v, want a clean Describe then a faulted List", reqs)
			}
		})
	}
}

// TestStatusFallbackIsCancellable cancels the context while the list
// request hangs: the request is aborted and the error is a Status one
// with the context's error in its chain.
func TestStatusFallbackIsCancellable(t *testing.T) {
	t.Parallel()
	s := newEmulator(t)
	id := s.Seed(provider.StateRevoked)
	s.InjectFault(alibabatest.Fault{Kind: alibabatest.FaultHang, Action: actList})
	a := newTestAdapter(t, emulatorConfig(s)) // 30s timeout: only the context ends the call in time
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := a.Status(ctx, provider.StatusRequest{ID: id})
		done <- err
	}()
	if err := s.WaitForRequests(t.Context(), 2); err != nil {
		t.Fatal(err)
	}
	cancel()
	err := <-done
	if provider.KindOf(err) != provider.KindUnavailable || !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v (kind %s), want unavailable wrapping context.Canceled", err, provider.KindOf(err))
	}
}

func TestMapListStatus(t *testing.T) {
	t.Parallel()
	for status, want := range map[string]provider.State{
		"PAYED": provider.StatePendingApplication, "CHECKING": provider.StateUnderReview,
		"CHECKED_FAIL": provider.StateReviewFailed, "ISSUED": provider.StateIssued,
		"WILLEXPIRED": provider.StateExpiring, "EXPIRED": provider.StateExpired,
		"REVOKED": provider.StateRevoked, "NOTACTIVATED": provider.StateUnknown,
		"": provider.StateUnknown, "revoked": provider.StateUnknown, "SUSPENDED": provider.StateUnknown,
	} {
		if got := mapListStatus(status); got != want {
			t.Errorf("mapListStatus(%q) = %s, want %s", status, got, want)
		}
	}
}
