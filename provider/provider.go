package provider

import (
	"context"
	"slices"
	"time"
)

// Provider performs certificate-order operations at one origin. Every
// method validates its request before any network call; an invalid ID
// yields an [*Error] of kind [KindInvalidArgument] and touches nothing.
//
// Implementations must be safe for concurrent use. A cancelled context
// must abort the in-flight request, and the returned error must have
// [context.Canceled] or [context.DeadlineExceeded] in its chain.
//
// Operations a provider does not support return an [*Error] of kind
// [KindUnsupported]; [Capabilities] says which those are without a call.
type Provider interface {
	// Cancel withdraws an application under review.
	Cancel(ctx context.Context, req CancelRequest) (*Result, error)
	// Revoke revokes an issued certificate.
	Revoke(ctx context.Context, req RevokeRequest) (*Result, error)
	// Delete removes an order or certificate.
	Delete(ctx context.Context, req DeleteRequest) (*Result, error)
	// Renew creates a new order for a certificate in its renewal window
	// and reports the new ID in [Result.NewID]. It is not idempotent.
	Renew(ctx context.Context, req RenewRequest) (*Result, error)
	// Status reads the current state.
	Status(ctx context.Context, req StatusRequest) (*Result, error)
	// Capabilities describes what the provider supports. It makes no call
	// and returns the same value for the provider's whole lifetime.
	Capabilities() Capabilities
}

// IDChecker is implemented by providers that can tell, without a call,
// whether a bare ID has the shape of their IDs (for example a decimal order
// number, or "scs" followed by digits). The broker uses it to validate IDs
// in a dry run and to resolve IDs given without an origin.
type IDChecker interface {
	// CheckID returns nil when id has this provider's ID shape, and
	// otherwise an [*Error] of kind [KindInvalidArgument] saying why not.
	CheckID(id string) error
}

// IDCapabilities is implemented by providers whose capabilities depend on
// the kind of ID (Alibaba: an order number, or an instance ID of the
// instance model, which has no renewal). Callers that hold an ID use
// [CapabilitiesFor].
type IDCapabilities interface {
	// CapabilitiesFor returns the capabilities for IDs of id's kind. Like
	// Capabilities it makes no call, and it is stable per kind of ID.
	CapabilitiesFor(id string) Capabilities
}

// CapabilitiesFor returns p's capabilities for order id: p's
// CapabilitiesFor when p is an [IDCapabilities], else its Capabilities.
func CapabilitiesFor(p Provider, id string) Capabilities {
	if ic, ok := p.(IDCapabilities); ok {
		return ic.CapabilitiesFor(id)
	}
	return p.Capabilities()
}

// RateAdvisor is implemented by providers that know their cloud's
// documented API quotas. The broker uses it for its default per-origin
// rate limits; users can override them.
type RateAdvisor interface {
	// SuggestedRate returns the documented sustained rate of the cloud API
	// named api, in requests per second, and a burst size. A rate of zero
	// means unknown. api is a name the provider passes to [Pace] (for a
	// provider that does not declare [Capabilities.Paced], the name of an
	// [Op], since it is paced per operation).
	SuggestedRate(api string) (perSecond float64, burst int)
}

// CancelRequest asks to withdraw the application of order ID.
type CancelRequest struct {
	ID string
}

// RevokeRequest asks to revoke the certificate of order ID.
type RevokeRequest struct {
	ID string
	// Reason is an optional free-text reason, sent where the cloud takes
	// one (Huawei: 0 to 63 characters). Clouds without a reason field
	// ignore it.
	Reason string
}

// DeleteRequest asks to remove order ID.
type DeleteRequest struct {
	ID string
}

// RenewRequest asks to create a renewal order for order ID.
type RenewRequest struct {
	ID string
	// CSR is an optional certificate signing request in PEM form. When
	// empty, the cloud generates the key pair where it can.
	CSR string
	// Tags are optional tags for the new order, where the cloud supports
	// them.
	Tags []Tag
}

// StatusRequest asks for the state of order ID.
type StatusRequest struct {
	ID string
}

// Tag is a key-value tag attached to a new order.
type Tag struct {
	Key   string
	Value string
}

// Result is what a successful operation reports.
type Result struct {
	// Origin and ID name the order the operation was applied to.
	Origin string
	ID     string
	// Op is the operation that produced the result.
	Op Op
	// State is the normalized state of order ID after the call, or
	// StateUnknown when the call does not reveal it. After a Delete (a
	// successful Result with Op OpDelete: the order is gone) it is
	// StateUnknown. After a Renew it describes the old
	// order (ID), which Renew leaves unchanged, or is StateUnknown; the new
	// order NewID is in the state Capabilities().Renew.Lands.
	State State
	// NativeState is the cloud's own status string, when known.
	NativeState string
	// NewID is the ID of the order created by Renew.
	NewID string
	// NotAfter is the end of the certificate's validity, when known.
	NotAfter time.Time
	// RequestID is the cloud's request ID of the call that produced the
	// result, for audit and support tickets.
	RequestID string
}

// Ref returns the result's origin and ID as a [Ref].
func (r *Result) Ref() Ref { return Ref{Origin: r.Origin, ID: r.ID} }

// Capabilities describes what a provider supports, per operation. Status is
// always supported.
type Capabilities struct {
	Cancel OpCapability
	Revoke OpCapability
	Delete OpCapability
	Renew  OpCapability
	// Paced is true when the provider calls [Pace] before every HTTP
	// request it sends. A pacing caller then paces requests, per API;
	// otherwise it can only pace whole operations, one token per call.
	Paced bool
}

// OpCapability describes one operation of one provider.
type OpCapability struct {
	// Supported is false when the operation always fails with
	// [KindUnsupported].
	Supported bool
	// From lists the normalized states from which the cloud accepts the
	// operation. From any other state it fails with [KindInvalidState].
	From []State
	// Lands is the state the order is in right after a successful call.
	// For Delete it is StateUnknown (the order is gone); for Renew it is
	// the state of the new order (the old one is unchanged).
	Lands State
	// Settles is the state the order reaches once the cloud finishes
	// asynchronous processing. It equals Lands for synchronous clouds.
	Settles State
	// ReportedAs lists look-alike states: states other than Lands and
	// Settles that Status may report for an order the operation was
	// applied to, and that an order it was never applied to can show as
	// well. Alibaba, for example, reports a cancelled order as payed,
	// exactly like a fresh one, so its Cancel lists
	// StatePendingApplication here. Seeing such a state proves nothing: a
	// caller reconciling after an ambiguous failure must treat it as
	// still ambiguous ([OpCapability.Evidence]), not as done or not done.
	ReportedAs []State
	// Billable is true when a successful call costs money (Huawei renew is
	// a purchase).
	Billable bool
	// Note explains anything else a caller should know, such as why an
	// operation is unsupported or what it does at this cloud.
	Note string
}

// For returns the capability of op. Status is always supported, from any
// state.
func (c Capabilities) For(op Op) OpCapability {
	switch op {
	case OpCancel:
		return c.Cancel
	case OpRevoke:
		return c.Revoke
	case OpDelete:
		return c.Delete
	case OpRenew:
		return c.Renew
	case OpStatus:
		return OpCapability{Supported: true, From: States()}
	}
	return OpCapability{}
}

// Reached reports whether an order that Status reports in state s has
// certainly had this operation applied: s is Lands or Settles.
// StateUnknown never counts.
func (c OpCapability) Reached(s State) bool {
	return c.Supported && s != StateUnknown && (s == c.Lands || s == c.Settles)
}

// LooksReached reports whether s is one of ReportedAs: the order may have
// had this operation applied, or may never have, and Status cannot say
// which.
func (c OpCapability) LooksReached(s State) bool {
	return c.Supported && s != StateUnknown && !c.Reached(s) && slices.Contains(c.ReportedAs, s)
}

// Evidence is what one state read proves about whether an operation was
// applied, after an attempt whose outcome is unknown. See the package
// documentation, "The outcome rule".
type Evidence int

const (
	// NoEvidence: the read proves nothing either way (an unknown state, or
	// a look-alike listed in [OpCapability.ReportedAs]).
	NoEvidence Evidence = iota
	// Applied: the state is one only the applied operation produces
	// (Lands or Settles).
	Applied
	// NotApplied: the state is known, and one the applied operation
	// would not have left behind.
	NotApplied
)

// String returns "no_evidence", "applied" or "not_applied".
func (e Evidence) String() string {
	switch e {
	case Applied:
		return "applied"
	case NotApplied:
		return "not_applied"
	}
	return "no_evidence"
}

// Evidence says what reading state s proves about whether op was applied
// to an order, after an attempt of op that may have been applied:
//
//   - StateUnknown proves nothing, and neither does a look-alike state
//     listed in the operation's ReportedAs;
//   - for Cancel and Revoke, Lands or Settles proves it was applied, and
//     any other known state proves it was not;
//   - for Delete, any known state proves it was not applied (the order
//     would be gone; the proof that it was is a Status failing with
//     [KindNotFound]);
//   - for Renew and Status a state of the old order proves nothing (a
//     renewal's proof is the new order).
func (c Capabilities) Evidence(op Op, s State) Evidence {
	oc := c.For(op)
	switch {
	case !oc.Supported || s <= StateUnknown || int(s) >= len(stateNames):
		return NoEvidence
	case op == OpRenew || op == OpStatus:
		return NoEvidence
	case slices.Contains(oc.ReportedAs, s):
		return NoEvidence
	case op == OpDelete:
		return NotApplied
	case oc.Lands == StateUnknown && oc.Settles == StateUnknown:
		// Nothing is known about where the operation lands, so no
		// state can prove anything.
		return NoEvidence
	case oc.Reached(s):
		return Applied
	}
	return NotApplied
}

// Allows reports whether the operation is supported and accepted from s.
func (c OpCapability) Allows(s State) bool {
	return c.Supported && slices.Contains(c.From, s)
}
