// Package provider is the contract every certificate-order backend in
// certbroker implements, and the vocabulary the rest of the library speaks.
//
// # The model
//
// A certificate order lives at an origin: one account of one cloud, named by
// the user ("alibaba", "alibaba-prod", "huawei-eu"). A [Ref] names one order
// at one origin and is written "origin:id", for example "alibaba:123451222"
// or "huawei-eu:scs1481110651012". [ParseRef] and [Ref.String] round-trip.
//
// A [Provider] performs four order operations on the IDs of its own origin
// and reports status:
//
//   - Cancel withdraws an application that is under review.
//   - Revoke revokes an issued certificate.
//   - Delete removes an order that failed review or was cancelled (some
//     clouds allow more; see [Capabilities]).
//   - Renew creates a new order for a certificate in its renewal window.
//     It is never idempotent: every successful call creates another order.
//   - Status reads the normalized [State] of an order.
//
// Every operation takes a [context.Context] and a request struct and returns
// a [*Result], so fields can be added later without breaking implementations.
//
// # States
//
// Each cloud has its own order statuses; adapters map them onto the
// normalized [State] set (pending application, under review, review failed,
// cancelling, cancelled, issued, expiring, revoking, revoked, expired,
// hosted, unknown) and keep the native string in [Result.NativeState].
// [Capabilities] says, per operation, from which states a provider accepts
// it and in which state the order lands, so callers and the conformance
// suite in package providertest can reason about any provider uniformly.
//
// # Errors
//
// Failures are reported as [*Error], which carries a [Kind], the operation,
// origin and ID, the cloud's native error code and message, the cloud's
// request ID and the HTTP status, and wraps the underlying cause. Every Kind
// is itself an error value, so
//
//	errors.Is(err, provider.ErrNotFound)
//
// works through any amount of wrapping, including a multierror. [KindOf]
// extracts the kind, and [Retryable] says whether an error is safe to retry
// for a given operation: a Renew whose outcome is unknown is never retried,
// because the first attempt may already have created an order.
//
// # The outcome rule
//
// An outcome never says "done" or "not applied" without proof. Once any
// attempt of a mutating operation may have been applied (its error is
// [KindOutcomeUnknown]: a timeout, reset or server error after the
// request was sent), whoever retries or reports it (the broker does)
// ends in exactly one of:
//
//   - success, only with proof that the operation was applied: a later
//     attempt that succeeded, a state only the applied operation produces
//     ([Capabilities.Evidence] says [Applied]), or, for Delete, a
//     [KindNotFound] from the cloud. The result says it was reconciled;
//   - a failure of a kind that means "not applied" (invalid state,
//     unavailable, ...), only when a state read proves the operation was
//     not applied ([NotApplied]: for example a synchronous cloud still
//     showing the starting state). A [KindOutcomeUnknown] attempt proved
//     not applied is reported as [KindUnavailable];
//   - [KindOutcomeUnknown] otherwise. StateUnknown and look-alike states
//     ([OpCapability.ReportedAs]) prove nothing, and neither does any
//     later error such as a throttle or an authentication failure.
//
// Every attempt's error is kept. A Renew whose outcome is unknown is
// never sent again: its proof would be the new order, not a state. A
// [RenewalFinder] looks for that order: the one order carrying the
// renewal's own [RenewalTagKey] mark proves it (a success, with the new
// order); anything weaker is a list of candidates, and the outcome stays
// unknown.
// A state read proves "not applied" for requests the cloud has finished
// with; a request cut off by a client-side timeout is assumed finished
// when the read is made, which a cloud that keeps working on an abandoned
// request could contradict.
//
// # Pacing and checking
//
// Quotas count requests per API, so a [Pacer] carried in the context
// ([WithPacer]) is asked before every request a provider sends ([Pace]);
// providers that do so declare [Capabilities.Paced]. A provider that is a
// [Checker] validates a request without sending it, exactly as the call
// would: dry runs use it. A provider serving IDs of several kinds whose
// capabilities differ (Alibaba's order numbers and instance IDs) is an
// [IDCapabilities]; callers read [CapabilitiesFor] an ID.
//
// # Listing
//
// A provider that is a [Lister] lists its origin's certificates one page
// per call, filtered by normalized states, expiry within a duration, and
// domain (exact or a name under it). A page carries the token of the next;
// [Pages] iterates over a whole listing, so memory stays at one page.
// Every page request is paced like any other ([Pace] with the list API's
// name). An order present throughout a listing is listed exactly once;
// one created or deleted meanwhile at most once. [ListRequest.Validate]
// holds the checks every provider makes before sending.
//
// # What is not here
//
// This package imports only the standard library. Cloud adapters live in
// the alibaba and huawei packages, routing and bulk operations in broker,
// and test doubles in providertest.
package provider
