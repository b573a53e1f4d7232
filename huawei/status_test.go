package huawei

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/certbroker/certbroker/huawei/huaweitest"
	"github.com/certbroker/certbroker/provider"
)

// fakeSCM answers the v3 details with status and not_after set to the
// JSON expired, the v2 details with status, and the certificate list with
// one row for testCertID whose expired_time is the JSON expired.
func fakeSCM(status, expired string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "req-"+r.Method)
		switch {
		case strings.HasPrefix(r.URL.Path, "/v3/scm/certificates/") && r.Method == http.MethodGet:
			fmt.Fprintf(w, `{"id":"%s","status":%q,"not_after":%s,"domain":"a.example.com","sans":"b.example.com",`+
				`"domain_count":2,"validity_period":12,"type":"OV_SSL_CERT","brand":"GLOBALSIGN","domain_type":"MULTI_DOMAIN"}`,
				testCertID, status, expired)
		case strings.HasSuffix(r.URL.Path, "/scm/certlist"):
			fmt.Fprintf(w, `{"total":"2","free_remain":"19","order_list":[`+
				`{"cert_id":"%s","order_state":"ISSUED","expired_time":"1"},`+
				`{"cert_id":" %s ","order_status":"ISSUED","expired_time":%s}]}`, otherCertID, testCertID, expired)
		case r.Method == http.MethodGet:
			fmt.Fprintf(w, `{"cert_id":"%s","order_id ":"CS1803192259ROA8U","status":%q,"domain_name":"a.example.com;b.example.com","domain_number":"2"}`,
				testCertID, status)
		default:
			http.Error(w, "unexpected", http.StatusTeapot)
		}
	}
}

// TestStatusMapsEveryNativeStatus covers every documented status, padded
// with spaces as the reference's samples are.
func TestStatusMapsEveryNativeStatus(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	far := strconv.FormatInt(now.Add(200*24*time.Hour).UnixMilli(), 10)
	near := strconv.FormatInt(now.Add(10*24*time.Hour).UnixMilli(), 10)
	cases := []struct {
		native, expiry string
		want           provider.State
	}{
		{"PAID", far, provider.StatePendingApplication},
		{"CHECKING", far, provider.StateUnderReview},
		{"CHECKING_DOMAIN", far, provider.StateUnderReview},
		{"CHECKING_ORG", far, provider.StateUnderReview},
		{"ISSUING", far, provider.StateUnderReview},
		{"SUPPLEMENTCHECKING", far, provider.StateUnderReview},
		{"CANCELCHECKING", far, provider.StateCancelling},
		{"CANCELSUPPLEMENTING", far, provider.StateCancelling},
		{"UNPASSED", far, provider.StateReviewFailed},
		{"ISSUED", far, provider.StateIssued},
		{"ISSUED", near, provider.StateExpiring},
		{"ISSUED", `"` + near + `"`, provider.StateExpiring},
		{"ISSUED", `null`, provider.StateIssued},
		{"EXPIRED", far, provider.StateExpired},
		{"REVOKING", far, provider.StateRevoking},
		// A revocation being withdrawn proves neither an applied Revoke
		// nor a valid certificate: unknown, native kept.
		{"CANCLEREVOKING", far, provider.StateUnknown},
		{"REVOKED", far, provider.StateRevoked},
		{"UPLOAD", far, provider.StateHosted},
		{"SOMETHING_NEW", far, provider.StateUnknown},
		{"", far, provider.StateUnknown},
	}
	for _, c := range cases {
		t.Run(c.native+"_"+c.expiry, func(t *testing.T) {
			t.Parallel()
			s := newStub(t, fakeSCM(" "+c.native+" ", c.expiry))
			a := mustNew(t, stubConfig(s.URL), WithClock(func() time.Time { return now }))
			res, err := a.Status(t.Context(), statusReq(testCertID))
			if err != nil {
				t.Fatal(err)
			}
			if res.State != c.want || res.NativeState != c.native {
				t.Errorf("state %s (native %q), want %s (%q)", res.State, res.NativeState, c.want, c.native)
			}
			if res.ID != testCertID || res.Op != provider.OpStatus || res.Origin != DefaultOrigin || res.RequestID != "req-GET" {
				t.Errorf("result %+v", res)
			}
			// One request, whatever the status: the v3 details carry
			// not_after.
			reqs := s.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1: %+v", len(reqs), reqs)
			}
			if reqs[0].Path != "/v3/scm/certificates/"+testCertID || reqs[0].Method != http.MethodGet {
				t.Errorf("details request %s %s", reqs[0].Method, reqs[0].Path)
			}
			if c.expiry != "null" && res.NotAfter.IsZero() {
				t.Errorf("NotAfter not filled")
			}
			for _, r := range reqs {
				for name := range r.Header {
					if strings.Contains(strings.ToLower(name), "certbroker") {
						t.Errorf("internal header %s reached the wire", name)
					}
				}
			}
		})
	}
}

func TestStatusNotAfter(t *testing.T) {
	t.Parallel()
	exp := time.Date(2026, 12, 1, 12, 30, 0, 0, time.UTC)
	s := newStub(t, fakeSCM("ISSUED", strconv.FormatInt(exp.UnixMilli(), 10)))
	a := mustNew(t, stubConfig(s.URL), WithClock(func() time.Time { return exp.Add(-31 * 24 * time.Hour) }))
	res, err := a.Status(t.Context(), statusReq(testCertID))
	if err != nil {
		t.Fatal(err)
	}
	if !res.NotAfter.Equal(exp) || res.State != provider.StateIssued {
		t.Errorf("NotAfter %v state %s, want %v issued (31 days left)", res.NotAfter, res.State, exp)
	}
}

func TestParseExpiry(t *testing.T) {
	t.Parallel()
	want := time.Date(2026, 12, 1, 12, 30, 0, 0, time.UTC)
	for _, in := range []string{
		strconv.FormatInt(want.UnixMilli(), 10),
		strconv.FormatInt(want.Unix(), 10),
		"2026-12-01T12:30:00Z",
		"2026-12-01 12:30:00",
		"1.7964954e12",
	} {
		got, err := parseExpiry(in)
		if err != nil {
			t.Errorf("parseExpiry(%q): %v", in, err)
			continue
		}
		if in == "1.7964954e12" {
			if got.Year() != 2026 {
				t.Errorf("parseExpiry(%q) = %v", in, got)
			}
			continue
		}
		if !got.Equal(want) {
			t.Errorf("parseExpiry(%q) = %v, want %v", in, got, want)
		}
	}
	for _, bad := range []string{"soon", "-5", "0", "12/01/2026"} {
		if _, err := parseExpiry(bad); err == nil {
			t.Errorf("parseExpiry(%q) accepted", bad)
		}
	}
	if got, err := parseExpiry(""); err != nil || !got.IsZero() {
		t.Errorf("parseExpiry(\"\") = %v, %v", got, err)
	}
}

// TestStatusLenientDecode: fields SCM writes in an unexpected form leave
// those fields empty and never fail the response. A not_after that cannot
// be read leaves NotAfter zero and ISSUED reads as issued.
func TestStatusLenientDecode(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, body string }{
		{"object not_after", `{"id":"` + testCertID + `","status":"ISSUED","not_after":{"a":1}}`},
		{"word not_after", `{"id":"` + testCertID + `","status":"ISSUED","not_after":"soon"}`},
		{"array not_after", `{"id":"` + testCertID + `","status":"ISSUED","not_after":[1,2]}`},
		{"bad counts", `{"id":"` + testCertID + `","status":"ISSUED","domain_count":"many","validity_period":{},"not_after":""}`},
		{"numeric strings", `{"id":12,"status":"ISSUED","type":true,"brand":null,"not_after":false}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := newStub(t, answer(200, c.body))
			a := mustNew(t, stubConfig(s.URL))
			res, err := a.Status(t.Context(), statusReq(testCertID))
			if err != nil {
				t.Fatalf("Status failed on one odd field: %v", err)
			}
			if res.State != provider.StateIssued || res.NativeState != "ISSUED" || !res.NotAfter.IsZero() {
				t.Errorf("state %s native %q NotAfter %v; want issued, ISSUED, zero", res.State, res.NativeState, res.NotAfter)
			}
		})
	}
}

// TestStatusUndecodableBody: a 200 that is not JSON at all is still
// unavailable for a read.
func TestStatusUndecodableBody(t *testing.T) {
	t.Parallel()
	s := newStub(t, answer(200, `{"status": "ISS`))
	a := mustNew(t, stubConfig(s.URL))
	_, err := a.Status(t.Context(), statusReq(testCertID))
	if pe := asProviderError(t, err); pe.Kind != provider.KindUnavailable || pe.HTTPStatus != 200 {
		t.Errorf("got %v, want unavailable with HTTP 200", err)
	}
}

// TestRenewRefusedForEveryOtherStatus: Renew reads the details and refuses
// every status but ISSUED before buying anything, including the v3-only
// statuses the emulator does not hold.
func TestRenewRefusedForEveryOtherStatus(t *testing.T) {
	t.Parallel()
	for _, native := range []string{
		"PAID", "CHECKING", "CHECKING_DOMAIN", "CHECKING_ORG", "ISSUING", "SUPPLEMENTCHECKING", "CANCELCHECKING",
		"CANCELSUPPLEMENTING", "UNPASSED", "EXPIRED", "REVOKING", "CANCLEREVOKING", "REVOKED", "UPLOAD", "NEW_STATUS",
	} {
		s := newStub(t, fakeSCM(native, "null"))
		cfg := stubConfig(s.URL)
		cfg.RenewByPurchase = true
		a := mustNew(t, cfg)
		_, err := a.Renew(t.Context(), provider.RenewRequest{ID: testCertID})
		if pe := asProviderError(t, err); pe.Kind != provider.KindInvalidState || !strings.Contains(pe.Message, native) {
			t.Errorf("%s: %v", native, err)
		}
		if n := len(s.requests()); n != 1 {
			t.Errorf("%s: %d requests, want only the details", native, n)
		}
	}
}

// TestStatusOneRequestAgainstEmulator: Status of an issued certificate is
// exactly one request, the v3 details, whichever time format the emulator
// writes not_after in, and NotAfter is the certificate's expiry.
func TestStatusOneRequestAgainstEmulator(t *testing.T) {
	t.Parallel()
	for _, f := range []huaweitest.TimeFormat{huaweitest.TimeMillis, huaweitest.TimeDateTime, huaweitest.TimeRFC3339, huaweitest.TimeListSample} {
		for _, st := range []provider.State{provider.StateIssued, provider.StateExpiring} {
			t.Run(fmt.Sprintf("format=%d/%s", f, st), func(t *testing.T) {
				t.Parallel()
				h := newEmulated(t, false, huaweitest.WithTimeFormat(f))
				id := h.srv.Seed(st)
				cert, _ := h.srv.Cert(id)
				res, err := h.a.Status(t.Context(), statusReq(id))
				if err != nil {
					t.Fatal(err)
				}
				reqs := h.srv.Requests()
				if len(reqs) != 1 || reqs[0].Action != huaweitest.ActionDetails || reqs[0].Path != "/v3/scm/certificates/"+id {
					t.Fatalf("requests %+v, want one v3 details", reqs)
				}
				if d := res.NotAfter.Sub(cert.NotAfter); res.State != st || d <= -time.Second || d >= time.Second {
					t.Fatalf("state %s NotAfter %v; want %s %v", res.State, res.NotAfter, st, cert.NotAfter)
				}
			})
		}
	}
}

// TestFlexScalar: the fast path for plain strings agrees with
// encoding/json, and odd input never panics.
func TestFlexScalar(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		`"ISSUED"`: "ISSUED", `" ISSUED "`: "ISSUED", `"a\"b"`: `a"b`, `"\u00e9t\u00e9"`: "été", `"été"`: "été",
		`12`: "12", `-1.5e3`: "-1.5e3", `null`: "", ``: "", `""`: "",
	}
	for in, want := range cases {
		if got, err := flexScalar([]byte(in)); err != nil || got != want {
			t.Errorf("flexScalar(%s) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{`"`, `"abc`, `-`, `1-2`, `{}`, `[1]`, `true`, `"\x`} {
		if got, err := flexScalar([]byte(bad)); err == nil {
			t.Errorf("flexScalar(%s) = %q, want an error", bad, got)
		}
	}
}
