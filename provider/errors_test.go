package provider_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/go-multierror"

	"github.com/certbroker/certbroker/provider"
)

// sdkError stands for a cloud SDK's own error type.
type sdkError struct{ code string }

func (e *sdkError) Error() string { return "sdk: " + e.code }

func TestErrorString(t *testing.T) {
	t.Parallel()
	cause := errors.New("connection reset by peer")
	tests := []struct {
		err  provider.Error
		want string
	}{
		{provider.Error{}, "other"},
		{provider.Error{Kind: provider.KindNotFound}, "not_found"},
		{provider.Error{Kind: provider.KindNotFound, Op: provider.OpRevoke}, "revoke not_found"},
		{provider.Error{Kind: provider.KindUnavailable, Origin: "huawei"}, "huawei: unavailable"},
		{provider.Error{Kind: provider.KindNotFound, ID: "123"}, "123: not_found"},
		{provider.Error{Kind: provider.KindNotFound, Op: provider.OpStatus, Origin: "alibaba", ID: "123"}, "status alibaba:123: not_found"},
		{provider.Error{Kind: provider.KindOutcomeUnknown, Err: cause}, "outcome_unknown: connection reset by peer"},
		{provider.Error{Kind: provider.KindThrottled, Code: "Throttling.User"}, "throttled (Throttling.User)"},
		{provider.Error{Kind: provider.KindUnavailable, HTTPStatus: 503}, "unavailable [HTTP 503]"},
		{provider.Error{Kind: provider.KindUnavailable, RequestID: "r-1"}, "unavailable [request r-1]"},
		{
			provider.Error{Kind: provider.KindInvalidState, Op: provider.OpCancel, Origin: "alibaba", ID: "123",
				Code: "OrderStatusError", Message: "the order cannot be cancelled", RequestID: "5E2A", HTTPStatus: 400, Err: cause},
			"cancel alibaba:123: invalid_state (OrderStatusError): the order cannot be cancelled [HTTP 400, request 5E2A]",
		},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("%+v.Error() = %q, want %q", tt.err, got, tt.want)
		}
	}
}

// TestErrorStringHasNoEmptyParts renders every combination of set and
// unset fields and checks that no empty part shows.
func TestErrorStringHasNoEmptyParts(t *testing.T) {
	t.Parallel()
	setters := []func(*provider.Error){
		func(e *provider.Error) { e.Op = provider.OpDelete },
		func(e *provider.Error) { e.Origin = "huawei" },
		func(e *provider.Error) { e.ID = "scs1" },
		func(e *provider.Error) { e.Code = "SCM.0001" },
		func(e *provider.Error) { e.Message = "denied" },
		func(e *provider.Error) { e.RequestID = "r-9" },
		func(e *provider.Error) { e.HTTPStatus = 403 },
		func(e *provider.Error) { e.Err = errors.New("cause") },
	}
	for mask := range 1 << len(setters) {
		e := &provider.Error{Kind: provider.KindForbidden}
		for i, set := range setters {
			if mask&(1<<i) != 0 {
				set(e)
			}
		}
		s := e.Error()
		for _, bad := range []string{"  ", "()", "[]", "[,", ", ]", ": :", "::", ": [", " :"} {
			if strings.Contains(s, bad) {
				t.Errorf("%+v.Error() = %q contains %q", e, s, bad)
			}
		}
		if s != strings.TrimSpace(s) || strings.HasSuffix(s, ":") || strings.HasPrefix(s, ":") || strings.Contains(s, "\n") {
			t.Errorf("%+v.Error() = %q is badly trimmed", e, s)
		}
		if !strings.Contains(s, "forbidden") {
			t.Errorf("%+v.Error() = %q does not name the kind", e, s)
		}
	}
}

func TestErrorIs(t *testing.T) {
	t.Parallel()
	notFound := &provider.Error{Kind: provider.KindNotFound, Op: provider.OpStatus, Origin: "alibaba", ID: "1"}
	throttled := &provider.Error{Kind: provider.KindThrottled, Err: &sdkError{code: "Throttling"}}
	canceled := &provider.Error{Kind: provider.KindOutcomeUnknown, Err: fmt.Errorf("post: %w", context.Canceled)}
	multi := multierror.Append(nil, notFound, fmt.Errorf("item 2: %w", throttled))
	tests := []struct {
		name string
		err  error
		is   []error
		not  []error
	}{
		{"direct", notFound, []error{provider.ErrNotFound, provider.KindNotFound}, []error{provider.ErrThrottled, provider.KindOther, context.Canceled}},
		{"wrapped", fmt.Errorf("bulk: %w", notFound), []error{provider.ErrNotFound}, []error{provider.ErrInvalidState}},
		{"wrapped twice", fmt.Errorf("a: %w", fmt.Errorf("b: %w", throttled)), []error{provider.ErrThrottled}, []error{provider.ErrNotFound}},
		{"joined", errors.Join(errors.New("x"), throttled), []error{provider.ErrThrottled}, []error{provider.ErrNotFound}},
		{"multierror", multi, []error{provider.ErrNotFound, provider.ErrThrottled}, []error{provider.ErrUnavailable}},
		{"multierror wrapped", fmt.Errorf("run: %w", multi.ErrorOrNil()), []error{provider.ErrNotFound, provider.ErrThrottled}, []error{provider.ErrForbidden}},
		{"cause", canceled, []error{provider.ErrOutcomeUnknown, context.Canceled}, []error{provider.ErrCanceled, context.DeadlineExceeded}},
		{"other kind", &provider.Error{}, []error{provider.KindOther}, []error{provider.ErrNotFound}},
	}
	for _, tt := range tests {
		for _, target := range tt.is {
			if !errors.Is(tt.err, target) {
				t.Errorf("%s: errors.Is(%v, %v) = false", tt.name, tt.err, target)
			}
		}
		for _, target := range tt.not {
			if errors.Is(tt.err, target) {
				t.Errorf("%s: errors.Is(%v, %v) = true", tt.name, tt.err, target)
			}
		}
	}
}

func TestErrorAs(t *testing.T) {
	t.Parallel()
	cause := &sdkError{code: "InvalidOrder.NotFound"}
	e := &provider.Error{Kind: provider.KindNotFound, Err: cause}
	for name, err := range map[string]error{
		"direct":     e,
		"wrapped":    fmt.Errorf("x: %w", e),
		"multierror": multierror.Append(errors.New("first"), e),
	} {
		var sdk *sdkError
		if !errors.As(err, &sdk) || sdk != cause {
			t.Errorf("%s: errors.As did not reach the SDK error", name)
		}
		var pe *provider.Error
		if !errors.As(err, &pe) || pe != e {
			t.Errorf("%s: errors.As did not reach the *provider.Error", name)
		}
		if errors.Unwrap(e) != cause {
			t.Errorf("Unwrap = %v", errors.Unwrap(e))
		}
	}
}

func TestKindOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want provider.Kind
	}{
		{"nil", nil, provider.KindOther},
		{"plain", errors.New("x"), provider.KindOther},
		{"error", &provider.Error{Kind: provider.KindForbidden}, provider.KindForbidden},
		{"wrapped", fmt.Errorf("x: %w", &provider.Error{Kind: provider.KindQuotaExceeded}), provider.KindQuotaExceeded},
		{"multierror takes the most serious", multierror.Append(errors.New("x"), &provider.Error{Kind: provider.KindUnauthorized}, &provider.Error{Kind: provider.KindNotFound}), provider.KindUnauthorized},
		{"canceled", context.Canceled, provider.KindCanceled},
		{"deadline", fmt.Errorf("x: %w", context.DeadlineExceeded), provider.KindCanceled},
		{"error over its context cause", &provider.Error{Kind: provider.KindUnavailable, Err: context.Canceled}, provider.KindUnavailable},
	}
	for _, tt := range tests {
		if got := provider.KindOf(tt.err); got != tt.want {
			t.Errorf("%s: KindOf(%v) = %s, want %s", tt.name, tt.err, got.String(), tt.want.String())
		}
	}
}

func TestRetryable(t *testing.T) {
	t.Parallel()
	retryable := map[provider.Kind]bool{provider.KindThrottled: true, provider.KindUnavailable: true, provider.KindOutcomeUnknown: true}
	for _, op := range provider.Ops() {
		for _, k := range provider.Kinds() {
			want := retryable[k] && !(op == provider.OpRenew && k == provider.KindOutcomeUnknown)
			err := &provider.Error{Kind: k, Op: op}
			if got := provider.Retryable(op, err); got != want {
				t.Errorf("Retryable(%s, %s) = %t, want %t", op, k.String(), got, want)
			}
			if got := provider.Retryable(op, fmt.Errorf("wrapped: %w", err)); got != want {
				t.Errorf("Retryable(%s, wrapped %s) = %t, want %t", op, k.String(), got, want)
			}
			// Once the context has ended, nothing is retried.
			ended := &provider.Error{Kind: k, Op: op, Err: context.Canceled}
			if provider.Retryable(op, ended) {
				t.Errorf("Retryable(%s, %s caused by context.Canceled) = true", op, k.String())
			}
			expired := &provider.Error{Kind: k, Op: op, Err: fmt.Errorf("x: %w", context.DeadlineExceeded)}
			if provider.Retryable(op, expired) {
				t.Errorf("Retryable(%s, %s caused by context.DeadlineExceeded) = true", op, k.String())
			}
		}
		for _, err := range []error{nil, errors.New("x"), context.Canceled, context.DeadlineExceeded} {
			if provider.Retryable(op, err) {
				t.Errorf("Retryable(%s, %v) = true", op, err)
			}
		}
		throttledInBulk := multierror.Append(nil, &provider.Error{Kind: provider.KindThrottled})
		if !provider.Retryable(op, throttledInBulk) {
			t.Errorf("Retryable(%s, multierror of throttled) = false", op)
		}
	}
	if provider.Retryable(provider.OpRenew, &provider.Error{Kind: provider.KindOutcomeUnknown}) {
		t.Errorf("a Renew with an unknown outcome is retryable")
	}
}

func TestKindOfAggregate(t *testing.T) {
	t.Parallel()
	e := func(k provider.Kind) error { return &provider.Error{Kind: k} }
	tests := []struct {
		name string
		err  error
		want provider.Kind
	}{
		{"join, unknown outcome wins", errors.Join(e(provider.KindNotFound), e(provider.KindOutcomeUnknown), e(provider.KindThrottled)), provider.KindOutcomeUnknown},
		{"join, unauthorized over not found", errors.Join(e(provider.KindNotFound), e(provider.KindUnauthorized)), provider.KindUnauthorized},
		{"join of one", errors.Join(e(provider.KindInvalidState)), provider.KindInvalidState},
		{"multierror", &multierror.Error{Errors: []error{e(provider.KindThrottled), e(provider.KindInvalidArgument)}}, provider.KindInvalidArgument},
		{"nested", errors.Join(e(provider.KindCanceled), errors.Join(e(provider.KindForbidden))), provider.KindForbidden},
		{"provider error with an aggregate cause keeps its kind",
			&provider.Error{Kind: provider.KindNotFound, Err: errors.Join(e(provider.KindOutcomeUnknown))}, provider.KindNotFound},
	}
	for _, tt := range tests {
		if got := provider.KindOf(tt.err); got != tt.want {
			t.Errorf("%s: KindOf = %v, want %v", tt.name, got, tt.want)
		}
	}
	for _, k := range provider.Kinds() {
		if provider.Severity(k) == 0 {
			t.Errorf("kind %v has no severity", k)
		}
	}
}

func TestListIsNotMutating(t *testing.T) {
	t.Parallel()
	for _, op := range []provider.Op{provider.OpList, provider.OpStatus, provider.OpFindRenewal, "some-future-read", ""} {
		if op.Mutating() {
			t.Errorf("%q is a read, yet Mutating", op)
		}
	}
	for _, op := range []provider.Op{provider.OpCancel, provider.OpRevoke, provider.OpDelete, provider.OpRenew} {
		if !op.Mutating() {
			t.Errorf("%s changes an order, yet not Mutating", op)
		}
	}
}
