package provider

import "fmt"

// Op names an operation of the [Provider] interface.
type Op string

// The operations.
const (
	OpCancel Op = "cancel"
	OpRevoke Op = "revoke"
	OpDelete Op = "delete"
	OpRenew  Op = "renew"
	OpStatus Op = "status"
)

// Ops lists every operation in a fixed order.
func Ops() []Op { return []Op{OpCancel, OpRevoke, OpDelete, OpRenew, OpStatus} }

// ParseOp parses an operation name.
func ParseOp(s string) (Op, error) {
	for _, op := range Ops() {
		if string(op) == s {
			return op, nil
		}
	}
	return "", &Error{Kind: KindInvalidArgument, Message: fmt.Sprintf("unknown operation %q: want cancel, revoke, delete, renew or status", truncate(s))}
}

// Mutating reports whether op changes anything at the cloud: Cancel,
// Revoke, Delete and Renew. Every other name, Status and the reads of the
// optional interfaces ([OpList], [OpFindRenewal]) included, is a read.
func (op Op) Mutating() bool {
	switch op {
	case OpCancel, OpRevoke, OpDelete, OpRenew:
		return true
	}
	return false
}

// CreatesOrder reports whether a successful op creates a new order, so that
// sending it twice creates two. Only Renew does.
func (op Op) CreatesOrder() bool { return op == OpRenew }
