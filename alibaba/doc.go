// Package alibaba is the certbroker adapter for Alibaba Cloud Certificate
// Management Service (CAS, API 2020-04-07) over the official SDK
// (github.com/aliyun/alibaba-cloud-sdk-go, services/cas). An [Adapter]
// implements [provider.Provider], [provider.IDChecker], [provider.Checker]
// and [provider.RateAdvisor] for one account. The emulator it is tested
// against is alibaba/alibabatest.
//
// # Use
//
//	cfg, err := alibaba.ConfigFromEnv(os.LookupEnv)
//	if err != nil { ... }
//	a, err := alibaba.New(cfg, alibaba.WithLogger(logger))
//	if err != nil { ... }
//	res, err := a.Status(ctx, provider.StatusRequest{ID: "123451222"})
//
// [New] sends nothing; a bad [Config] is a [*provider.Error] of kind
// invalid_argument. Options: [WithLogger], [WithHTTPTransport],
// [WithClock], and [WithPoolSize] (the SDK's client is not safe for
// concurrent use, so the adapter keeps a pool of them). Used on its own,
// the adapter stamps [DefaultOrigin] on its results and errors; the name a
// broker registers it under replaces it.
//
// # Operations
//
// An ID is a CAS order ID, the canonical decimal form of a positive int64
// ([Adapter.CheckID]); it, and Renew's CSR and tags ([ValidateCSR],
// [ValidateTags]), are checked before anything is sent.
//
//	op      API                                     from (native Type)            to
//	Cancel  CancelOrderRequest                      domain_verify, process        payed
//	Revoke  DescribeCertificateState, then          certificate                   revoked
//	        CancelCertificateForPackageRequest
//	Delete  DeleteCertificateRequest                verify_fail, cancelled payed  gone
//	Renew   RenewCertificateOrderForPackageRequest  certificate, expiring         new order in payed
//	Status  DescribeCertificateState                any
//	        (+ ListUserCertificateOrder)
//
// Status maps the Type: payed is pending_application (a cancelled order
// reads the same, so Status never reports cancelled); domain_verify and
// process are under_review; verify_fail is review_failed; certificate is
// issued, expiring within [ExpiringWindow] (30 days) of its NotAfter, or
// expired, with NotAfter read from the returned certificate. For unknow
// (which a revoked order answers) or any Type the adapter does not know,
// Status looks for the order among the REVOKED rows of
// ListUserCertificateOrder (list.go) and reports revoked when its row is
// there; otherwise the state stays unknown with the Type as NativeState.
//
// Revoke reads the Type first because CancelCertificateForPackageRequest
// cancels a pending order (and returns its quota) instead of revoking;
// anything but certificate is refused with invalid_state and nothing more
// is sent. Alibaba takes no revocation reason.
//
// # Errors
//
// Failures are [*provider.Error] values with Alibaba's code, message,
// request ID and HTTP status; errors.As reaches the SDK's
// *errors.ServerError. Known codes decide (errors.go: NotFoundOrder is
// not_found, OrderStateError invalid_state, NotRemainCount
// quota_exceeded, Throttling* throttled, signature and key codes
// unauthorized, Forbidden* forbidden, *Parameter* invalid_argument);
// everything else, and every failure without a response, follows the
// rules all adapters share (internal/classify): a 5xx or a lost answer is
// outcome_unknown for a mutating request and unavailable for a read, and
// a 404 without a known code is other, never not_found. Messages are one
// line, cut at 512 bytes, and never carry the request URL, the secret,
// the STS token or the string to sign Alibaba echoes.
//
// # Limits
//
//   - The adapter never retries (the SDK's AutoRetry is off): retrying is
//     the broker's decision.
//   - Calls run on a pool of SDK clients ([WithPoolSize], default
//     [DefaultPoolSize]); further calls wait for a free client.
//   - Credentials are explicit only (never the SDK's default chain), HTTPS
//     is forced except for a loopback http Endpoint, and proxies are those
//     of the adapter's transport.
//   - The Status fallback reads at most four pages of 50 per order type
//     (CPACK, then BUY), so a revoked order further down stays unknown.
//   - Do not set DEBUG=sdk in production: the SDK then prints signed URLs
//     and response bodies, private keys included.
//   - TestLiveStatus is an opt-in, read-only check against the real cloud
//     (CERTBROKER_LIVE=1, the variables of [ConfigFromEnv] and
//     CERTBROKER_LIVE_REFS).
package alibaba
