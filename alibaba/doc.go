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
// CAS 2020-04-07 has two models, and an ID names one of them by its shape
// ([Adapter.CheckID]): an order ID, the canonical decimal form of a
// positive int64 (the order model below), or an instance ID such as
// cas_dv-cn-rp643r82d0i1: "cas", an optional "_" and product, "-cn-",
// then 1 to 32 lower-case letters or digits (the instance model, further
// below). The ID, and Renew's CSR and tags ([ValidateCSR],
// [ValidateTags]), are checked before anything is sent.
//
// The order model:
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
// The instance model (where recent purchases live), by InstanceId; the
// SDK has no request structs for it, so each action is its generic RPC
// request, sent on the same pooled, hardened clients, paced per action:
//
//	op      API                        from (Status/CertificateStatus)  to
//	Cancel  CancelPendingCertificate   pending                          inactive
//	Revoke  RevokeCertificate          normal or willExpire / issued    …/revoked
//	                                   or willExpire
//	Delete  DeleteInstance             inactive after a Cancel,         gone
//	                                   refund, closed [unverified]
//	Renew   (none: GetInstanceDetail,  —                                unsupported
//	        then refused)
//	Status  GetInstanceDetail          any
//
// Pages (help.aliyun.com/zh/ssl-certificate/developer-reference/ and the
// English alibabacloud.com copies): api-cas-2020-04-07-getinstancedetail,
// -cancelpendingcertificate, -revokecertificate, -deleteinstance. None
// lists the states an action accepts or its error codes: the states above
// follow the actions' names and the status lists [unverified], and the
// codes this adapter maps, NotFoundInstance (not_found) and
// InstanceStateError (invalid_state), are the emulator's [unverified]; a
// different real code reads as other, never as not_found.
//
// Status maps GetInstanceDetail: CertificateStatus revoked is revoked;
// issued, willExpire and expired are placed on the clock by
// CertificateNotAfter (Unix milliseconds), which becomes NotAfter; with
// no certificate, Status inactive is pending_application (a withdrawn
// application reads the same, as a cancelled order reads payed) and
// pending is under_review; refund, closed and anything else stay unknown
// with NativeState "Status" or "Status/CertificateStatus". Renew of an
// instance sends GetInstanceDetail only and answers not_found for an
// unknown instance, invalid_state outside the renewal window (as for an
// order), and unsupported inside it, since the instance model has no
// renewal action.
//
// [Adapter.Capabilities] is per provider, so one table serves both
// models: each operation's From, Lands and Settles hold for orders and
// instances alike (see its doc), and Capabilities.Evidence reads alike:
// a withdrawn instance looks fresh (ReportedAs of Cancel), and revoked is
// left by a revocation only. The Notes say what each model sends. The
// one difference is Renew, refused for instances.
//
// # Listing
//
// [Adapter.List] implements [provider.Lister] over
// ListUserCertificateOrder (help.aliyun.com/document_detail/455804;
// alibabacloud.com/help/en/ssl-certificate/developer-reference/api-cas-2020-04-07-listusercertificateorder)
// and then ListInstances (api-cas-2020-04-07-listinstances, same
// directories; field names from the Tea SDK's cas-20200407
// list_instances_*_model.go): the orders of OrderType CPACK, then of BUY,
// each newest first, then the instances of the instance model, through
// the same pooled, paced calls as every operation (each request paced
// under its action's name; ListInstances is a generic RPC request like
// the other instance actions). It sends only documented parameters:
// OrderType, CurrentPage, ShowSize, Status when the state filter is one
// state with a documented Status, and Keyword (a fuzzy match on the
// domain) for a domain filter; for instances CurrentPage, ShowSize (at
// most 100, documented), Keyword, and Status inactive or pending or
// CertificateStatus revoked for a filter of pending_application,
// under_review or revoked alone. Everything is then filtered exactly on
// the client side. An instance is listed by its InstanceId with the
// state, native state and NotAfter Status reports for it. Both APIs page
// by offset: the opaque, versioned page token carries, for orders, a
// cursor (the last OrderId) and the TotalCount seen, so that no order is
// listed twice and an order present throughout is not skipped when orders
// before it are deleted, on the [unverified] assumptions that rows come
// newest first and new orders get higher IDs; for instances, whose IDs
// are not ordered, anchors (hashes of the last eight instances read) and
// the TotalCount seen, so that a page finds its place again after
// instances are created or deleted, on the [unverified] assumption that
// ListInstances lists the newest first in a stable order. The List
// method's doc (and listInstancePage's) says what each cannot promise.
// [Adapter.FindRenewal] lists orders only: an instance is never a
// renewal.
//
// # Errors
//
// Failures are [*provider.Error] values with Alibaba's code, message,
// request ID and HTTP status; errors.As reaches the SDK's
// *errors.ServerError. Known codes decide (errors.go: NotFoundOrder and
// NotFoundInstance [unverified] are not_found, OrderStateError and
// InstanceStateError [unverified] invalid_state, NotRemainCount
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
//   - Instance IDs of the -cn- form only: whether the international site
//     uses another region part is not documented [unverified], and such an
//     ID is refused as invalid_argument rather than guessed at.
//   - Of the instance actions only GetInstanceDetail has a documented
//     quota (10/s); [Adapter.SuggestedRate] gives 0 (unknown) for
//     CancelPendingCertificate, RevokeCertificate and DeleteInstance.
//   - The adapter never retries (the SDK's AutoRetry is off): retrying is
//     the broker's decision.
//   - Calls run on a pool of SDK clients ([WithPoolSize], default
//     [DefaultPoolSize]); further calls wait for a free client.
//   - Credentials are explicit only (never the SDK's default chain), HTTPS
//     is forced except for a loopback http Endpoint, and proxies are those
//     of the adapter's transport.
//   - The Status fallback reads at most four pages of 50 per order type
//     (CPACK, then BUY), so a revoked order further down stays unknown.
//   - List reads orders (CPACK, BUY) and instances, not uploaded
//     certificates; ShowSize is capped at 100 ([unverified] for
//     ListUserCertificateOrder, documented for ListInstances);
//     ExpiringWithin and several states at once are filtered on the
//     client side, so such pages may be sparse or empty while the listing
//     goes on. The instance phase costs at least one request even with no
//     instances, and up to four for a page whose rows moved.
//   - ListInstances documents no quota; [Adapter.SuggestedRate] gives 0
//     (unknown) for it. Its time fields are read as milliseconds, like
//     GetInstanceDetail's (the SDK's comments say seconds, its examples
//     are milliseconds [unverified]).
//   - Do not set DEBUG=sdk in production: the SDK then prints signed URLs
//     and response bodies, private keys included.
//   - TestLiveStatus is an opt-in, read-only check against the real cloud
//     (CERTBROKER_LIVE=1, the variables of [ConfigFromEnv] and
//     CERTBROKER_LIVE_REFS).
package alibaba
