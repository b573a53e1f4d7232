package provider

import "fmt"

// State is the normalized lifecycle state of a certificate order. Adapters
// map their cloud's native statuses onto it and keep the native string in
// [Result.NativeState].
//
// The numeric values are stable: they may end up in metrics and logs.
type State int

// The normalized states.
const (
	// StateUnknown is a native status the adapter does not recognise, or a
	// state that is not known (for example after a failed call).
	StateUnknown State = 0
	// StatePendingApplication: the order is paid for or allocated, but no
	// application has been submitted. A new order created by Renew starts
	// here.
	StatePendingApplication State = 1
	// StateUnderReview: an application was submitted and the CA's domain or
	// organisation checks are running. Cancel is allowed here.
	StateUnderReview State = 2
	// StateReviewFailed: the CA rejected the application.
	StateReviewFailed State = 3
	// StateCancelling: a Cancel was accepted and is being processed
	// (asynchronous clouds only, e.g. Huawei CANCELCHECKING).
	StateCancelling State = 4
	// StateCancelled: the application was withdrawn by Cancel. The order is
	// back to pending application but, unlike a fresh one, may be deleted.
	// Clouds do not always expose the difference; see the adapter docs.
	StateCancelled State = 5
	// StateIssued: the certificate is issued and valid.
	StateIssued State = 6
	// StateExpiring: issued, and inside the cloud's renewal window.
	StateExpiring State = 7
	// StateRevoking: a Revoke was accepted and is being processed.
	StateRevoking State = 8
	// StateRevoked: the certificate was revoked.
	StateRevoked State = 9
	// StateExpired: the certificate is past its validity.
	StateExpired State = 10
	// StateHosted: a certificate uploaded by the user, not issued through
	// the cloud.
	StateHosted State = 11
)

var stateNames = [...]string{
	StateUnknown:            "unknown",
	StatePendingApplication: "pending_application",
	StateUnderReview:        "under_review",
	StateReviewFailed:       "review_failed",
	StateCancelling:         "cancelling",
	StateCancelled:          "cancelled",
	StateIssued:             "issued",
	StateExpiring:           "expiring",
	StateRevoking:           "revoking",
	StateRevoked:            "revoked",
	StateExpired:            "expired",
	StateHosted:             "hosted",
}

// States lists every normalized state, StateUnknown first.
func States() []State {
	s := make([]State, len(stateNames))
	for i := range s {
		s[i] = State(i)
	}
	return s
}

// String returns the state's snake_case name, e.g. "under_review".
func (s State) String() string {
	if s >= 0 && int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// ParseState parses the name returned by [State.String].
func ParseState(name string) (State, error) {
	for i, n := range stateNames {
		if n == name {
			return State(i), nil
		}
	}
	return StateUnknown, &Error{Kind: KindInvalidArgument, Message: fmt.Sprintf("unknown state %q", truncate(name))}
}

// MarshalText implements [encoding.TextMarshaler].
func (s State) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText implements [encoding.TextUnmarshaler].
func (s *State) UnmarshalText(b []byte) error {
	p, err := ParseState(string(b))
	if err != nil {
		return err
	}
	*s = p
	return nil
}
