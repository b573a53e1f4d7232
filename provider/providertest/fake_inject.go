package providertest

import (
	"errors"
	"fmt"

	"github.com/certbroker/certbroker/provider"
)

// injection is one error injected into a Fake.
type injection struct {
	op         provider.Op
	id         string
	err        error
	left       int // calls left to fail; 0 means every call
	afterApply bool
}

// InjectOption refines an [Fake.InjectError].
type InjectOption func(*injection)

// Times limits an injection to the next n matching calls; after them it is
// removed. Without Times, an injection fails every matching call until
// [Fake.ClearErrors]. InjectError panics if n < 1.
func Times(n int) InjectOption {
	return func(i *injection) {
		if n < 1 {
			panic(fmt.Sprintf("providertest.Times(%d): want at least 1", n))
		}
		i.left = n
	}
}

// Once is Times(1).
func Once() InjectOption { return Times(1) }

// ForID limits an injection to calls on order id.
func ForID(id string) InjectOption {
	return func(i *injection) { i.id = id }
}

// AfterApply makes the injected error come after the operation has been
// applied, like a response lost on its way back: the state changes (a
// Renew creates its order) but the caller sees the error. Use it with
// [provider.ErrOutcomeUnknown] to test reconciliation.
func AfterApply() InjectOption {
	return func(i *injection) { i.afterApply = true }
}

// InjectError makes calls of op ([AllOps] for every operation) fail with
// err. Calls with a malformed ID or an ended context are refused before
// injections are consulted, and do not use them up.
//
// err is returned as a [*provider.Error] for op and the call's ID:
//
//   - a *provider.Error is copied, and its empty Op, Origin, ID and
//     RequestID are filled in;
//   - a [provider.Kind], such as [provider.ErrThrottled], becomes an
//     error of that kind;
//   - any other error becomes the cause of a new error, so it stays
//     reachable with errors.Is and errors.As. The kind is that of the
//     first *provider.Error or Kind in err's chain, KindCanceled for a
//     context error, and KindOther otherwise.
//
// Injections are consulted in the order they were made; the first that
// matches a call fails it. InjectError panics if err is nil.
func (f *Fake) InjectError(op provider.Op, err error, opts ...InjectOption) {
	if err == nil {
		panic("providertest.Fake.InjectError: nil error")
	}
	inj := &injection{op: op, err: err}
	for _, opt := range opts {
		opt(inj)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.injections = append(f.injections, inj)
}

// ClearErrors removes every injected error.
func (f *Fake) ClearErrors() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.injections = nil
}

// takeInjectionLocked returns the first injection matching op and id, and
// uses it up by one call.
func (f *Fake) takeInjectionLocked(op provider.Op, id string) *injection {
	for i, inj := range f.injections {
		if inj.op != AllOps && inj.op != op || inj.id != "" && inj.id != id {
			continue
		}
		if inj.left > 0 {
			inj.left--
			if inj.left == 0 {
				f.injections = append(f.injections[:i:i], f.injections[i+1:]...)
			}
		}
		return inj
	}
	return nil
}

// injectedError renders an injected error as a *provider.Error of a call.
func (f *Fake) injectedError(err error, op provider.Op, id, reqID string) *provider.Error {
	var e provider.Error
	switch v := err.(type) {
	case *provider.Error:
		e = *v
	case provider.Kind:
		e = provider.Error{Kind: v, Message: "injected by providertest.Fake"}
	default:
		e = provider.Error{Kind: provider.KindOf(err), Err: err}
		var kind provider.Kind
		if e.Kind == provider.KindOther && errors.As(err, &kind) {
			e.Kind = kind
		}
	}
	if e.Op == "" {
		e.Op = op
	}
	if e.Origin == "" {
		e.Origin = f.origin
	}
	if e.ID == "" {
		e.ID = id
	}
	if e.RequestID == "" {
		e.RequestID = reqID
	}
	return &e
}
