// Package huawei is the certbroker adapter for Huawei Cloud SSL Certificate
// Manager (SCM), over its v2 and v3 REST APIs and the official Go SDK
// (github.com/huaweicloud/huaweicloud-sdk-go-v3). An [Adapter] implements
// provider.Provider, provider.IDChecker, provider.Checker and
// provider.RateAdvisor for one account and project (one origin). The
// emulator of the same API, for tests, is in huawei/huaweitest.
//
//	cfg, err := huawei.ConfigFromEnv(os.LookupEnv)
//	...
//	a, err := huawei.New(cfg)
//	res, err := a.Status(ctx, provider.StatusRequest{ID: "scs1481110651012"})
//
// # Calls
//
// The SDK's SCM v3 client has no v2 paths and no revoke, so the adapter
// declares every request with the SDK core's request definitions and sends
// it through one core.HcHttpClient, keeping the SDK's SDK-HMAC-SHA256
// signing, endpoint handling and error decoding. Basic credentials fill
// {project_id} and send X-Project-Id. Paths (relative to the endpoint):
//
//	Cancel  POST   /v2/{project_id}/scm/cert/{cert_id}/cancel-cert
//	Revoke  POST   /v2/{project_id}/scm/cert/{cert_id}/revoke   {"reason": …}
//	Delete  DELETE /v3/scm/certificates/{certificate_id}        (204)
//	Status  GET    /v3/scm/certificates/{certificate_id}
//	Renew   GET /v3/scm/certificates/{certificate_id}, POST
//	        /v3/scm/certificates/buy, then GET the new certificate's details
//
// Why these versions: cancel-cert is the product's defining endpoint and
// v2's is kept; v3 has no revoke at all, so revoke stays v2. The v3
// details carry status and not_after in one request (api-ccm
// ShowCertificate), where v2 needed the details plus a certificate-list
// lookup for the expiry. Delete uses v3 because the v2 delete page is
// marked "to be deprecated" and v3 answers a missing certificate with a
// documented 404 and SCM's error body (CCM API status codes; fidelity H7),
// the one shape the adapter reads as not_found. Renew buys through v3
// because only the v3 buy has a pay flag (is_auto_pay; v2's purchase has
// none, fidelity H9), takes tags and sells every type the v3 details
// report; the v2 purchase is gone from the adapter.
//
// Certificate IDs are "scs" followed by 13 digits, 16 characters in all
// (the SCM v3 reference documents exactly 16; the v2 examples are
// scs1481110651012 and scs1554192131150). Every operation checks the ID,
// and Revoke its reason, before any request; CheckID applies the same rule,
// and Check (provider.Checker) runs exactly the checks the operation runs
// (the same function) without sending anything.
//
// # States
//
// Status maps SCM's native status (surrounding spaces tolerated) as
// follows; Result.NativeState keeps the native value.
//
//	PAID                 pending_application  paid, no application. A
//	                                          certificate whose application was
//	                                          cancelled also returns to PAID, and
//	                                          SCM does not tell the two apart, so
//	                                          Status never reports cancelled.
//	CHECKING             under_review         application under CA review
//	CHECKING_DOMAIN      under_review         v3 names for the validation steps
//	CHECKING_ORG         under_review
//	ISSUING              under_review         approved, about to be issued
//	SUPPLEMENTCHECKING   under_review         extra domains of an issued
//	                                          multi-domain certificate under review;
//	                                          the certificate itself stays valid.
//	                                          Cancel is accepted here and settles
//	                                          back to ISSUED.
//	CANCELCHECKING       cancelling           cancel of the review in progress
//	CANCELSUPPLEMENTING  cancelling           cancel of the extra-domain review
//	UNPASSED             review_failed        application rejected
//	ISSUED               issued, or expiring when it expires within 30 days
//	                     (the renewal window; also when the expiry has passed
//	                     but SCM still says ISSUED)
//	EXPIRED              expired
//	REVOKING             revoking             revocation under review
//	CANCLEREVOKING       unknown              (sic; v3 docs only) withdrawal of a
//	                                          revocation under review. A revoked-
//	                                          then-withdrawn certificate shows it,
//	                                          and it settles back to ISSUED, so it
//	                                          is no proof that a Revoke was applied
//	                                          (revoking would be read as such by
//	                                          Capabilities.Evidence) nor that one
//	                                          was not; unknown proves nothing and
//	                                          NativeState names it
//	REVOKED              revoked
//	UPLOAD               hosted               uploaded by the user
//	anything else        unknown
//
// Status reads not_after from the v3 details (a string whose format the
// reference does not give for the details; its list example writes
// expire_time as "2021-05-27 16:46:25.0"). Decimal milliseconds or seconds
// since the epoch, RFC 3339, and "2006-01-02 15:04:05" with or without
// fractional seconds are read, the last as UTC [unverified zone]. Every field
// of that response decodes leniently: a value in an unexpected form (an
// unparsable not_after, a count written as a word) leaves that field
// empty, so NotAfter is zero and ISSUED reads as issued, and never fails
// the whole response.
//
// # Operations and capabilities
//
// Cancel is accepted from under_review and lands in cancelling
// (CANCELCHECKING), settling to cancelled (PAID; see above). The user
// guide (撤回SSL证书申请; fidelity H12, H13) allows it while domain or
// organisation validation is pending and while added domains are under
// review, not from ISSUING, which Status also reports as under_review (SCM
// is expected to refuse it with invalid_state [unverified]). A withdrawal
// can fail late, when the CA had already approved, and the certificate then
// ends ISSUED; one from SUPPLEMENTCHECKING settles back to ISSUED by
// design. No documented field tells either from a certificate nobody tried
// to cancel, so Cancel.ReportedAs lists issued and expiring as well as
// pending_application: after an ambiguous cancel, those states prove
// nothing (Capabilities.Evidence).
//
// Revoke is accepted from issued only and lands in revoking, settling to
// revoked: SCM refuses revocation "in the renewal period, within one month
// before expiry" (user guide, 吊销SSL证书; fidelity H2), which is what Status
// reports as expiring, and uploaded certificates cannot be revoked.
//
// Delete is accepted from what the user guide allows (删除SSL证书;
// fidelity H11), which depends on how the certificate was obtained: paid
// ones when ISSUED, REVOKED or EXPIRED, free ones (DigiCert DV (Basic),
// single domain) when PAID, REVOKED or EXPIRED, uploaded ones. Capabilities
// speaks in normalized states, so Delete.From lists what holds for paid
// certificates (issued, expiring, revoked, expired, hosted) and its note
// adds that a free certificate pending application is deletable too:
// listing pending_application would claim that every PAID certificate is,
// and a paid one is refused with invalid_state. Deleting an issued
// certificate does not revoke it.
//
// Renew is off by default (KindUnsupported): Huawei has no renewal API,
// and renewing is buying a certificate with the identical spec, which is
// billed. Config.RenewByPurchase turns it on; see [Adapter.Renew] for the
// prerequisites it checks (ISSUED, within 30 days, not the free DigiCert
// DV (Basic) single-domain certificate, not multi-year), the one it cannot
// (auto-renew off: no response shows it), the spec mapping, and how an
// unpaid purchase is reported: a success (the purchase was made) that is
// not a plain renewal, with NewID, State unknown and NativeState the new
// certificate's status (e.g. UNPAID).
//
// # Errors
//
// Failures are *provider.Error with the SCM error_code as Code, error_msg
// as Message, the X-Request-Id header as RequestID and the HTTP status;
// errors.As reaches the SDK's *sdkerr.ServiceResponseError. Codes are
// classified first, whatever the HTTP status (SCM's documented statuses
// are unreliable: SCM.0016 has been seen as a 500; fidelity H16):
//
//	SCM.0010                               invalid_state
//	SCM.0008                               not_found (certificate ID abnormal;
//	                                       what SCM answers for an unknown
//	                                       certificate [unverified])
//	SCM.0005, SCM.0020                     invalid_argument (SCM.0020 "certificate
//	                                       ID wrong" is not read as not_found, so a
//	                                       retried Delete is never taken as done
//	                                       on its strength)
//	SCM.0009, 0012-0015, 0031, 0032, 0069, 0070
//	                                       invalid_argument
//	APIGW.0101 (no such API)               unsupported: a wrong endpoint or region
//	SCM.0011                               quota_exceeded
//	SCM.1000, APIGW.0301, APIGW.0303       unauthorized
//	SCM.0002, 0003, 4002, 1004, 1009, 1010 forbidden (SCM.0003, a certificate of
//	                                       another tenant, is not not_found for
//	                                       the same reason as SCM.0020)
//	APIGW.0308                             throttled
//	any other SCM.xxxx code with HTTP 404  not_found: the shape in which SCM's v3
//	                                       API answers for a missing or deleted
//	                                       certificate (fidelity H7, from
//	                                       terraform-provider-huaweicloud's CCM
//	                                       resource, which waits for that 404)
//
// Everything else goes to internal/classify, the rules shared with the
// other adapter: 401 unauthorized, 403 forbidden, 429 throttled, 5xx
// unavailable for a read and outcome_unknown for a mutating request, any
// other status other. A 404 without SCM's JSON error body (a proxy's HTML
// page, an empty body, a gateway code) is never not_found, so a retried
// Delete is never reported done on a proxy's word.
//
// The APIG.xxxx spellings of the gateway codes are treated alike. A 2xx
// whose body cannot be decoded is outcome_unknown for a mutating request
// and unavailable for a read. A transport failure before a connection was
// ready (DNS, dial, TLS) is unavailable; after it, outcome_unknown for a
// mutating request and unavailable for a read. A context that ends before
// the request is sent gives canceled; while it is in flight, the kind of a
// failure after sending, with the context's error in the chain, except
// during the reads with which Renew checks its preconditions: the purchase
// was then never attempted, so it is canceled. Config.Timeout
// bounds each request and, when it fires, counts as such a failure without
// putting context.DeadlineExceeded in the chain, so the error stays
// retryable where its kind allows.
//
// # The SDK, and what the adapter does about it
//
//   - Sync takes no context. The adapter gives the SDK's HTTP client a
//     RoundTripper of its own; each call carries a unique token in a header
//     whose name contains '_' (which the SDK never signs), and the
//     RoundTripper swaps in that call's context and removes the header
//     before the request leaves. Cancelling the context aborts the request
//     in flight.
//   - HttpConfig.Retries is never read by the SDK; the adapter adds no
//     retries of its own (the broker decides). Endpoint failover is not
//     used: the client has exactly one endpoint, which also avoids the
//     SDK's unsynchronised failover index.
//   - The SDK's region values are shared pointers; the adapter only reads
//     the endpoint out of them.
//   - Without a project ID the SDK would ask IAM for one, and with empty
//     AK/SK it would fall back to the environment, profile files and ECS
//     metadata: New requires all three, so it never makes a network call.
//     Region lookup may read the SDK's HUAWEICLOUD_SDK_REGION_SCM_<REGION>
//     variable and ~/.huaweicloud/regions.yaml.
//   - On the first client build without a configured User-Agent, the SDK
//     writes ~/.huaweicloud/application_id (a persistent UUID it then
//     sends in every User-Agent). The adapter configures its own
//     User-Agent suffix, so the SDK neither writes nor sends that file.
//   - One adapter is safe for concurrent use: the request definitions and
//     responses are built per call, and the shared client is only read.
//
// Secrets (SK, security token) never appear in errors, logs or formatted
// output of Config or Adapter.
package huawei
