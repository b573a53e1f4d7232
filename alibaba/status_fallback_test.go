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
	"strings"
	"testing"
	"time"

	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/provider"
)

const (
	actDescribe = alibabatest.ActionDescribe
	actList     = alibabatest.ActionList
)

// describeRewriter is a loopback front for emulator s that edits every
// successful DescribeCertificateState answer with edit, standing in for a
// cloud that answers differently. Signatures are still checked by the
// emulator.
func describeRewriter(t *testing.T, s *alibabatest.Server, edit func(map[string]any)) string {
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
			edit(m)
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
// orders first and then BUY, with documented filters only (Keyword only
// for the Domain Describe named), and only then. A row proves the order
// revoked; no row leaves StateUnknown.
func TestStatusFallsBackOnList(t *testing.T) {
	t.Parallel()
	day := 24 * time.Hour
	d, l := actDescribe, actList
	both := []string{d, l, l} // CPACK page 1, BUY page 1
	// namesakes seeds n newer revoked orders whose domains contain
	// domain, so a Keyword of domain lists them too, before the target.
	namesakes := func(s *alibabatest.Server, domain string, n int) {
		for i := range n {
			s.SeedOrder(alibabatest.Order{ID: int64(9100 + i), Status: alibabatest.StatusRevoked,
				Domain: "n" + strconv.Itoa(i) + "." + domain})
		}
	}
	noDomain := func(m map[string]any, _ string) { delete(m, "Domain") }
	suspended := func(m map[string]any, _ string) { m["Type"] = "suspended" }
	for _, tc := range []struct {
		name     string
		seed     func(s *alibabatest.Server) string // returns the ID to read
		edit     func(m map[string]any, id string)  // non-nil: applied to Describe's answer
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
			edit: suspended,
			want: provider.StateRevoked, native: "REVOKED", notAfter: true, calls: []string{d, l}},
		// Not revoked: the list search proves nothing, so the state is
		// not guessed.
		{name: "unrecognised type, expiring", seed: func(s *alibabatest.Server) string { return s.Seed(provider.StateExpiring) },
			edit: suspended,
			want: provider.StateUnknown, native: "suspended", calls: both},
		{name: "unrecognised type, under review", seed: func(s *alibabatest.Server) string { return s.Seed(provider.StateUnderReview) },
			edit: suspended,
			want: provider.StateUnknown, native: "suspended", calls: both},
		{name: "unrecognised type, no row", seed: func(s *alibabatest.Server) string {
			return s.SeedOrder(alibabatest.Order{Type: alibabatest.TypeCertificate, OrderType: alibabatest.OrderTypeBuy})
		}, edit: suspended,
			want: provider.StateUnknown, native: "suspended", calls: both},
		{name: "exact OrderId among namesakes", seed: func(s *alibabatest.Server) string {
			id := s.SeedOrder(alibabatest.Order{ID: 7001, Status: alibabatest.StatusRevoked, Domain: "a.example.com"})
			s.SeedOrder(alibabatest.Order{ID: 7002, Status: alibabatest.StatusRevoked, Domain: "www.a.example.com"})
			return id
		}, want: provider.StateRevoked, native: "REVOKED", notAfter: true, calls: []string{d, l}},
		{name: "row on the second page", seed: func(s *alibabatest.Server) string {
			id := s.SeedOrder(alibabatest.Order{ID: 9001, Status: alibabatest.StatusRevoked, NotAfter: time.Now().Add(-day),
				Domain: "b.example.com"})
			namesakes(s, "b.example.com", listShowSize)
			return id
		}, want: provider.StateRevoked, native: "REVOKED", notAfter: true, calls: []string{d, l, l}},
		{name: "beyond the page bound stays unknown", seed: func(s *alibabatest.Server) string {
			id := s.SeedOrder(alibabatest.Order{ID: 9001, Status: alibabatest.StatusRevoked, Domain: "c.example.com"})
			namesakes(s, "c.example.com", maxListPages*listShowSize)
			return id
		}, want: provider.StateUnknown, native: "unknow", calls: append([]string{d}, slices.Repeat([]string{l}, maxListPages+1)...)},
		// Without a Domain in Describe's answer, no Keyword is sent and
		// the newest revoked orders are paged instead.
		{name: "no Domain: paged without Keyword", seed: func(s *alibabatest.Server) string {
			id := s.SeedOrder(alibabatest.Order{ID: 9001, Status: alibabatest.StatusRevoked})
			for i := range listShowSize {
				s.SeedOrder(alibabatest.Order{ID: int64(9100 + i), Status: alibabatest.StatusRevoked})
			}
			return id
		}, edit: noDomain, want: provider.StateRevoked, native: "REVOKED", notAfter: true, calls: []string{d, l, l}},
		{name: "no Domain: beyond the page bound stays unknown", seed: func(s *alibabatest.Server) string {
			id := s.SeedOrder(alibabatest.Order{ID: 9001, Status: alibabatest.StatusRevoked})
			for i := range maxListPages * listShowSize {
				s.SeedOrder(alibabatest.Order{ID: int64(9100 + i), Status: alibabatest.StatusRevoked})
			}
			return id
		}, edit: noDomain, want: provider.StateUnknown, native: "unknow", calls: append([]string{d}, slices.Repeat([]string{l}, maxListPages+1)...)},
		// A Domain equal to the order ID is never sent as Keyword.
		{name: "Domain equal to the ID is not a Keyword", seed: func(s *alibabatest.Server) string { return s.Seed(provider.StateRevoked) },
			edit: func(m map[string]any, id string) { m["Domain"] = id },
			want: provider.StateRevoked, native: "REVOKED", notAfter: true, calls: []string{d, l}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newEmulator(t)
			id := tc.seed(s)
			o, _ := s.Order(id)
			keyword := o.Domain
			cfg := emulatorConfig(s)
			if tc.edit != nil {
				edit := func(m map[string]any) { tc.edit(m, id) }
				cfg.Endpoint = describeRewriter(t, s, edit)
				probe := map[string]any{"Domain": o.Domain}
				edit(probe)
				if keyword, _ = probe["Domain"].(string); keyword == id {
					keyword = "" // never sent
				}
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
			checkListParams(t, s.Requests(), id, keyword)
			// The result names the request that decided it: the list
			// request that found the row, else DescribeCertificateState.
			reqs := s.Requests()
			decided := reqs[len(reqs)-1]
			if res.State != provider.StateRevoked {
				decided = reqs[0]
			}
			if res.RequestID != decided.RequestID {
				t.Errorf("RequestID = %q, want the %s request's %q", res.RequestID, decided.Action, decided.RequestID)
			}
		})
	}
}

// checkListParams checks what Status sent: never the order ID as
// Keyword (Keyword is a fuzzy match on the domain or resource ID), and for
// each list request the documented filters Status REVOKED and OrderType
// CPACK or BUY (CPACK first), pages counted from 1 within each type,
// ShowSize 50, and Keyword exactly keyword (absent when "").
func checkListParams(t *testing.T, reqs []alibabatest.Request, id, keyword string) {
	t.Helper()
	wantType, wantPage := "CPACK", 1
	for _, r := range reqs {
		if kw, ok := r.Params["Keyword"]; ok && strings.Contains(kw, id) {
			t.Errorf("%s sent the order ID in Keyword=%q", r.Action, kw)
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
		if keyword != "" {
			want["Keyword"] = keyword
		}
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
		{alibabatest.FaultServerError, provider.KindUnavailable, "InternalError"},
		{alibabatest.FaultUnavailable, provider.KindUnavailable, "ServiceUnavailable"},
		{alibabatest.FaultReset, provider.KindUnavailable, ""},
		{alibabatest.FaultMalformed, provider.KindUnavailable, ""},
		{alibabatest.FaultThrottle, provider.KindThrottled, "Throttling.User"},
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
