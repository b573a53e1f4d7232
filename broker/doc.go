// Package broker routes certificate-order operations to providers by
// origin, runs them in bulk, and owns the policy around every call: rate
// limits, retries with backoff, reconciliation after ambiguous failures,
// and structured logging.
//
// A Broker is handed providers; it never imports an adapter. Register one
// provider per origin (one account of one cloud), then address orders by
// [provider.Ref] ("origin:id"):
//
//	b := broker.New()
//	_ = b.Register("alibaba-prod", aliProd)
//	_ = b.Register("alibaba-test", aliTest) // one cloud, several accounts
//	_ = b.Register("huawei", hw)
//	res, err := b.Revoke(ctx, "huawei", provider.RevokeRequest{ID: "scs1481110651012", Reason: "key compromise"})
//
// # Errors
//
// Every failure is an [*OpError]. It keeps the reference, the operation,
// the error of every attempt and a note on why the broker stopped, and it
// wraps the final [*provider.Error], so errors.Is(err, provider.ErrNotFound)
// and errors.As(err, &perr) work, also through the go-multierror aggregate
// returned by [Broker.Do] and [Broker.Stream]. Errors and results carry the
// origin name the provider was registered under.
//
// A reference to an origin that is not registered fails with
// [provider.KindInvalidArgument] (not KindNotFound, so that code treating
// "not found" as "already gone" never skips a mistyped origin); the message
// lists the registered origins. An operation the provider's Capabilities
// say it does not support fails with [provider.KindUnsupported] before any
// call.
//
// # Retries
//
// Providers do not retry; the broker does, knowing the operation. An
// attempt is retried when [provider.Retryable] says so: throttled and
// unavailable errors for every operation, outcome-unknown errors for every
// operation except Renew. A Renew whose outcome is unknown is never sent
// again: it could create a second order, so it is reported as
// [provider.KindOutcomeUnknown]. After an outcome-unknown failure the broker
// reconciles instead of guessing: a retried Delete that finds the order gone
// succeeds, and a retried Cancel or Revoke that is refused for its state
// reads the order's state and succeeds when that state proves the operation
// applied ([provider.OpCapability.Reached]: its Lands or Settles state). Such
// results have [provider.Result.AlreadyDone] set. A look-alike state that a
// refused operation leaves behind too (ReportedAs, e.g. Alibaba's payed after
// a cancel) proves nothing: the outcome stays [provider.KindOutcomeUnknown].
//
// Retries back off exponentially with jitter, stop after a maximum number
// of attempts, and draw on a per-origin retry budget that successes refill,
// so a cloud that fails every call is not hammered.
//
// # Rate limits
//
// Each origin has a token bucket (per operation when the provider
// implements [provider.RateAdvisor]); [WithRate] overrides it. A throttled
// response halves the origin's rate, down to a floor, and each later
// success raises it again by a small step until the configured rate is
// back. All waiting uses the broker's [Clock], which tests can replace.
//
// # Bulk
//
// [Broker.Do] runs one operation over a slice of references and
// [Broker.Stream] over a sequence of any length, holding only a bounded
// window of items in memory. Both report exactly one [Item] per input
// reference, in input order, run a bounded number of items at once
// ([WithConcurrency], [WithOriginConcurrency]), and stop starting new items
// when the context ends: the items never started are reported with
// [provider.KindCanceled]. [BulkOptions.DryRun] validates, routes and
// checks capabilities (and, with CheckState, the current state) without
// any mutating call.
//
// # Observability
//
// The broker logs with log/slog, quietly by default ([WithLogger] turns it
// on), with the fields origin, op, id, attempt, duration, kind, code and
// request_id. It never logs a CSR, tags or credentials. [WithMiddleware]
// wraps every registered provider, for metrics or tracing.
package broker
