// Package huaweitest is a wire-level emulator of the Huawei Cloud SCM REST
// API (the v2 "historical" certificate API, and the v3 details, delete and
// buy), in the spirit of net/http/httptest: NewServer starts it on a
// loopback port at once, URL says where, and Close releases everything.
//
// It speaks the API exactly as github.com/huaweicloud/huaweicloud-sdk-go-v3
// (v0.1.207) sends it, so an adapter built on the SDK's core client can be
// tested end to end, signatures included. It is not a mock: requests travel
// over real HTTP, every request's SDK-HMAC-SHA256 signature is verified the
// way the API gateway does, and certificates move through an in-memory state
// machine built from the SCM documentation.
//
//	s := huaweitest.NewServer()
//	defer s.Close()
//	id := s.Seed(provider.StateUnderReview)      // a cert in CHECKING
//	// point the SDK at s.URL() with s.AccessKeyID(), s.AccessKeySecret() and s.ProjectID() ...
//	s.Settle(id)                                 // CANCELCHECKING -> PAID
//
// # Endpoints
//
// Paths are relative to URL; {project_id} must be a known project (see
// WithProjectID) and equal the X-Project-Id header the SDK adds.
//
//	POST   /v2/{project_id}/scm/cert/{cert_id}/cancel-cert   ActionCancelCert
//	POST   /v2/{project_id}/scm/cert/{cert_id}/revoke        ActionRevoke
//	DELETE /v2/{project_id}/scm/cert/{cert_id}               ActionDelete
//	GET    /v2/{project_id}/scm/cert/{cert_id}               ActionDetails
//	GET    /v2/{project_id}/scm/certlist                     ActionList
//	POST   /v2/{project_id}/scm/cert/purchase                ActionPurchase
//	GET    /v3/scm/certificates/{certificate_id}             ActionDetails (v3)
//	DELETE /v3/scm/certificates/{certificate_id}             ActionDelete (v3)
//	POST   /v3/scm/certificates/buy                          ActionPurchase (v3)
//
// The v3 paths carry no project: the certificate's project is the
// X-Project-Id header's, which must be a known project. A v2 and a v3
// request for the same thing share an API name, so a fault or QPS limit
// on "details", "delete" or "purchase" covers both; Request.Path tells
// them apart.
//
// The API names (ActionCancelCert, ...) are what InjectFault, SetQPS and the
// request log use.
//
// # State machine
//
// Native statuses are the StatusXxx constants. Operations:
//
//   - cancel-cert: CHECKING -> CANCELCHECKING, which settles to PAID with the
//     certificate's Cancelled flag set, or, when the withdrawal fails late
//     because the CA had already approved, to ISSUED (user guide,
//     撤回SSL证书申请; fidelity H12): WithLateCancelFailure draws that per
//     cancel from the seed, FailCancel decides it for one certificate.
//     SUPPLEMENTCHECKING -> CANCELSUPPLEMENTING, which settles back to ISSUED
//     (the withdrawal of an extra-domain request). Any other status is
//     SCM.0010, ISSUING ("about to issue", v3) included: the guide lists
//     only pending domain or organisation validation and the review of
//     added domains (H13) [unverified refusal]. Answers
//     {"cert_id":…,"message":"success"}.
//   - revoke: ISSUED only, and not within ExpiringWindow (30 days) of
//     NotAfter, whatever the source: the user guide (吊销SSL证书) refuses
//     revocation in the renewal period, one month before expiry (SCM.0010
//     [unverified code: the guide names none]) ->
//     REVOKING, which settles to REVOKED. The body {"reason": string} is
//     required; a missing body or field, or a reason over 63 characters
//     (Unicode code points), is SCM.0005. Answers {"message":"success"}.
//   - delete: by the user guide (删除SSL证书; fidelity H11), purchased
//     certificates when ISSUED, REVOKED or EXPIRED, free ones (Source free,
//     DigiCert DV (Basic) single-domain) when PAID, REVOKED or EXPIRED, and
//     UPLOAD; anything else is SCM.0010. The certificate is then gone and
//     later v2 calls answer SCM.0008. Answers {"message":"success"}.
//   - details: any status. The v2 details carry no expiry date; the fields are
//     those of the documentation (cert_id, order_id, cert_name, cert_type,
//     cert_brand, domain_type, domain_name, domain_number, cert_describe,
//     push_support, revoke_reason, applicant and company fields, status,
//     encrypt_type, DNS_push_status, auth).
//   - v3 details (api-ccm ShowCertificate; the SDK's ShowCertificateResponse):
//     id, status, order_id, name, type (purchase vocabulary, e.g.
//     OV_SSL_CERT), brand, push_support, revoke_reason, signature_algorithm,
//     issue_time, not_before, not_after ("" until issued, as documented),
//     validity_period (months), validation_method, domain_type,
//     multi_domain_type, domain, sans, domain_count, wildcard_count,
//     fingerprint, shared, description, enterprise_project_id and
//     authentification. The times are written in one of three forms
//     (TimeFormat), chosen per server from the seed, because the reference
//     gives none [unverified]. Status values are the documented ones plus
//     CANCLEREVOKING (a revocation being withdrawn, settling to ISSUED; only
//     SeedCert creates it). A missing or deleted certificate is 404 with
//     SCM's error body (CCM API status codes; fidelity H7; the code,
//     SCM.0008, is [unverified]).
//   - v3 delete: the same rules as v2's, answered 204 with no body; a
//     missing certificate is 404 as above.
//   - list: see below.
//   - purchase (v2): creates order_number new certificates in PAID (v2 has
//     no pay flag). See Purchases.
//   - buy (v3; the SDK's PurchaseCertificateRequestBody): cert_brand one of
//     GEOTRUST, GLOBALSIGN, SYMANTEC, CFCA, TRUSTASIA, VTRUS; cert_type one
//     of DV_SSL_CERT, DV_SSL_CERT_BASIC, EV_SSL_CERT, EV_SSL_CERT_PRO,
//     OV_SSL_CERT, OV_SSL_CERT_PRO; effective_time 1 to 3; order_number 1
//     to 100; tags (key 1-128, value up to 255 characters [unverified
//     limits]). The new certificates are PAID when is_auto_pay is true and
//     the automatic payment succeeds (SetAutoPay), otherwise StatusUnpaid
//     ("UNPAID" [unverified: SCM documents no unpaid status; Terraform
//     polls until PAID, fidelity H9]) until PayOrder. A purchase matching a
//     certificate that renews itself (Cert.AutoRenew, or EffectiveTime over
//     one year: SCM applies for the next one itself, user guide 自动续费,
//     手动续费; H8) is recorded with Purchase.SelfRenewing, the duplicate
//     the guide warns about. The v3 details show validity_period as
//     12 × EffectiveTime months; auto-renew appears in no response.
//
// Pending transitions (CANCELCHECKING, CANCELSUPPLEMENTING, REVOKING,
// CANCLEREVOKING) settle
// when Settle or SettleAll is called, or, with WithSettleDelay(d), once the
// emulator's clock has moved d past the transition. The emulator checks this
// lazily, whenever it is consulted (any request, State, Cert, Settle), so a
// fake clock given to WithClock drives it without goroutines or timers. In
// the same way an ISSUED certificate whose NotAfter has passed becomes
// EXPIRED.
//
// Cert types: purchase takes the purchase vocabulary (OV_SSL_CERT,
// EV_SSL_CERT, and the v3 names DV_SSL_CERT, DV_SSL_CERT_BASIC,
// OV_SSL_CERT_PRO, EV_SSL_CERT_PRO); details and list report cert_type in the
// short form of the documentation sample, with "_SSL_CERT" removed: "OV",
// "EV", "DV", "OV_PRO", "EV_PRO", "DV_BASIC"; the v3 details report the
// purchase form, as documented. Cert.Type holds the purchase form. Free
// certificates (Source free) are DV_SSL_CERT_BASIC, SINGLE_DOMAIN, brand
// freeBrand unless seeded otherwise.
//
// # List
//
// GET …/certlist takes order_status (one of the statuses, else SCM.0005),
// content (a keyword, matched case-insensitively as a substring of cert_id,
// cert_name and the certificate's domains), sort_key (certExpiredTime,
// certStatus, certUpdateTime), sort_dir (ASC, the default, or DESC), limit
// (10, the default, 20 or 50) and offset (items to skip, 0 by default; the
// documentation's 1–30 range is not enforced). Without sort_key the order is
// creation order. Each item carries expired_time as a string of decimal
// milliseconds since the Unix epoch (the documentation types it String and
// shows a digit string), or "" when the certificate has no expiry yet.
// total counts every match before paging; free_remain is an integer.
//
// # Errors
//
// Every response, success or failure, carries an X-Request-Id header and
// Content-Type application/json. Failures have the body
// {"error_code": …, "error_msg": …} and the status below (the CodeXxx
// constants):
//
//	401 APIGW.0301  missing or malformed Authorization, unsupported algorithm,
//	                unknown AK, bad signature, x-sdk-date (or a sent
//	                X-Project-Id) not among SignedHeaders, X-Sdk-Date missing;
//	                and, with the message "AK access failed to reach the
//	                limit,forbidden", any request of an AK locked after more
//	                than 5 consecutive authentication failures, for 5 minutes
//	                of the emulator's clock (API signing guide FAQ; APIG FAQ
//	                "Common Errors Related to IAM Authentication
//	                Information"; the 401 of the locked answer [unverified])
//	401 APIGW.0303  X-Sdk-Date more than 15 minutes from the emulator's clock
//	                (API signing guide, error codes)
//	403 SCM.0002    X-Project-Id missing or different from the path's project
//	400 SCM.0069    the path's project is not one of the emulator's projects
//	404 APIGW.0101  no such API (path or method)
//	413 APIGW.0201  request body over 1 MiB
//	429 APIGW.0308  throttled: a QPS limit (SetQPS) or a FaultThrottle
//	400 SCM.0020    malformed cert_id (not "scs" followed by 13 digits)
//	400 SCM.0008    no such certificate in this project [unverified: SCM has no
//	                documented not-found code; this is the likeliest]
//	400 SCM.0010    the certificate's status does not allow the operation
//	400 SCM.0005    invalid request parameter or body
//	500 SCM.4001    FaultServerError
//	503 APIGW.0613  FaultUnavailable (gateway error codes, fidelity H15)
//
// Authentication is checked first, then the project, then QPS limits and
// injected faults, then the operation's own parameters.
//
// # Signature
//
// The Authorization header must be "SDK-HMAC-SHA256 Access=<AK>,
// SignedHeaders=<h1;h2;…>, Signature=<hex>". The canonical request is built
// from the method, the path with every segment escaped (A-Z a-z 0-9 _ - ~ .
// kept, everything else %XX) and a trailing "/" added, the query sorted by
// key and value and escaped the same way, the headers named in
// SignedHeaders ("name:trimmed value" lines; "host" is the request's Host),
// the SignedHeaders list, and the hex SHA-256 of the raw body (including the
// newline the SDK's JSON encoder appends) or the X-Sdk-Content-Sha256 header
// when present. The string to sign is "SDK-HMAC-SHA256\n<X-Sdk-Date>\n<hex
// SHA-256 of the canonical request>", signed with HMAC-SHA256 keyed by the
// SK and compared in constant time. SignedHeaders must include x-sdk-date
// ("only X-Sdk-Date is required": API signing guide, "Are Request Header
// Parameters Required for Signing Requests?") and, when the request
// carries X-Project-Id, x-project-id [unverified: the emulator's own rule,
// which every SDK request meets]. host is not required: the SDK signs
// user-agent, x-project-id and x-sdk-date and never a Host header.
// Temporary credentials (X-Security-Token) and the other SDK algorithms
// are not supported.
//
// # Faults
//
// InjectFault adds rules evaluated per request with a reproducible random
// source (WithSeed): latency, HTTP 500, HTTP 503, throttling (429), a
// connection reset after the request was read, a hang until the client goes
// away or Close, a malformed 200 body, and two answers that did not come
// from SCM at all: a code-less HTML 404 (FaultHTMLNotFound) and a
// code-less HTML 502 (FaultHTMLBadGateway), as a proxy in front of the
// endpoint sends them. With AfterApply the operation is
// applied first and the response then fails, so the client cannot know the
// outcome. Requests, RequestCount and WaitForRequests expose the request log.
//
// Certificate, order and request IDs come from generators seeded by
// WithSeed (default 1), so a fixed seed, clock and request order reproduce
// the same IDs and fault decisions.
//
// # Out-of-band helpers
//
// Seed and SeedCert create certificates without a request, State and Cert
// observe them, Settle and SettleAll finish pending work, UnknownID gives a
// well-formed ID that names nothing, States lists what Seed accepts, and
// Purchases and Renewals record what purchase created (SCM has no renew
// API; see Purchase.From). None of them counts as a request.
package huaweitest

// API names, used by InjectFault (Fault.Action), SetQPS and Request.Action.
const (
	// ActionCancelCert is POST /v2/{project_id}/scm/cert/{cert_id}/cancel-cert.
	ActionCancelCert = "cancel-cert"
	// ActionRevoke is POST /v2/{project_id}/scm/cert/{cert_id}/revoke.
	ActionRevoke = "revoke"
	// ActionDelete is DELETE /v2/{project_id}/scm/cert/{cert_id} and DELETE
	// /v3/scm/certificates/{certificate_id}.
	ActionDelete = "delete"
	// ActionDetails is GET /v2/{project_id}/scm/cert/{cert_id} and GET
	// /v3/scm/certificates/{certificate_id}.
	ActionDetails = "details"
	// ActionList is GET /v2/{project_id}/scm/certlist.
	ActionList = "list"
	// ActionPurchase is POST /v2/{project_id}/scm/cert/purchase and POST
	// /v3/scm/certificates/buy.
	ActionPurchase = "purchase"
)
