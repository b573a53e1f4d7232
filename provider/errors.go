package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Kind classifies an error in a way that is portable across clouds. Every
// Kind is itself an error, so it can be the target of [errors.Is]:
//
//	if errors.Is(err, provider.ErrNotFound) { ... }
//
// The numeric values are stable: they may end up in metrics and logs.
type Kind int

// The error kinds.
const (
	// KindOther is an error that fits no other kind.
	KindOther Kind = 0
	// KindNotFound: the order does not exist (or no longer does).
	KindNotFound Kind = 1
	// KindInvalidState: the order's current state does not allow the
	// operation. Nothing was changed.
	KindInvalidState Kind = 2
	// KindInvalidArgument: the request is malformed (a bad ID, reason, CSR
	// or tag). Detected before any call where possible.
	KindInvalidArgument Kind = 3
	// KindUnsupported: the provider does not support the operation.
	KindUnsupported Kind = 4
	// KindQuotaExceeded: the account lacks the quota or resource plan.
	KindQuotaExceeded Kind = 5
	// KindThrottled: the cloud rejected the call for rate; it was not
	// applied and may be retried after a pause.
	KindThrottled Kind = 6
	// KindUnauthorized: authentication failed (bad key or signature,
	// clock skew, reused nonce).
	KindUnauthorized Kind = 7
	// KindForbidden: authenticated but not permitted.
	KindForbidden Kind = 8
	// KindUnavailable: a transient failure known not to have applied the
	// operation (a connection that failed before the request was sent, a
	// server error on a read). Safe to retry.
	KindUnavailable Kind = 9
	// KindOutcomeUnknown: the request may have been applied (a timeout,
	// reset or server error after it was sent, or a success whose body was
	// lost). Retrying a Renew could create a second order.
	KindOutcomeUnknown Kind = 10
	// KindCanceled: the caller's context ended before the operation was
	// attempted. Nothing was sent.
	KindCanceled Kind = 11
)

// Sentinel errors for use with [errors.Is]. They are the Kind values
// themselves.
const (
	ErrNotFound        = KindNotFound
	ErrInvalidState    = KindInvalidState
	ErrInvalidArgument = KindInvalidArgument
	ErrUnsupported     = KindUnsupported
	ErrQuotaExceeded   = KindQuotaExceeded
	ErrThrottled       = KindThrottled
	ErrUnauthorized    = KindUnauthorized
	ErrForbidden       = KindForbidden
	ErrUnavailable     = KindUnavailable
	ErrOutcomeUnknown  = KindOutcomeUnknown
	ErrCanceled        = KindCanceled
)

var kindNames = [...]string{
	KindOther:           "other",
	KindNotFound:        "not_found",
	KindInvalidState:    "invalid_state",
	KindInvalidArgument: "invalid_argument",
	KindUnsupported:     "unsupported",
	KindQuotaExceeded:   "quota_exceeded",
	KindThrottled:       "throttled",
	KindUnauthorized:    "unauthorized",
	KindForbidden:       "forbidden",
	KindUnavailable:     "unavailable",
	KindOutcomeUnknown:  "outcome_unknown",
	KindCanceled:        "canceled",
}

// Kinds lists every kind, KindOther first.
func Kinds() []Kind {
	k := make([]Kind, len(kindNames))
	for i := range k {
		k[i] = Kind(i)
	}
	return k
}

// String returns the kind's snake_case name, e.g. "invalid_state".
func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Error makes a Kind usable as a sentinel error. It is the kind's name,
// spelt as String spells it, so a kind prints one way everywhere: %v,
// JSON, and every slog handler.
func (k Kind) Error() string { return k.String() }

// MarshalText implements [encoding.TextMarshaler].
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Error is the error type of every provider. It works with [errors.Is]
// against a [Kind] and against its cause, and with [errors.As] to reach the
// cause's own type (for example the SDK's error).
type Error struct {
	Kind Kind
	// Op, Origin and ID say what was being done, when known.
	Op     Op
	Origin string
	ID     string
	// Code and Message are the cloud's native error code and message.
	Code    string
	Message string
	// RequestID is the cloud's request ID, for support tickets.
	RequestID string
	// HTTPStatus is the HTTP status of the failed response, or 0.
	HTTPStatus int
	// Err is the underlying cause, if any.
	Err error
}

// Error renders the error on one line. It never includes credentials.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(string(e.Op))
		b.WriteString(" ")
	}
	switch {
	case e.Origin != "" && e.ID != "":
		b.WriteString(e.Origin + ":" + e.ID + ": ")
	case e.Origin != "":
		b.WriteString(e.Origin + ": ")
	case e.ID != "":
		b.WriteString(e.ID + ": ")
	}
	b.WriteString(e.Kind.Error())
	if e.Code != "" {
		b.WriteString(" (" + e.Code + ")")
	}
	switch {
	case e.Message != "":
		b.WriteString(": " + e.Message)
	case e.Err != nil:
		b.WriteString(": " + e.Err.Error())
	}
	if e.RequestID != "" || e.HTTPStatus != 0 {
		b.WriteString(" [")
		if e.HTTPStatus != 0 {
			fmt.Fprintf(&b, "HTTP %d", e.HTTPStatus)
		}
		if e.RequestID != "" {
			if e.HTTPStatus != 0 {
				b.WriteString(", ")
			}
			b.WriteString("request " + e.RequestID)
		}
		b.WriteString("]")
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is e's Kind.
func (e *Error) Is(target error) bool {
	k, ok := target.(Kind)
	return ok && k == e.Kind
}

// KindOf returns the kind of err: the Kind of the first [*Error] in its
// chain; a bare Kind in the chain; [KindCanceled] for a bare context
// error; [KindOther] otherwise, and for nil.
//
// For an aggregate of errors (one with an Unwrap() []error method, like
// errors.Join's, or a WrappedErrors() []error method, like
// go-multierror's, which the broker's bulk operations return) it returns
// the most serious kind among its members, in the order of [Severity].
func KindOf(err error) Kind {
	if err == nil {
		return KindOther
	}
	// Walk the chain: the first *Error, Kind or aggregate found decides,
	// so an aggregate wrapped in fmt.Errorf("...: %w", agg) is still read
	// as an aggregate.
	for e := err; e != nil; e = errors.Unwrap(e) {
		switch v := e.(type) {
		case *Error:
			if v == nil {
				return KindOther
			}
			return v.Kind
		case Kind:
			return v
		}
		if members, ok := aggregated(e); ok && len(members) > 0 {
			most := KindOf(members[0])
			for _, m := range members[1:] {
				if k := KindOf(m); Severity(k) > Severity(most) {
					most = k
				}
			}
			return most
		}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return KindCanceled
	}
	return KindOther
}

// aggregated returns the members of an aggregate error.
func aggregated(err error) ([]error, bool) {
	switch a := err.(type) {
	case interface{ WrappedErrors() []error }:
		return a.WrappedErrors(), true
	case interface{ Unwrap() []error }:
		return a.Unwrap(), true
	}
	return nil, false
}

// severityOrder lists the kinds from least to most serious: what a person
// reading a failed batch should look at first comes last. An unknown
// outcome needs a human to check the cloud; credentials, permissions and
// quota stop everything at an origin; a refused request needs its input
// or its order looked at; an unclassified error says little; the
// transient kinds and cancellation mean only "try again".
var severityOrder = [...]Kind{
	KindCanceled, KindUnavailable, KindThrottled, KindOther, KindNotFound, KindInvalidState, KindUnsupported,
	KindInvalidArgument, KindQuotaExceeded, KindForbidden, KindUnauthorized, KindOutcomeUnknown,
}

// Severity ranks kinds for [KindOf] of an aggregate: higher is more
// serious. From least to most serious: canceled, unavailable, throttled,
// other, not_found, invalid_state, unsupported, invalid_argument,
// quota_exceeded, forbidden, unauthorized, outcome_unknown. A kind not
// listed ranks below all.
func Severity(k Kind) int {
	for i, s := range severityOrder {
		if s == k {
			return i + 1
		}
	}
	return 0
}

// Retryable reports whether err, returned by op, may be retried without
// risk of applying op twice in a harmful way:
//
//   - throttled and unavailable errors are retryable for every operation;
//   - an outcome-unknown error is retryable for every operation except
//     Renew, whose retry could create a second order (Cancel, Revoke and
//     Delete are retried by a caller that treats "already in the target
//     state" as success);
//   - nothing else is, and nothing is once the context itself has ended.
func Retryable(op Op, err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	switch KindOf(err) {
	case KindThrottled, KindUnavailable:
		return true
	case KindOutcomeUnknown:
		return !op.CreatesOrder()
	}
	return false
}
