package provider

import (
	"context"
	"fmt"
)

// Request is one of the request structs of the [Provider] methods:
// [CancelRequest], [RevokeRequest], [DeleteRequest], [RenewRequest] or
// [StatusRequest]. The set is closed; [Call] dispatches a Request to the
// method of its operation.
type Request interface {
	// Op is the operation the request asks for.
	Op() Op
	// TargetID is the ID of the order the request acts on.
	TargetID() string
	isRequest()
}

// Op returns [OpCancel].
func (CancelRequest) Op() Op { return OpCancel }

// Op returns [OpRevoke].
func (RevokeRequest) Op() Op { return OpRevoke }

// Op returns [OpDelete].
func (DeleteRequest) Op() Op { return OpDelete }

// Op returns [OpRenew].
func (RenewRequest) Op() Op { return OpRenew }

// Op returns [OpStatus].
func (StatusRequest) Op() Op { return OpStatus }

// TargetID returns r.ID.
func (r CancelRequest) TargetID() string { return r.ID }

// TargetID returns r.ID.
func (r RevokeRequest) TargetID() string { return r.ID }

// TargetID returns r.ID.
func (r DeleteRequest) TargetID() string { return r.ID }

// TargetID returns r.ID.
func (r RenewRequest) TargetID() string { return r.ID }

// TargetID returns r.ID.
func (r StatusRequest) TargetID() string { return r.ID }

func (CancelRequest) isRequest() {}
func (RevokeRequest) isRequest() {}
func (DeleteRequest) isRequest() {}
func (RenewRequest) isRequest()  {}
func (StatusRequest) isRequest() {}

// Call sends req to the method of p that handles req.Op(). It is the one
// place that maps an operation onto a method. A nil req is refused with
// [KindInvalidArgument].
func Call(ctx context.Context, p Provider, req Request) (*Result, error) {
	switch r := req.(type) {
	case CancelRequest:
		return p.Cancel(ctx, r)
	case RevokeRequest:
		return p.Revoke(ctx, r)
	case DeleteRequest:
		return p.Delete(ctx, r)
	case RenewRequest:
		return p.Renew(ctx, r)
	case StatusRequest:
		return p.Status(ctx, r)
	}
	return nil, &Error{Kind: KindInvalidArgument, Message: fmt.Sprintf("unsupported request type %T", req)}
}

// WithID returns req for order id instead: the same operation and inputs,
// another order. Bulk callers use it to send one request to many orders.
// It returns nil for a nil req.
func WithID(req Request, id string) Request {
	switch r := req.(type) {
	case CancelRequest:
		r.ID = id
		return r
	case RevokeRequest:
		r.ID = id
		return r
	case DeleteRequest:
		r.ID = id
		return r
	case RenewRequest:
		r.ID = id
		return r
	case StatusRequest:
		r.ID = id
		return r
	}
	return nil
}

// NewRequest builds the request of op for order id, taking the inputs op
// uses from extra (Reason for Revoke; CSR and Tags for Renew; nothing for
// the others). It returns nil for an unknown op.
func NewRequest(op Op, id string, extra RequestInputs) Request {
	switch op {
	case OpCancel:
		return CancelRequest{ID: id}
	case OpRevoke:
		return RevokeRequest{ID: id, Reason: extra.Reason}
	case OpDelete:
		return DeleteRequest{ID: id}
	case OpRenew:
		return RenewRequest{ID: id, CSR: extra.CSR, Tags: extra.Tags}
	case OpStatus:
		return StatusRequest{ID: id}
	}
	return nil
}

// RequestInputs are the inputs of a request beyond its ID, for building
// one request per ID with [NewRequest].
type RequestInputs struct {
	// Reason is sent with Revoke.
	Reason string
	// CSR and Tags are sent with Renew.
	CSR  string
	Tags []Tag
}

// Checker is implemented by providers that can validate a request exactly
// as the real call validates it before sending anything. Check sends
// nothing and reads no state: it returns nil when the real call would go
// on to send its first request, and otherwise the same [*Error] of kind
// [KindInvalidArgument] (or [KindUnsupported]) that the real call would
// return. Dry runs use it, so that a dry run never approves what the real
// call refuses.
type Checker interface {
	Check(req Request) error
}
