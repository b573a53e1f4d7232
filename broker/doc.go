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
// # Retries and the outcome rule
//
// Providers do not retry; the broker does, knowing the operation
// ([provider.Retryable]: throttled and unavailable errors, and
// outcome-unknown errors of every operation but Renew). Once an attempt
// may have been applied, the broker follows the outcome rule of package
// provider: it never reports "done" or "not applied" without proof. It
// settles such an operation with one Status read: a state only the
// applied operation produces, or a not-found for a Delete, is a success
// with [Result.AlreadyDone]; a known state the applied operation would
// not have left is the last error, with outcome-unknown turned into
// unavailable and the read state in [OpError.Read]; anything else
// (unknown, or a look-alike in the capability's ReportedAs) stays
// [provider.KindOutcomeUnknown]. A Renew whose outcome is unknown is never
// sent again. Instead, when its provider is a [provider.RenewalFinder],
// the broker looks once for the order it may have created: every Renew to
// such a provider carries a [provider.RenewalTagKey] tag with a value of
// its own (random, or derived from the run and the item in a journaled
// run), and the one order carrying it makes the Renew a success
// (AlreadyDone, with the new order's ID); otherwise the outcome stays
// unknown and [OpError.Renewal] lists the candidates. Retries back off exponentially with jitter, stop after a
// maximum number of attempts, and draw on a per-origin retry budget.
//
// # Pacing and credentials
//
// Rate limits pace HTTP requests: a provider that declares
// [provider.Capabilities.Paced] asks the broker's pacer before every
// request ([provider.Pace]), each API at the rate its [provider.RateAdvisor]
// advises, or the whole origin at [WithRate]; other providers are paced
// per call. A throttled response halves the rate, down to a floor, and
// successes restore it step by step. Until an origin has answered once in
// a way that proves its credentials, it gets one request at a time, and a
// few authentication failures in a row stop it ([WithAuthFailureLimit]).
// All waiting uses the broker's [Clock], which tests can replace.
//
// # Bulk
//
// [Broker.Do] sends one request to a slice of references and
// [Broker.Stream] to a sequence of any length. Both report exactly one
// [Item] per input reference, in input order; a repeated reference is sent
// once and its later items are marked Duplicate. They run a bounded number
// of items at once ([WithConcurrency], [WithOriginConcurrency]), and stop
// starting new items when the context ends: the items never started are
// reported with [provider.KindCanceled]. A provider's panic is that item's
// error; a panic in the caller's iterator or callbacks is raised again on
// the caller's goroutine. A bulk Status ([Broker.Do] with a
// [provider.StatusRequest]) reads the states of many orders of an origin
// whose provider is a [provider.Lister] through its listing, a page of
// orders per request, and sends a Status only for the orders the listing
// did not show: never more than 1.1 × refs + 1 requests to an origin
// ([Item.Listed], [BulkOptions.StatusEach]); Stream sends one Status per
// reference. [BulkOptions.DryRun] checks each request as the
// provider would before sending ([provider.Checker]) and, with CheckState,
// the current state, without any mutating call. The aggregate error's
// message is one line, and provider.KindOf of it is the most serious kind.
//
// # Resuming a bulk run
//
// With [BulkOptions.Journal], a run of a mutating operation records each
// item's intent durably just before its first request goes out (after the
// waits for a slot and for pacing) and its outcome after. Run again with
// the same journal, and the same operation, inputs, references and
// [BulkOptions.Fingerprint] (anything else is refused with
// provider.KindInvalidArgument before anything is sent), it reports
// recorded outcomes again ([Item.FromJournal]), sends the items never
// started, and settles the items in doubt (an intent and no outcome, or an
// outcome_unknown) by the outcome rule: cancel, revoke and delete read the
// order's state, and are reported done (AlreadyDone) on a state only the
// applied operation produces, sent normally on a state that proves it was
// not applied, and otherwise reported outcome_unknown with [Item.InDoubt].
// A renewal in doubt is looked for by its mark (see above), and never sent
// again unless [BulkOptions.ResendInDoubtRenewals] says so. Package journal has a
// file-based Journal.
//
// # Listing
//
// [Broker.List] lists certificates across origins whose provider is a
// [provider.Lister], one page per request, paced and retried like a read;
// an origin that fails or does not list yields one error item and the
// others go on.
//
// # Observability
//
// The broker logs with log/slog, quietly by default ([WithLogger] turns it
// on), with the fields origin, op, id, attempt, duration, kind, code and
// request_id. It never logs a CSR, tags or credentials. [WithObserver] is
// called after every attempt, for metrics; [WithMiddleware] wraps every
// registered provider, for tracing or auditing.
package broker
