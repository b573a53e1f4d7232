// Package alibaba is the certbroker adapter for Alibaba Cloud Certificate
// Management Service (CAS, API 2020-04-07): a [provider.Provider] over
// github.com/aliyun/alibaba-cloud-sdk-go (services/cas), plus
// [provider.IDChecker], [provider.Checker] (the same pre-send checks as
// the calls, by the same code) and [provider.RateAdvisor]. The emulator
// it is tested against lives in alibaba/alibabatest.
//
//	cfg, err := alibaba.ConfigFromEnv(os.LookupEnv)
//	if err != nil { ... }
//	a, err := alibaba.New(cfg, alibaba.WithLogger(logger))
//	if err != nil { ... }
//	res, err := a.Status(ctx, provider.StatusRequest{ID: "123451222"})
//
// # Operations
//
// Every ID is a CAS order ID: the canonical decimal form of a positive
// int64 (see [Adapter.CheckID]), validated before anything is sent.
//
//	Cancel  CancelOrderRequest                      domain_verify, process -> payed
//	Revoke  DescribeCertificateState, then
//	        CancelCertificateForPackageRequest      certificate (issued or expiring) -> revoked
//	Delete  DeleteCertificateRequest                verify_fail, or payed after a cancel -> gone
//	Renew   RenewCertificateOrderForPackageRequest  certificate in its renewal window -> new order in payed
//	Status  DescribeCertificateState                any
//	        (+ ListUserCertificateOrder when the Type is unknow or unrecognised)
//
// # Revoke
//
// CancelCertificateForPackageRequest revokes an issued certificate, but
// on a pending (payed) order it cancels the order and returns its quota
// (its documentation page, revised 2025-12-23: "If an order has been
// issued, this operation revokes the certificate. If an order is
// pending, it cancels the order and restores the quota."). Sending it
// and reporting "revoked" could therefore hide a cancellation. Revoke
// reads the order with DescribeCertificateState first and sends the
// revocation only when the Type is certificate; anything else is refused
// with KindInvalidState and nothing more is sent. This is honest under
// races: no transition leads from certificate back to payed (a renewal
// creates a new order), so an order read as certificate cannot be a
// pending one when the revocation arrives. The read costs one
// DescribeCertificateState request, paced like the rest; its failures
// are those of a read (never KindOutcomeUnknown; a context that ends
// during it gives KindCanceled, since the revocation was never sent).
// Whether an expired certificate may still be revoked is left to the
// cloud. Revoke takes no reason at Alibaba; RevokeRequest.Reason is
// ignored.
//
// # Renew
//
// Renew's optional CSR and tags are checked first ([ValidateCSR],
// [ValidateTags]); the tags, which the SDK's request struct lacks, are sent
// as Tags.N.Key and Tags.N.Value query parameters (N from 1), the way the
// SDK flattens repeated lists, and are signed with the rest.
//
// # States
//
// Status maps DescribeCertificateState's Type:
//
//	payed          StatePendingApplication (also for a cancelled order: see below)
//	domain_verify  StateUnderReview (domain ownership not yet proven)
//	process        StateUnderReview (the CA is reviewing)
//	verify_fail    StateReviewFailed
//	certificate    StateIssued, StateExpiring or StateExpired, from the NotAfter of
//	               the returned certificate: expired once past it, expiring within
//	               [ExpiringWindow] (30 days) of it, issued before; NotAfter is in
//	               the Result (read from the DER, not a full x509 parse). A
//	               certificate that cannot be parsed gives StateIssued with a
//	               zero NotAfter.
//	unknow (sic)   the ListUserCertificateOrder Status, below
//	anything else  the ListUserCertificateOrder Status, below
//
// What DescribeCertificateState answers for a revoked order is not
// documented; the emulator answers unknow. For unknow and for any Type it
// does not recognise, Status searches ListUserCertificateOrder with
// documented filters only (help.aliyun.com/document_detail/455804): Status
// REVOKED, OrderType CPACK (orders created from a resource plan, the
// default) and then BUY (sold orders), CurrentPage and ShowSize 50, at most
// four pages per order type, newest first, and Keyword, a fuzzy match on the
// domain, set to the Domain DescribeCertificateState answered, if any
// (whether the cloud answers it for a revoked order is [unverified]; without
// it the newest revoked orders are paged). It takes the row whose OrderId is
// exactly the ID and maps its Status (REVOKED, unless the cloud ignored the
// filter):
//
//	PAYED          StatePendingApplication
//	CHECKING       StateUnderReview
//	CHECKED_FAIL   StateReviewFailed
//	ISSUED         StateIssued
//	WILLEXPIRED    StateExpiring
//	EXPIRED        StateExpired
//	REVOKED        StateRevoked
//	NOTACTIVATED   StateUnknown (its meaning is not documented; no operation is
//	               offered from it)
//	anything else  StateUnknown
//
// Result.NativeState is then the list Status, NotAfter comes from the row's
// CertEndTime (when present) and RequestID is the list call's. When no row
// matches (the order is not revoked, or is older than the pages read), the
// result is StateUnknown with the Type as NativeState: a search that finds
// nothing proves nothing, so no state is guessed. The order ID is never sent
// as Keyword: Keyword matches the domain or the resource ID, not the order
// ID. Cost: one DescribeCertificateState, plus for unknow one to eight
// ListUserCertificateOrder requests, each paced (provider.Pace, API
// "ListUserCertificateOrder", 10/s per account); the fallback's errors are
// classified like any Status error (never KindOutcomeUnknown).
//
// Alibaba reports a cancelled order as payed, exactly like a fresh one, so
// Status can never report StateCancelled: a Cancel's own result says
// StateCancelled, but a later Status says StatePendingApplication. Delete
// is accepted only for the cancelled kind; for a payed order the cloud
// decides. The adapter has no Cancelling, Revoking or Hosted states:
// Alibaba's operations are synchronous, and uploaded certificates are not
// orders.
//
// # Errors
//
// Failures are [*provider.Error] values carrying the Alibaba code, message,
// request ID and HTTP status; errors.As reaches the SDK's
// *errors.ServerError for error responses. Alibaba's own codes are
// classified first; a code it does not know, or none (an HTML page from
// a proxy or gateway), falls to the cloud-independent HTTP rules of
// internal/classify, which also classifies failures without a response:
//
//	NotFoundOrder                                         KindNotFound
//	OrderStateError, DeleteFail,
//	  CreateCertificateRequestFailed                      KindInvalidState
//	NotFoundPackage, NotRemainCount                       KindQuotaExceeded
//	Throttling*                                           KindThrottled
//	SignatureDoesNotMatch, IncompleteSignature,
//	  InvalidAccessKeyId*, InvalidTimeStamp*,
//	  SignatureNonceUsed, InvalidSecurityToken*           KindUnauthorized
//	Forbidden*, NoPermission*                             KindForbidden
//	MissingParameter*, InvalidParameter*                  KindInvalidArgument
//	InvalidAction.NotFound (no such API)                  KindUnsupported: a wrong endpoint or region
//	other code, HTTP 5xx                                  KindOutcomeUnknown for a mutating request, KindUnavailable
//	                                                      for a read (Status's, and Revoke's state read)
//	other code, HTTP 429 / 401 / 403                      KindThrottled / KindUnauthorized / KindForbidden
//	other code, any other status                          KindOther (a 404 is not taken for NotFound)
//
// Without an error response: a connection that failed before the request
// was written (dial, DNS, TLS) is KindUnavailable; a timeout, reset or
// undecodable success after it was written is KindOutcomeUnknown for the
// mutating requests of Cancel, Revoke, Delete and Renew and
// KindUnavailable for reads; a
// context that ended before the request was written is KindCanceled, and
// one that ended while it was in flight is classified like a timeout with
// the context's error in the chain (during Revoke's state read it is
// KindCanceled: the revocation was not sent). Errors never contain the request URL
// (it carries the AccessKeyId, the Signature and any SecurityToken), the
// secret, the token, or the string to sign that Alibaba echoes on a
// signature mismatch.
//
// # How the SDK is used
//
// The SDK has three hazards the adapter neutralises:
//
//   - Retries: its AutoRetry re-sends any request on a 5xx or a timeout,
//     renewals included, so one call could create several orders. The
//     adapter sets AutoRetry off and MaxRetryTime to 0 and never retries;
//     retrying is the caller's decision ([provider.Retryable]).
//   - Concurrency: a client writes its own settings on every call
//     (aliyun/alibaba-cloud-sdk-go#538) and requests are mutated when sent.
//     The adapter keeps a pool of clients ([WithPoolSize]), each with its
//     own configuration and its own kept-alive *http.Transport, runs one
//     call per client at a time, and builds a fresh request per call.
//   - Context: the SDK takes none. Each client's RoundTripper is the
//     adapter's wrapper, which attaches the current call's context to the
//     outgoing request, so cancelling it aborts the request in flight.
//
// It also builds the SDK clients from explicit credentials only (never the
// default chain, which may query the ECS metadata service), forces HTTPS
// unless a loopback http Endpoint is configured, and turns off the SDK's
// tracing (whose span names would carry the signed query).
//
// Proxies: the SDK reads HTTP_PROXY, HTTPS_PROXY and NO_PROXY itself but
// applies them only to an *http.Transport it is given, and the adapter
// gives it a wrapper, so the proxy is that of the adapter's transport:
// Go's standard environment handling by default (loopback is never
// proxied), or whatever [WithHTTPTransport] configures. The adapter sets
// the SDK's own no-proxy list explicitly, so a NO_PROXY value that is not
// a valid regular expression (the SDK compiles each entry as one) does not
// break calls.
//
// The package's tests run against the emulator. TestLiveStatus is an
// opt-in, read-only check against the real cloud: with CERTBROKER_LIVE=1,
// the credential variables of [ConfigFromEnv] and CERTBROKER_LIVE_REFS
// (comma-separated origin:id refs; those with a CAS order ID are read),
// it runs Status on each, under a pacer that refuses any other request.
//
// Do not set DEBUG=sdk in production: the SDK then prints every signed
// request URL and every response body (DescribeCertificateState returns the
// certificate's private key) to standard output, outside the adapter's
// control.
package alibaba
