package alibabatest

import (
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/cas"

	"github.com/certbroker/certbroker/provider"
)

// outcome is what an action should do to an order in a given state: either
// succeed and leave the order in state after (gone if !exists), or fail
// with code.
type outcome struct {
	code   string
	after  provider.State
	exists bool
}

func ok(after provider.State) outcome { return outcome{after: after, exists: true} }

var (
	stateErr = outcome{code: codeOrderStateError}
	gone     = outcome{}
)

// seeded is a way to create an order for the table: a normalized state, or
// a native order for states Seed does not produce (process).
type seeded struct {
	name  string
	state provider.State
	order *Order
}

func (sd seeded) seed(s *Server) string {
	if sd.order != nil {
		return s.SeedOrder(*sd.order)
	}
	return s.Seed(sd.state)
}

var seeds = []seeded{
	{name: "pending", state: provider.StatePendingApplication},
	{name: "cancelled", state: provider.StateCancelled},
	{name: "domain_verify", state: provider.StateUnderReview},
	{name: "process", state: provider.StateUnderReview, order: &Order{Type: TypeProcess}},
	{name: "review_failed", state: provider.StateReviewFailed},
	{name: "issued", state: provider.StateIssued},
	{name: "expiring", state: provider.StateExpiring},
	{name: "expired", state: provider.StateExpired},
	{name: "revoked", state: provider.StateRevoked},
}

func TestEveryActionFromEveryState(t *testing.T) {
	t.Parallel()
	type call func(c *cas.Client, id string) error
	actionsUnderTest := []struct {
		name string
		do   call
		want map[string]outcome // by seeds[i].name; missing means OrderStateError
	}{
		{"cancel", cancelOrder, map[string]outcome{
			"domain_verify": ok(provider.StateCancelled),
			"process":       ok(provider.StateCancelled),
		}},
		{"revoke", revoke, map[string]outcome{
			// CancelCertificateForPackageRequest cancels a pending
			// order (quota returned; see TestRevokeQuota).
			"pending":   gone,
			"cancelled": gone,
			"issued":    ok(provider.StateRevoked),
			"expiring":  ok(provider.StateRevoked),
		}},
		{"delete", deleteOrder, map[string]outcome{
			"review_failed": gone,
			"cancelled":     gone,
		}},
		{"renew", func(c *cas.Client, id string) error { _, err := renew(c, id, ""); return err }, map[string]outcome{
			"expiring": ok(provider.StateExpiring),
		}},
	}
	for _, a := range actionsUnderTest {
		for _, sd := range seeds {
			t.Run(a.name+"/"+sd.name, func(t *testing.T) {
				t.Parallel()
				s := newServer(t)
				id := sd.seed(s)
				if st, _ := s.State(id); st != sd.state {
					t.Fatalf("seeded state %v, want %v", st, sd.state)
				}
				want, listed := a.want[sd.name]
				if !listed {
					want = stateErr
					want.after, want.exists = sd.state, true
				}
				err := a.do(newClient(t, s), id)
				if want.code != "" {
					serverError(t, err, http.StatusForbidden, want.code)
				} else if err != nil {
					t.Fatalf("%s: %v", a.name, err)
				}
				st, exists := s.State(id)
				if exists != want.exists || (exists && st != want.after) {
					t.Fatalf("after %s: state %v exists=%v, want %v exists=%v", a.name, st, exists, want.after, want.exists)
				}
				renewed := len(s.Renewals())
				if wantRenewed := b2i(a.name == "renew" && want.code == ""); renewed != wantRenewed {
					t.Fatalf("%d renewals, want %d", renewed, wantRenewed)
				}
			})
		}
		t.Run(a.name+"/missing", func(t *testing.T) {
			t.Parallel()
			s := newServer(t)
			serverError(t, a.do(newClient(t, s), "987654321"), http.StatusNotFound, codeNotFoundOrder)
		})
	}
}

// TestRevokeQuota checks which CancelCertificateForPackageRequest calls
// give the order's quota back: a pending order's always (it is
// cancelled), an issued one's only within quotaReturnWindow of issuance,
// a refused call's never.
func TestRevokeQuota(t *testing.T) {
	t.Parallel()
	now := time.Now().UTC().Truncate(time.Second) // a fixed clock near the SDK's Timestamp
	day := 24 * time.Hour
	for _, tc := range []struct {
		name   string
		order  Order
		quota  bool
		exists bool           // the order still exists afterwards
		code   string         // a refusal
		after  provider.State // when it exists
	}{
		{"pending", Order{Type: TypePayed}, true, false, "", 0},
		{"cancelled", Order{Type: TypePayed, Cancelled: true}, true, false, "", 0},
		{"issued 10 days ago", Order{Type: TypeCertificate, NotBefore: now.Add(-10 * day), NotAfter: now.Add(355 * day)},
			true, true, "", provider.StateRevoked},
		{"issued exactly 30 days ago", Order{Type: TypeCertificate, NotBefore: now.Add(-quotaReturnWindow), NotAfter: now.Add(300 * day)},
			true, true, "", provider.StateRevoked},
		{"issued 31 days ago", Order{Type: TypeCertificate, NotBefore: now.Add(-31 * day), NotAfter: now.Add(300 * day)},
			false, true, "", provider.StateRevoked},
		{"expiring", Order{Type: TypeCertificate, Status: StatusWillExpire}, false, true, "", provider.StateRevoked},
		{"under review", Order{Type: TypeDomainVerify}, false, true, codeOrderStateError, provider.StateUnderReview},
		{"review failed", Order{Type: TypeVerifyFail}, false, true, codeOrderStateError, provider.StateReviewFailed},
		{"expired", Order{Type: TypeCertificate, Status: StatusExpired}, false, true, codeOrderStateError, provider.StateExpired},
		{"revoked", Order{Status: StatusRevoked}, false, true, codeOrderStateError, provider.StateRevoked},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, WithClock(func() time.Time { return now }))
			id := s.SeedOrder(tc.order)
			err := revoke(newClient(t, s), id)
			if tc.code != "" {
				serverError(t, err, http.StatusForbidden, tc.code)
			} else if err != nil {
				t.Fatalf("revoke: %v", err)
			}
			st, exists := s.State(id)
			if exists != tc.exists || (exists && st != tc.after) {
				t.Errorf("afterwards: %v exists=%v, want %v exists=%v", st, exists, tc.after, tc.exists)
			}
			q := s.QuotaReturns()
			switch {
			case tc.quota && (len(q) != 1 || q[0].OrderID != id || q[0].Action != ActionRevoke || !q[0].Time.Equal(now)):
				t.Errorf("quota returns %+v, want one for %s by %s", q, id, ActionRevoke)
			case !tc.quota && len(q) != 0:
				t.Errorf("quota returns %+v, want none", q)
			}
			if !tc.exists {
				// The cancelled order is gone: it never reads as revoked.
				serverError(t, describeErr(newClient(t, s), id), http.StatusNotFound, codeNotFoundOrder)
			}
		})
	}
}

// describeErr sends DescribeCertificateState and returns its error.
func describeErr(c *cas.Client, id string) error {
	r := cas.CreateDescribeCertificateStateRequest()
	r.OrderId = requests.Integer(id)
	_, err := c.DescribeCertificateState(r)
	return err
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestDescribeEveryState(t *testing.T) {
	t.Parallel()
	wantType := map[string]string{
		"pending": TypePayed, "cancelled": TypePayed, "domain_verify": TypeDomainVerify,
		"process": TypeProcess, "review_failed": TypeVerifyFail, "issued": TypeCertificate,
		"expiring": TypeCertificate, "expired": TypeCertificate, "revoked": TypeUnknown,
	}
	s := newServer(t)
	c := newClient(t, s)
	for _, sd := range seeds {
		id := sd.seed(s)
		resp, err := describe(c, id)
		if err != nil {
			t.Fatalf("%s: %v", sd.name, err)
		}
		if resp.Type != wantType[sd.name] || resp.RequestId == "" {
			t.Errorf("%s: Type %q RequestId %q, want Type %q", sd.name, resp.Type, resp.RequestId, wantType[sd.name])
		}
		o, _ := s.Order(id)
		if resp.Domain != o.Domain {
			t.Errorf("%s: Domain %q, want %q", sd.name, resp.Domain, o.Domain)
		}
		hasCert := resp.Type == TypeCertificate
		if (resp.Certificate != "") != hasCert || (resp.PrivateKey == PrivateKeyPlaceholder) != hasCert {
			t.Errorf("%s: certificate %v private key %q", sd.name, resp.Certificate != "", resp.PrivateKey)
		}
		if hasCert {
			checkCertificate(t, resp.Certificate, o)
		}
		if (resp.RecordDomain != "") != (resp.Type == TypeDomainVerify) {
			t.Errorf("%s: RecordDomain %q", sd.name, resp.RecordDomain)
		}
		if st, _ := s.State(id); st != sd.state {
			t.Errorf("%s: describe changed the state to %v", sd.name, st)
		}
	}
}

// checkCertificate asserts text is a PEM certificate for order o.
func checkCertificate(t *testing.T, text string, o Order) {
	t.Helper()
	b, _ := pem.Decode([]byte(text))
	if b == nil || b.Type != "CERTIFICATE" {
		t.Fatalf("certificate is not PEM: %q", text)
	}
	c, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		t.Fatalf("parse certificate: %v", err)
	}
	if !c.NotAfter.Equal(o.NotAfter.Truncate(time.Second)) || c.Subject.CommonName != o.Domain || c.SerialNumber.Int64() != o.ID {
		t.Fatalf("certificate NotAfter %v CN %q serial %v, want %v %q %d", c.NotAfter, c.Subject.CommonName, c.SerialNumber, o.NotAfter, o.Domain, o.ID)
	}
}

func TestOrderIDValidation(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	c := newClient(t, s)
	tests := []struct {
		id, code string
	}{
		{"", codeMissingParameter},
		{"abc", codeInvalidParameter},
		{"-5", codeInvalidParameter},
		{"0", codeInvalidParameter},
		{"1.5", codeInvalidParameter},
		{"99999999999999999999", codeInvalidParameter},
		{"../1", codeInvalidParameter},
	}
	for _, tt := range tests {
		_, err := describe(c, tt.id)
		serverError(t, err, http.StatusBadRequest, tt.code)
	}
}

func TestRenewCreatesNewPayedOrder(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	c := newClient(t, s)
	src := s.Seed(provider.StateExpiring)
	resp, err := renew(c, src, "")
	if err != nil {
		t.Fatal(err)
	}
	newID := itoaID(resp.OrderId)
	if resp.OrderId <= 0 || newID == src {
		t.Fatalf("new OrderId %d, source %s", resp.OrderId, src)
	}
	if st, ok := s.State(newID); !ok || st != provider.StatePendingApplication {
		t.Fatalf("new order state %v %v, want pending application", st, ok)
	}
	n, _ := s.Order(newID)
	o, _ := s.Order(src)
	if n.RenewedFrom != o.ID || n.Domain != o.Domain || n.Type != TypePayed || n.Status != StatusPayed || n.Cancelled {
		t.Fatalf("new order %+v from %+v", n, o)
	}
	r := s.Renewals()
	if len(r) != 1 || r[0].From != src || r[0].NewID != newID {
		t.Fatalf("renewals %+v", r)
	}
	// A second renewal creates yet another order: renew is not idempotent.
	resp2, err := renew(c, src, "")
	if err != nil || resp2.OrderId == resp.OrderId {
		t.Fatalf("second renewal: %v, OrderId %d", err, resp2.OrderId)
	}
	reqs := s.Requests()
	if last := reqs[len(reqs)-1]; last.Action != ActionRenew || last.ID != src || !last.Applied || last.NewID != itoaID(resp2.OrderId) || last.HTTPStatus != 200 {
		t.Fatalf("log entry %+v", last)
	}
}

func TestCertificateStatusFollowsTheClock(t *testing.T) {
	t.Parallel()
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := &fakeClock{t: now}
	s := newServer(t, WithClock(clock.Now))
	id := s.Seed(provider.StateIssued) // NotAfter one year ahead
	steps := []struct {
		at   time.Time
		want provider.State
	}{
		{now, provider.StateIssued},
		{now.Add(340 * 24 * time.Hour), provider.StateExpiring},
		{now.Add(366 * 24 * time.Hour), provider.StateExpired},
	}
	for _, st := range steps {
		clock.Set(st.at)
		if got, _ := s.State(id); got != st.want {
			t.Fatalf("at %v: %v, want %v", st.at, got, st.want)
		}
	}
}
