package alibaba

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
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
// DescribeCertificateState Type is unknow or unrecognised: it looks for
// the order among the REVOKED rows of ListUserCertificateOrder, CPACK
// orders first and then BUY, with documented filters only, and only
// then. A row proves the order revoked; no row leaves StateUnknown.
func TestStatusFallsBackOnList(t *testing.T) {
	t.Parallel()
	day := 24 * time.Hour
	d, l := actDescribe, actList
	both := []string{d, l, l} // CPACK page 1, BUY page 1
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
			want: provider.StateRevoked, native: "REVOKED", notAfter: true, calls: []string{d, l}},
		{name: "notactivated stays unknown", seed: func(s *alibabatest.Server) string {
			return s.SeedOrder(alibabatest.Order{Type: alibabatest.TypeUnknown, Status: alibabatest.StatusNotActivated})
		}, want: provider.StateUnknown, native: "unknow", calls: both},
		// Issue 12.3: a BUY order whose Describe answers unknow read
		// unknown; it is found among the BUY orders.
		{name: "revoked BUY order", seed: func(s *alibabatest.Server) string {
			return s.SeedOrder(alibabatest.Order{Type: alibabatest.TypeUnknown, Status: alibabatest.StatusRevoked,
				OrderType: alibabatest.OrderTypeBuy})
		}, want: provider.StateRevoked, native: "REVOKED", notAfter: true, calls: both},
		{name: "known type needs no list", seed: func(s *alibabatest.Server) string { return s.Seed(provider.StateIssued) },
			want: provider.StateIssued, native: "certificate", notAfter: true, calls: []string{d}},
		{name: "unrecognised type, revoked", seed: func(s *alibabatest.Server) string { return s.Seed(provider.StateRevoked) },
			typ: "suspended", want: provider.StateRevoked, native: "REVOKED", notAfter: true, calls: []string{d, l}},
		// Not revoked: the list search proves nothing, so the state is
		// not guessed.
		{name: "unrecognised type, expiring", seed: func(s *alibabatest.Server) string { return s.Seed(provider.StateExpiring) },
			typ: "suspended", want: provider.StateUnknown, native: "suspended", calls: both},
		{name: "unrecognised type, under review", seed: func(s *alibabatest.Server) string { return s.Seed(provider.StateUnderReview) },
			typ: "suspended", want: provider.StateUnknown, native: "suspended", calls: both},
		{name: "unrecognised type, no row", seed: func(s *alibabatest.Server) string {
			return s.SeedOrder(alibabatest.Order{Type: alibabatest.TypeCertificate, OrderType: alibabatest.OrderTypeBuy})
		}, typ: "suspended", want: provider.StateUnknown, native: "suspended", calls: both},
		{name: "exact OrderId among revoked rows", seed: func(s *alibabatest.Server) string {
			id := s.SeedOrder(alibabatest.Order{ID: 7001, Status: alibabatest.StatusRevoked})
			// A newer revoked order is listed first.
			s.SeedOrder(alibabatest.Order{ID: 7002, Status: alibabatest.StatusRevoked})
			return id
		}, want: provider.StateRevoked, native: "REVOKED", notAfter: true, calls: []string{d, l}},
		{name: "row on the second page", seed: func(s *alibabatest.Server) string {
			id := s.SeedOrder(alibabatest.Order{ID: 9001, Status: alibabatest.StatusRevoked, NotAfter: time.Now().Add(-day)})
			for i := range listShowSize {
				s.SeedOrder(alibabatest.Order{ID: int64(9100 + i), Status: alibabatest.StatusRevoked})
			}
			return id
		}, want: provider.StateRevoked, native: "REVOKED", notAfter: true, calls: []string{d, l, l}},
		{name: "beyond the page bound stays unknown", seed: func(s *alibabatest.Server) string {
			id := s.SeedOrder(alibabatest.Order{ID: 9001, Status: alibabatest.StatusRevoked})
			for i := range maxListPages * listShowSize {
				s.SeedOrder(alibabatest.Order{ID: int64(9100 + i), Status: alibabatest.StatusRevoked})
			}
			return id
		}, want: provider.StateUnknown, native: "unknow", calls: append([]string{d}, slices.Repeat([]string{l}, maxListPages+1)...)},
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
			checkListParams(t, s.Requests(), id)
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

// checkListParams checks what Status sent: never a Keyword (it is a fuzzy
// match on the domain or resource ID, not the order ID), and for each
// list request the documented filters Status REVOKED and OrderType CPACK
// or BUY (CPACK first), pages counted from 1 within each type, and
// ShowSize 50.
func checkListParams(t *testing.T, reqs []alibabatest.Request, id string) {
	t.Helper()
	wantType, wantPage := "CPACK", 1
	for _, r := range reqs {
		if _, ok := r.Params["Keyword"]; ok {
			t.Errorf("%s sent Keyword=%q", r.Action, r.Params["Keyword"])
		}
		if r.Action != actList {
			if r.Params["OrderId"] != id {
				t.Errorf("%s sent OrderId %q, want %s", r.Action, r.Params["OrderId"], id)
			}
			continue
		}
		if r.Params["OrderType"] == "BUY" && wantType == "CPACK" {
			wantType, wantPage = "BUY", 1
		}
		want := map[string]string{"Status": "REVOKED", "OrderType": wantType,
			"CurrentPage": strconv.Itoa(wantPage), "ShowSize": strconv.Itoa(listShowSize)}
		if !maps.Equal(r.Params, want) {
			t.Errorf("list request params %v, want %v", r.Params, want)
		}
		wantPage++
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
