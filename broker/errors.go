package broker

import (
	"cmp"
	"context"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/go-multierror"

	"github.com/certbroker/certbroker/provider"
)

// OpError is the error of one operation on one reference, as returned by
// the single-reference methods and carried by [Item.Err]. It wraps the
// final [*provider.Error], so errors.Is against a [provider.Kind] and
// errors.As to *provider.Error see the outcome; the errors of earlier
// attempts are kept in Attempts and in the message, so that a final
// timeout never hides the cause that came before it.
type OpError struct {
	// Op and Ref say what was being done.
	Op  provider.Op
	Ref provider.Ref
	// Err is the final error: that of the last attempt, or the error that
	// stopped the broker before any attempt (bad reference, unknown
	// origin, unsupported operation, context ended).
	Err *provider.Error
	// Attempts holds the error of every attempt, in order; empty when no
	// call was made.
	Attempts []error
	// Note says why the broker stopped retrying, when that is not obvious
	// from Err ("retry budget exhausted", "gave up after 4 attempts").
	Note string
	// Read is the Status result the broker read to decide this outcome,
	// when it read one: the state a dry run found the operation not
	// allowed from, or the state that settled an ambiguous attempt as
	// not applied or unknown. Nil otherwise.
	Read *provider.Result
	// Renewal is what the broker found looking for the order a Renew
	// whose outcome is unknown may have created, when its provider is a
	// provider.RenewalFinder and the search answered: the candidates
	// (a proven order makes the Renew a success instead). Nil otherwise.
	Renewal *provider.RenewalSearch

	renewalNote string // the note before the search's, to restate it
}

// Error renders the final error, the note, and the earlier attempts.
func (e *OpError) Error() string {
	var b strings.Builder
	b.WriteString(e.Err.Error())
	if e.Note != "" {
		b.WriteString(" (" + e.Note + ")")
	}
	if n := len(e.Attempts); n > 1 {
		b.WriteString("; earlier attempts:")
		for i, a := range e.Attempts[:n-1] {
			b.WriteString(" [" + strconv.Itoa(i+1) + "] " + a.Error())
			if i < n-2 {
				b.WriteString(";")
			}
		}
	}
	return b.String()
}

// Unwrap returns the final error.
func (e *OpError) Unwrap() error { return e.Err }

// Kind returns the kind of the final error.
func (e *OpError) Kind() provider.Kind { return e.Err.Kind }

// asProviderError turns whatever a provider returned into a
// *provider.Error carrying the registered origin, without modifying the
// provider's own value (it may be shared).
func asProviderError(err error, origin string, op provider.Op, id string) *provider.Error {
	if pe, ok := err.(*provider.Error); ok {
		if pe == nil {
			// A typed nil: the provider failed without saying how.
			kind := provider.KindOther
			if op.Mutating() {
				kind = provider.KindOutcomeUnknown
			}
			return &provider.Error{Kind: kind, Op: op, Origin: origin, ID: id,
				Message: "provider returned a nil *provider.Error as its error"}
		}
		cp := *pe
		cp.Origin = origin
		if cp.Op == "" {
			cp.Op = op
		}
		if cp.ID == "" {
			cp.ID = id
		}
		return &cp
	}
	kind := provider.KindOf(err)
	if kind == provider.KindCanceled && op.Mutating() {
		// A bare context error from a call that may have been sent.
		kind = provider.KindOutcomeUnknown
	}
	return &provider.Error{Kind: kind, Op: op, Origin: origin, ID: id, Err: err}
}

// canceledError reports an item that was never attempted because ctx
// ended.
func canceledError(ctx context.Context, op provider.Op, ref provider.Ref) *OpError {
	cause := context.Cause(ctx)
	if cause == nil {
		cause = context.Canceled
	}
	return &OpError{Op: op, Ref: ref, Err: &provider.Error{
		Kind: provider.KindCanceled, Op: op, Origin: ref.Origin, ID: ref.ID,
		Message: "not attempted: " + cause.Error(), Err: cause,
	}}
}

// refError wraps an error found before any call.
func refError(op provider.Op, ref provider.Ref, err error) *OpError {
	var pe *provider.Error
	if !errors.As(err, &pe) {
		pe = &provider.Error{Kind: provider.KindInvalidArgument, Op: op, Origin: ref.Origin, ID: ref.ID, Err: err}
	} else {
		cp := *pe
		if cp.Op == "" {
			cp.Op = op
		}
		if cp.Origin == "" {
			cp.Origin = ref.Origin
		}
		if cp.ID == "" {
			cp.ID = ref.ID
		}
		pe = &cp
	}
	return &OpError{Op: op, Ref: ref, Err: pe}
}

// summaryItems is how many failed items a bulk error's message names.
const summaryItems = 3

// summaryItemLen bounds each named item's text in a bulk error's message.
const summaryItemLen = 240

// bulkError aggregates the failed items of a bulk call. Its message is
// one line: how many failed (of how many, when known), the count per
// kind, most serious first, and the first few items; every item's error
// stays in Errors, and provider.KindOf of it is the most serious kind.
func bulkError(errs []error, total int) *multierror.Error {
	return &multierror.Error{Errors: errs, ErrorFormat: func(es []error) string { return summarize(es, total) }}
}

func summarize(errs []error, total int) string {
	counts := map[provider.Kind]int{}
	for _, e := range errs {
		counts[provider.KindOf(e)]++
	}
	kinds := slices.SortedFunc(maps.Keys(counts), func(a, b provider.Kind) int {
		return cmp.Or(cmp.Compare(provider.Severity(b), provider.Severity(a)), cmp.Compare(a, b))
	})
	var b strings.Builder
	b.WriteString(strconv.Itoa(len(errs)))
	if total >= 0 {
		b.WriteString(" of " + strconv.Itoa(total))
	}
	b.WriteString(" items failed (")
	for i, k := range kinds {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k.String() + " " + strconv.Itoa(counts[k]))
	}
	b.WriteString(")")
	for i, e := range errs[:min(len(errs), summaryItems)] {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(oneLine(e.Error(), summaryItemLen))
	}
	if n := len(errs) - summaryItems; n > 0 {
		b.WriteString("; and " + strconv.Itoa(n) + " more (each is in Errors and on its Item)")
	}
	return b.String()
}

// oneLine makes s fit on one line of at most n bytes.
func oneLine(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		return r
	}, s)
	return truncate(s, n)
}
