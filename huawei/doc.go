// Package huawei is the certbroker adapter for Huawei Cloud SSL
// Certificate Manager (SCM, v2 and v3 REST APIs) over the official SDK
// (github.com/huaweicloud/huaweicloud-sdk-go-v3). An [Adapter]
// implements [provider.Provider], [provider.IDChecker], [provider.Checker]
// and [provider.RateAdvisor] for one account and project. The emulator it
// is tested against is huawei/huaweitest.
//
// # Use
//
//	cfg, err := huawei.ConfigFromEnv(os.LookupEnv)
//	if err != nil { ... }
//	a, err := huawei.New(cfg, huawei.WithLogger(logger))
//	if err != nil { ... }
//	res, err := a.Status(ctx, provider.StatusRequest{ID: "scs1481110651012"})
//
// [New] sends nothing; a bad [Config] is a [*provider.Error] of kind
// invalid_argument. Options: [WithLogger], [WithHTTPTransport],
// [WithClock]. Used on its own, the adapter stamps [DefaultOrigin] on its
// results and errors; the name a broker registers it under replaces it.
// Renew is off unless
// [Config.RenewByPurchase] is set, because Huawei renews by a billed
// purchase.
//
// # Operations
//
// An ID is "scs" followed by 13 digits ([IDLen]); it, and Revoke's reason
// ([MaxReasonLen] characters), are checked before anything is sent.
//
//	op      API                                              from (native)                     to
//	Cancel  POST /v2/{project_id}/scm/cert/{id}/cancel-cert  CHECKING*, SUPPLEMENTCHECKING     CANCELCHECKING, then PAID
//	Revoke  POST /v2/{project_id}/scm/cert/{id}/revoke       ISSUED, not expiring              REVOKING, then REVOKED
//	Delete  DELETE /v3/scm/certificates/{id}                 ISSUED, REVOKED, EXPIRED, UPLOAD  gone
//	Renew   GET /v3/scm/certificates/{id},                   ISSUED, expiring                  new certificate, PAID
//	        POST /v3/scm/certificates/buy,
//	        GET the new certificate
//	Status  GET /v3/scm/certificates/{id}                    any
//	List    GET /v3/scm/certificates (offset paging)         any
//	Find    POST /v3/scm/resource_instances/action           reads only: FindRenewal, by the
//	        (without a mark: GET details, GET the list)              renewal's tag
//
// Status maps the native status (states.go): PAID is
// pending_application (a cancelled application reads the same); CHECKING,
// CHECKING_DOMAIN, CHECKING_ORG, ISSUING and SUPPLEMENTCHECKING are
// under_review; CANCELCHECKING and CANCELSUPPLEMENTING cancelling;
// UNPASSED review_failed; ISSUED issued, or expiring within
// [ExpiringWindow] (30 days) of not_after; EXPIRED expired; REVOKING
// revoking; CANCLEREVOKING (sic) unknown, since it proves neither way;
// REVOKED revoked; UPLOAD hosted. not_after is read leniently (epoch
// seconds or milliseconds, RFC 3339, "2006-01-02 15:04:05[.f]" as UTC);
// an unreadable one leaves NotAfter zero and never fails the call.
// [Adapter.Renew] lists what a renewal requires and how an unpaid
// purchase is reported.
//
// The Adapter is a [provider.Lister] ([Adapter.List]): entries are mapped
// as Status maps them; the status and content (domain keyword) filters
// are sent when they narrow the listing, and every filter is applied
// exactly on the adapter's side (expired_days_since bounds how long ago a
// certificate expired, not how soon, so it is not sent). The API pages
// by offset, sorted here by expiry; the page token keeps the IDs of the
// last five rows read (the anchors) and the newest one's expiry, and the
// next page re-reads a few rows to go on after the newest anchor still
// there (reading further back or on, within its four requests, when
// deletes or creations shifted them), or by expiry when all five left.
// An order present throughout, whose expiry does not change, is listed
// exactly once when an anchor of each page is still there at the next.
// When none is, it may be skipped only if it expires at the same time as
// the newest anchor (to the precision the list writes) or if more than
// about 150 rows before the position went; and an order is listed twice
// only if its own expiry changes during the listing, or if, with every
// anchor gone, certificates expiring no later than the newest anchor
// (usually: at the same time) were created and sorted before the position.
// [Adapter.List] states the details and the sort it assumes.
// Each request is paced as "list-certificates".
//
// The Adapter is a [provider.RenewalFinder] ([Adapter.FindRenewal]):
// after a Renew whose outcome is unknown, it looks for the certificate
// the purchase may have bought by the renewal's provider.RenewalTagKey
// tag (POST /v3/scm/resource_instances/action, ListCertificatesByTag,
// paced as "list-certificates-by-tag"): the one certificate carrying the
// mark is the renewal's. Without a mark it lists PAID certificates of the
// renewed one's spec as candidates, never as proof. It validates its
// input as Renew does and sends only reads.
//
// # Errors
//
// Failures are [*provider.Error] values with SCM's error_code, error_msg,
// X-Request-Id and HTTP status; errors.As reaches the SDK's
// *sdkerr.ServiceResponseError. Known codes decide whatever the status
// (errors.go: SCM.0010 invalid_state, SCM.0008 not_found, parameter and
// ID codes invalid_argument, SCM.0011 quota_exceeded, authentication
// codes unauthorized, permission codes forbidden, APIGW.0308 throttled);
// everything else, and every failure without a response, follows the
// rules all adapters share (internal/classify): a 5xx or a lost answer is
// outcome_unknown for a mutating request and unavailable for a read, and
// a 404 without a known code is other, never not_found. Config.Timeout
// bounds each request without putting context.DeadlineExceeded in the
// chain. Messages are one line, cut at 512 bytes; secrets never appear.
//
// # Limits
//
//   - The adapter never retries, and the SDK client has exactly one
//     endpoint (no failover).
//   - The SDK's Sync takes no context: the adapter's RoundTripper
//     (transport.go) attaches each call's context, so cancelling aborts
//     the request in flight.
//   - Credentials and the project ID are required, so the SDK never reads
//     its environment, profile or ECS metadata nor asks IAM; the region
//     table may still read HUAWEICLOUD_SDK_REGION_SCM_<REGION> and
//     ~/.huaweicloud/regions.yaml.
//   - The adapter cannot see whether auto-renew is on; with it on, a
//     Renew buys a second certificate.
//   - TestLiveStatus is an opt-in, read-only check against the real cloud
//     (CERTBROKER_LIVE=1, the variables of [ConfigFromEnv] and
//     CERTBROKER_LIVE_REFS).
package huawei
