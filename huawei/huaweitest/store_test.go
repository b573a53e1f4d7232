package huaweitest

import (
	"fmt"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/certbroker/certbroker/provider"
)

var certIDPattern = regexp.MustCompile(`^scs[0-9]{13}$`)

// TestSeedRoundTrip seeds every normalized state and reads it back, out of
// band and through the details API.
func TestSeedRoundTrip(t *testing.T) {
	t.Parallel()
	s, c := newServer(t)
	native := map[provider.State]string{
		provider.StatePendingApplication: StatusPaid,
		provider.StateUnderReview:        StatusChecking,
		provider.StateCancelling:         StatusCancelChecking,
		provider.StateCancelled:          StatusPaid,
		provider.StateReviewFailed:       StatusUnpassed,
		provider.StateIssued:             StatusIssued,
		provider.StateExpiring:           StatusIssued,
		provider.StateRevoking:           StatusRevoking,
		provider.StateRevoked:            StatusRevoked,
		provider.StateExpired:            StatusExpired,
		provider.StateHosted:             StatusUpload,
	}
	if len(States()) != len(native) {
		t.Fatalf("States() has %d entries; want %d", len(States()), len(native))
	}
	for _, st := range States() {
		t.Run(st.String(), func(t *testing.T) {
			t.Parallel()
			id := s.Seed(st)
			if !certIDPattern.MatchString(id) {
				t.Fatalf("seeded ID %q is not scs + 13 digits", id)
			}
			if got, ok := s.State(id); !ok || got != st {
				t.Fatalf("State = %v, %v; want %v", got, ok, st)
			}
			cert, _ := s.Cert(id)
			if cert.Status != native[st] || cert.ProjectID != s.ProjectID() {
				t.Fatalf("cert %+v; want status %s in %s", cert, native[st], s.ProjectID())
			}
			if cert.Cancelled != (st == provider.StateCancelled) {
				t.Fatalf("Cancelled = %v for %v", cert.Cancelled, st)
			}
			if wantSource := SourcePurchased; st == provider.StateHosted && cert.Source != SourceUploaded ||
				st != provider.StateHosted && cert.Source != wantSource {
				t.Fatalf("source %q for %v", cert.Source, st)
			}
			d, err := c.details(id)
			if err != nil || d.Status != native[st] {
				t.Fatalf("details %+v, %v; want status %s", d, err, native[st])
			}
		})
	}
}

func TestSeedPanics(t *testing.T) {
	t.Parallel()
	s := NewServer()
	t.Cleanup(s.Close)
	used := s.Seed(provider.StateIssued)
	tests := []struct {
		name string
		f    func()
	}{
		{"unknown state", func() { s.Seed(provider.StateUnknown) }},
		{"out of range state", func() { s.Seed(provider.State(99)) }},
		{"malformed ID", func() { s.SeedCert(Cert{ID: "scs1"}) }},
		{"used ID", func() { s.SeedCert(Cert{ID: used}) }},
		{"unknown status", func() { s.SeedCert(Cert{Status: "DONE"}) }},
		{"unknown project", func() { s.SeedCert(Cert{ProjectID: "other"}) }},
		{"unknown source", func() { s.SeedCert(Cert{Source: "stolen"}) }},
		{"cancelled but not PAID", func() { s.SeedCert(Cert{Status: StatusIssued, Cancelled: true}) }},
		{"empty credentials", func() { WithAccessKey("", "x") }},
		{"bad project ID", func() { WithProjectID("a/b") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			tt.f()
		})
	}
}

func TestSeedCertKeepsFields(t *testing.T) {
	t.Parallel()
	s := NewServer()
	t.Cleanup(s.Close)
	notAfter := time.Now().Add(100 * 24 * time.Hour).Truncate(time.Second)
	in := Cert{
		ID: "scs1481110651012", OrderID: "CS1803192259ROA8U", Status: StatusIssued,
		Brand: "CFCA", Type: "DV_SSL_CERT", DomainType: "WILDCARD", DomainCount: 1, DomainName: "*.example.com",
		AltNames: []string{"x.example.com"}, Name: "wild", Description: "d", EffectiveTime: 2,
		NotAfter: notAfter, Source: SourceFree,
	}
	id := s.SeedCert(in)
	in.AltNames[0] = "changed by the caller"
	got, ok := s.Cert(id)
	in.AltNames[0] = "x.example.com"
	in.ProjectID = s.ProjectID()
	if !ok || fmt.Sprint(got) != fmt.Sprint(in) {
		t.Fatalf("Cert\n got %+v\nwant %+v", got, in)
	}
	got.AltNames[0] = "changed via the copy"
	if again, _ := s.Cert(id); again.AltNames[0] != "x.example.com" {
		t.Fatal("Cert returned shared memory")
	}
	if _, ok := s.Cert(s.UnknownID()); ok {
		t.Fatal("UnknownID names a certificate")
	}
	if _, ok := s.State("scs0000000000000"); ok {
		t.Fatal("State of a missing certificate reports ok")
	}
}

// TestSettleOnDemand: without a settle delay, pending transitions wait for
// Settle or SettleAll.
func TestSettleOnDemand(t *testing.T) {
	t.Parallel()
	s, c := newServer(t)
	checking := s.Seed(provider.StateUnderReview)
	issued := s.Seed(provider.StateIssued)
	supplement := s.SeedCert(Cert{Status: StatusSupplementChecking, DomainType: "MULTI_DOMAIN"})
	if _, err := c.cancel(checking); err != nil {
		t.Fatal(err)
	}
	if _, err := c.revoke(issued, ptr("superseded")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.cancel(supplement); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]provider.State{checking: provider.StateCancelling, issued: provider.StateRevoking, supplement: provider.StateIssued} {
		if got, _ := s.State(id); got != want {
			t.Fatalf("%s before settling: %v; want %v", id, got, want)
		}
	}
	wantNative(t, s, supplement, StatusCancelSupplementing)

	s.Settle(checking)
	if got, _ := s.State(checking); got != provider.StateCancelled {
		t.Fatalf("after Settle: %v; want cancelled", got)
	}
	if got, _ := s.State(issued); got != provider.StateRevoking {
		t.Fatalf("Settle of one cert moved another to %v", got)
	}
	d, err := c.details(checking)
	if err != nil || d.Status != StatusPaid {
		t.Fatalf("details after settling cancel: %+v, %v", d, err)
	}

	s.SettleAll()
	wantNative(t, s, issued, StatusRevoked)
	wantNative(t, s, supplement, StatusIssued)
	s.Settle(issued)        // nothing pending: no change
	s.Settle(s.UnknownID()) // unknown: no-op
	wantNative(t, s, issued, StatusRevoked)
}

// TestSettleDelay: with WithSettleDelay the fake clock completes the
// transitions; the SDK still signs with the real time, within the window.
func TestSettleDelay(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	s, c := newServer(t, WithClock(clock.Now), WithSettleDelay(10*time.Minute))
	checking := s.Seed(provider.StateUnderReview)
	issued := s.Seed(provider.StateIssued)
	if _, err := c.cancel(checking); err != nil {
		t.Fatal(err)
	}
	clock.Advance(5 * time.Minute)
	if _, err := c.revoke(issued, ptr("superseded")); err != nil {
		t.Fatal(err)
	}
	clock.Advance(5*time.Minute - time.Second)
	if got, _ := s.State(checking); got != provider.StateCancelling {
		t.Fatalf("just before the delay: %v; want cancelling", got)
	}
	clock.Advance(time.Second)
	d, err := c.details(checking)
	if err != nil || d.Status != StatusPaid {
		t.Fatalf("details once the delay passed: %+v, %v", d, err)
	}
	if got, _ := s.State(checking); got != provider.StateCancelled {
		t.Fatalf("once the delay passed: %v; want cancelled", got)
	}
	if got, _ := s.State(issued); got != provider.StateRevoking {
		t.Fatalf("revoke settled after 5 of 10 minutes: %v", got)
	}
	clock.Advance(5 * time.Minute)
	if got, _ := s.State(issued); got != provider.StateRevoked {
		t.Fatalf("revoke after its delay: %v; want revoked", got)
	}
}

// TestExpiryFollowsTheClock: issued certificates become expiring, then
// expired, as the clock moves.
func TestExpiryFollowsTheClock(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	s := NewServer(WithClock(clock.Now))
	t.Cleanup(s.Close)
	issued := s.Seed(provider.StateIssued)
	expiring := s.Seed(provider.StateExpiring)
	free := s.SeedCert(Cert{Status: StatusIssued, Source: SourceFree, NotAfter: clock.Now().Add(24 * time.Hour)})
	hosted := s.Seed(provider.StateHosted)
	want := func(id string, st provider.State) {
		t.Helper()
		if got, _ := s.State(id); got != st {
			t.Fatalf("%s: %v; want %v", id, got, st)
		}
	}
	want(free, provider.StateIssued) // free certificates are never renewable
	clock.Advance(16 * 24 * time.Hour)
	want(expiring, provider.StateExpired)
	wantNative(t, s, expiring, StatusExpired)
	want(free, provider.StateExpired)
	clock.Advance(320 * 24 * time.Hour)
	want(issued, provider.StateExpiring)
	clock.Advance(30 * 24 * time.Hour)
	want(issued, provider.StateExpired)
	want(hosted, provider.StateHosted) // uploaded certificates keep UPLOAD
}

func TestDeletedIsGone(t *testing.T) {
	t.Parallel()
	s, c := newServer(t)
	id := s.Seed(provider.StateRevoked)
	if _, err := c.del(id); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.State(id); ok {
		t.Fatal("State still sees a deleted certificate")
	}
	_, err := c.del(id)
	wantCode(t, err, http.StatusBadRequest, codeCertNotFound)
	defer func() {
		if recover() == nil {
			t.Fatal("re-seeding a deleted ID did not panic")
		}
	}()
	s.SeedCert(Cert{ID: id})
}
