package provider_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"testing"

	"github.com/certbroker/certbroker/provider"
)

// TestStateValues pins the numeric values and names, which are stable.
func TestStateValues(t *testing.T) {
	t.Parallel()
	want := []struct {
		s    provider.State
		n    int
		name string
	}{
		{provider.StateUnknown, 0, "unknown"},
		{provider.StatePendingApplication, 1, "pending_application"},
		{provider.StateUnderReview, 2, "under_review"},
		{provider.StateReviewFailed, 3, "review_failed"},
		{provider.StateCancelling, 4, "cancelling"},
		{provider.StateCancelled, 5, "cancelled"},
		{provider.StateIssued, 6, "issued"},
		{provider.StateExpiring, 7, "expiring"},
		{provider.StateRevoking, 8, "revoking"},
		{provider.StateRevoked, 9, "revoked"},
		{provider.StateExpired, 10, "expired"},
		{provider.StateHosted, 11, "hosted"},
	}
	all := provider.States()
	if len(all) != len(want) {
		t.Fatalf("States() has %d states, want %d", len(all), len(want))
	}
	for i, w := range want {
		if int(w.s) != w.n || all[i] != w.s || w.s.String() != w.name {
			t.Errorf("state %d: value %d, States()[%d] = %v, name %q; want %d, %q", i, int(w.s), i, all[i], w.s.String(), w.n, w.name)
		}
	}
}

func TestStateText(t *testing.T) {
	t.Parallel()
	for _, s := range provider.States() {
		p, err := provider.ParseState(s.String())
		if err != nil || p != s {
			t.Errorf("ParseState(%q) = %v, %v", s.String(), p, err)
		}
		b, err := s.MarshalText()
		if err != nil || string(b) != s.String() {
			t.Errorf("%v.MarshalText() = %q, %v", s, b, err)
		}
		var u provider.State
		if err := u.UnmarshalText(b); err != nil || u != s {
			t.Errorf("UnmarshalText(%q) = %v, %v", b, u, err)
		}
	}
	b, err := json.Marshal(map[string]provider.State{"s": provider.StateExpiring})
	if err != nil || string(b) != `{"s":"expiring"}` {
		t.Errorf("json.Marshal = %s, %v", b, err)
	}
	for _, bad := range []string{"", "Issued", "ISSUED", "issued ", "State(6)", "6", "bogus"} {
		s, err := provider.ParseState(bad)
		if !errors.Is(err, provider.ErrInvalidArgument) || s != provider.StateUnknown {
			t.Errorf("ParseState(%q) = %v, %v; want unknown and an invalid argument error", bad, s, err)
		}
		u := provider.StateIssued
		if err := u.UnmarshalText([]byte(bad)); !errors.Is(err, provider.ErrInvalidArgument) || u != provider.StateIssued {
			t.Errorf("UnmarshalText(%q) = %v, changed to %v", bad, err, u)
		}
	}
	for _, s := range []provider.State{-1, 12, 99} {
		if got, want := s.String(), "State("+strconv.Itoa(int(s))+")"; got != want {
			t.Errorf("State(%d).String() = %q, want %q", int(s), got, want)
		}
	}
}

// TestKindValues pins the numeric values and names, which are stable.
func TestKindValues(t *testing.T) {
	t.Parallel()
	want := []struct {
		k        provider.Kind
		sentinel error
		n        int
		name     string
	}{
		{provider.KindOther, nil, 0, "other"},
		{provider.KindNotFound, provider.ErrNotFound, 1, "not_found"},
		{provider.KindInvalidState, provider.ErrInvalidState, 2, "invalid_state"},
		{provider.KindInvalidArgument, provider.ErrInvalidArgument, 3, "invalid_argument"},
		{provider.KindUnsupported, provider.ErrUnsupported, 4, "unsupported"},
		{provider.KindQuotaExceeded, provider.ErrQuotaExceeded, 5, "quota_exceeded"},
		{provider.KindThrottled, provider.ErrThrottled, 6, "throttled"},
		{provider.KindUnauthorized, provider.ErrUnauthorized, 7, "unauthorized"},
		{provider.KindForbidden, provider.ErrForbidden, 8, "forbidden"},
		{provider.KindUnavailable, provider.ErrUnavailable, 9, "unavailable"},
		{provider.KindOutcomeUnknown, provider.ErrOutcomeUnknown, 10, "outcome_unknown"},
		{provider.KindCanceled, provider.ErrCanceled, 11, "canceled"},
	}
	all := provider.Kinds()
	if len(all) != len(want) {
		t.Fatalf("Kinds() has %d kinds, want %d", len(all), len(want))
	}
	for i, w := range want {
		if int(w.k) != w.n || all[i] != w.k || w.k.String() != w.name {
			t.Errorf("kind %d: value %d, Kinds()[%d] = %v, name %q; want %d, %q", i, int(w.k), i, all[i].String(), w.k.String(), w.n, w.name)
		}
		if w.sentinel != nil && w.sentinel != error(w.k) {
			t.Errorf("the sentinel of %s is %v", w.name, w.sentinel)
		}
		if b, err := w.k.MarshalText(); err != nil || string(b) != w.name {
			t.Errorf("%s.MarshalText() = %q, %v", w.name, b, err)
		}
	}
	if got := provider.KindOutcomeUnknown.Error(); got != "outcome_unknown" {
		t.Errorf("KindOutcomeUnknown.Error() = %q", got)
	}
	if got := provider.Kind(42).String(); got != "Kind(42)" {
		t.Errorf("Kind(42).String() = %q", got)
	}
	if got := provider.Kind(-1).String(); got != "Kind(-1)" {
		t.Errorf("Kind(-1).String() = %q", got)
	}
}

func TestOp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		op                     provider.Op
		mutating, createsOrder bool
	}{
		{provider.OpCancel, true, false},
		{provider.OpRevoke, true, false},
		{provider.OpDelete, true, false},
		{provider.OpRenew, true, true},
		{provider.OpStatus, false, false},
	}
	var ops []provider.Op
	for _, tt := range tests {
		ops = append(ops, tt.op)
		if tt.op.Mutating() != tt.mutating || tt.op.CreatesOrder() != tt.createsOrder {
			t.Errorf("%s: Mutating %t, CreatesOrder %t", tt.op, tt.op.Mutating(), tt.op.CreatesOrder())
		}
		if p, err := provider.ParseOp(string(tt.op)); err != nil || p != tt.op {
			t.Errorf("ParseOp(%q) = %q, %v", tt.op, p, err)
		}
	}
	if !slices.Equal(provider.Ops(), ops) {
		t.Errorf("Ops() = %v, want %v", provider.Ops(), ops)
	}
	for _, bad := range []string{"", "Cancel", "purge", "renew "} {
		if _, err := provider.ParseOp(bad); !errors.Is(err, provider.ErrInvalidArgument) {
			t.Errorf("ParseOp(%q) error = %v, want invalid argument", bad, err)
		}
	}
}

func TestCapabilities(t *testing.T) {
	t.Parallel()
	c := provider.Capabilities{
		Cancel: provider.OpCapability{Supported: true, From: []provider.State{provider.StateUnderReview}, Lands: provider.StateCancelling, Settles: provider.StateCancelled},
		Revoke: provider.OpCapability{Supported: true, From: []provider.State{provider.StateIssued, provider.StateExpiring}, Lands: provider.StateRevoked},
		Delete: provider.OpCapability{Supported: false, From: []provider.State{provider.StateCancelled}, Note: "inconsistent on purpose"},
		Renew:  provider.OpCapability{Note: "not offered"},
	}
	tests := []struct {
		op      provider.Op
		allowed []provider.State
	}{
		{provider.OpCancel, []provider.State{provider.StateUnderReview}},
		{provider.OpRevoke, []provider.State{provider.StateIssued, provider.StateExpiring}},
		{provider.OpDelete, nil}, // From is ignored when unsupported
		{provider.OpRenew, nil},
		{provider.OpStatus, provider.States()},
		{provider.Op("purge"), nil},
	}
	for _, tt := range tests {
		oc := c.For(tt.op)
		for _, s := range provider.States() {
			if got, want := oc.Allows(s), slices.Contains(tt.allowed, s); got != want {
				t.Errorf("For(%q).Allows(%s) = %t, want %t", tt.op, s, got, want)
			}
		}
	}
	if c.For(provider.OpCancel).Settles != provider.StateCancelled || c.For(provider.OpRenew).Note != "not offered" {
		t.Errorf("For does not return the field of its op")
	}
}

func TestOpCapabilityReached(t *testing.T) {
	t.Parallel()
	c := provider.OpCapability{Supported: true, From: []provider.State{provider.StateUnderReview},
		Lands: provider.StateCancelling, Settles: provider.StateCancelled,
		ReportedAs: []provider.State{provider.StatePendingApplication}}
	tests := []struct {
		s             provider.State
		reached, like bool
	}{
		{provider.StateCancelling, true, false},
		{provider.StateCancelled, true, false},
		{provider.StatePendingApplication, false, true},
		{provider.StateUnderReview, false, false},
		{provider.StateUnknown, false, false},
	}
	for _, tt := range tests {
		if got := c.Reached(tt.s); got != tt.reached {
			t.Errorf("Reached(%v) = %v, want %v", tt.s, got, tt.reached)
		}
		if got := c.LooksReached(tt.s); got != tt.like {
			t.Errorf("LooksReached(%v) = %v, want %v", tt.s, got, tt.like)
		}
	}
	c.Supported = false
	if c.Reached(provider.StateCancelled) || c.LooksReached(provider.StatePendingApplication) {
		t.Error("an unsupported operation reached a state")
	}
	unknownLands := provider.OpCapability{Supported: true, Lands: provider.StateUnknown,
		ReportedAs: []provider.State{provider.StateUnknown}}
	if unknownLands.Reached(provider.StateUnknown) || unknownLands.LooksReached(provider.StateUnknown) {
		t.Error("StateUnknown counted as reached")
	}
}
