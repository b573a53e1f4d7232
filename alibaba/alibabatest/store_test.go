package alibabatest

import (
	"strconv"
	"testing"
	"time"

	"github.com/certbroker/certbroker/provider"
)

func TestSeedEveryState(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	seen := map[string]bool{}
	for _, st := range States() {
		id := s.Seed(st)
		if n, err := strconv.ParseInt(id, 10, 64); err != nil || n <= 0 || seen[id] {
			t.Fatalf("Seed(%v) = %q: want a fresh positive int64", st, id)
		}
		seen[id] = true
		if got, ok := s.State(id); !ok || got != st {
			t.Fatalf("Seed(%v): State = %v, %v", st, got, ok)
		}
	}
	want := []provider.State{
		provider.StatePendingApplication, provider.StateUnderReview, provider.StateReviewFailed,
		provider.StateCancelled, provider.StateIssued, provider.StateExpiring, provider.StateRevoked, provider.StateExpired,
	}
	if got := States(); len(got) != len(want) {
		t.Fatalf("States() = %v, want %v", got, want)
	}
	for _, id := range []string{"", "abc", "42"} {
		if _, ok := s.State(id); ok {
			t.Errorf("State(%q) reports an order", id)
		}
	}
}

func TestSeedPanicsForStatesAlibabaLacks(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	for _, st := range []provider.State{provider.StateUnknown, provider.StateCancelling, provider.StateRevoking, provider.StateHosted} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Seed(%v) did not panic", st)
				}
			}()
			s.Seed(st)
		}()
	}
}

func TestSeedOrder(t *testing.T) {
	t.Parallel()
	now := time.Date(2030, 6, 1, 0, 0, 0, 0, time.UTC)
	s := newServer(t, WithClock(func() time.Time { return now }))
	tests := []struct {
		name  string
		in    Order
		state provider.State
		ok    bool
	}{
		{"status only", Order{Status: StatusChecking}, provider.StateUnderReview, true},
		{"process", Order{Type: TypeProcess}, provider.StateUnderReview, true},
		{"NotAfter decides", Order{Type: TypeCertificate, NotAfter: now.Add(10 * 24 * time.Hour)}, provider.StateExpiring, true},
		{"explicit ID", Order{ID: 5, Type: TypeVerifyFail}, provider.StateReviewFailed, true},
		{"unknow", Order{Type: TypeUnknown}, provider.StateUnknown, true},
		{"not activated", Order{Status: StatusNotActivated}, provider.StateUnknown, true},
		{"taken ID", Order{ID: 5, Type: TypePayed}, 0, false},
		{"negative ID", Order{ID: -1, Type: TypePayed}, 0, false},
		{"empty", Order{}, 0, false},
		{"unknown Type", Order{Type: "expiring"}, 0, false},
		{"mismatch", Order{Type: TypePayed, Status: StatusIssued}, 0, false},
		{"cancelled under review", Order{Type: TypeProcess, Cancelled: true}, 0, false},
		{"Status contradicts NotAfter", Order{Status: StatusIssued, NotAfter: now.Add(time.Hour)}, 0, false},
		{"bad OrderType", Order{Type: TypePayed, OrderType: "CERT"}, 0, false},
	}
	for _, tt := range tests {
		var id string
		panicked := func() (p bool) {
			defer func() { p = recover() != nil }()
			id = s.SeedOrder(tt.in)
			return false
		}()
		if panicked == tt.ok {
			t.Errorf("%s: panicked=%v, want ok=%v", tt.name, panicked, tt.ok)
			continue
		}
		if !tt.ok {
			continue
		}
		if st, _ := s.State(id); st != tt.state {
			t.Errorf("%s: state %v, want %v", tt.name, st, tt.state)
		}
		o, _ := s.Order(id)
		if o.Domain == "" || o.ProductCode != defaultProductCode || o.OrderType != OrderTypePackage || !o.BuyDate.Equal(now) {
			t.Errorf("%s: defaults not filled: %+v", tt.name, o)
		}
	}
	// An explicit ID moves the allocator past it.
	if id := s.SeedOrder(Order{ID: 1 << 40, Type: TypePayed}); id != "1099511627776" {
		t.Fatalf("id %s", id)
	}
	if id := s.Seed(provider.StateIssued); id != "1099511627777" {
		t.Fatalf("next id %s, want 1099511627777", id)
	}
}

func TestUnknownIDNamesNothing(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	unknown := s.UnknownID()
	if _, ok := s.State(unknown); ok {
		t.Fatalf("UnknownID %s names an order", unknown)
	}
	for _, st := range States() {
		if id := s.Seed(st); id == unknown {
			t.Fatalf("Seed(%v) reused UnknownID %s", st, unknown)
		}
	}
	if _, err := describe(newClient(t, s), unknown); err == nil {
		t.Fatal("DescribeCertificateState found the unknown order")
	} else {
		serverError(t, err, 404, "NotFoundOrder")
	}
}
