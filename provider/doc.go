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
// # What is not here
//
// This package imports only the standard library. Cloud adapters live in
// the alibaba and huawei packages, routing and bulk operations in broker,
// and test doubles in providertest.
package provider
