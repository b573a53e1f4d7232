// Package huaweitest is a wire-level emulator of the Huawei Cloud SCM REST
// API (the v2 "historical" certificate API, and the v3 details, list,
// delete, buy and list by tag), in the spirit of net/http/httptest:
// [NewServer] starts it on a loopback port, [Server.URL] says where,
// [Server.Close] releases everything. It speaks the API as
// github.com/huaweicloud/huaweicloud-sdk-go-v3 (v0.1.207) sends it,
// verifies every request's SDK-HMAC-SHA256 signature the way the API
// gateway does, and keeps an in-memory certificate state machine built
// from the SCM documentation, so a test drives the SDK's core client over
// real HTTP. It is a test server: it grants nothing anywhere
// else, and it imports nothing of the adapter it tests.
//
// # Use
//
//	s := huaweitest.NewServer()
//	defer s.Close()
//	id := s.Seed(provider.StateUnderReview) // a cert in CHECKING
//	// point the SDK at s.URL() with s.AccessKeyID(), s.AccessKeySecret()
//	// and s.ProjectID(), and cancel id ...
//	s.Settle(id) // CANCELCHECKING -> PAID
//	st, _ := s.State(id) // provider.StateCancelled
//
// The default access key pair ([Server.AccessKeyID],
// [Server.AccessKeySecret]) and project ([Server.ProjectID]) are fixed test
// values; [WithAccessKey] and [WithProjectID] replace them. [Server.Seed]
// and [Server.SeedCert] create certificates out of band, [Server.State]
// and [Server.Cert] read them, [Server.Settle], [Server.SettleAll] and
// [Server.FailCancel] finish pending work, [Server.UnknownID] gives a
// well-formed ID that names nothing, [Server.Requests],
// [Server.RequestCount] and [Server.WaitForRequests] read the request log,
// and [Server.Purchases] and [Server.Renewals] record what purchases
// created (SCM has no renew API; see Purchase.From). None of them is a
// request.
//
// # What it models
//
// Each behaviour follows a documentation page, cited beside the code that
// implements it; where the documentation is silent, the choice is marked
// [unverified] there and made to expose a wrong client.
//
//   - Signing (sign.go): SDK-HMAC-SHA256 over the canonical request, as
//     the API signing guide describes; the 15-minute X-Sdk-Date window; an
//     AK locked for 5 minutes after more than 5 failures in a row (API
//     signing guide FAQ); the rules on authenticate.
//   - Errors (errors.go): SCM's and the gateway's error body, codes and
//     statuses, in one table; SCM.0008 as not-found is [unverified].
//   - Endpoints (handler.go, ops.go): the v2 and v3 paths, their project
//     checks and the API names ([ActionCancelCert], …) that faults, QPS
//     limits and the log use.
//   - Operations (ops.go, show.go, list.go, purchase.go, buy.go):
//     cancel-cert (撤回SSL证书申请, with late failures), revoke (吊销SSL证书,
//     refused within [ExpiringWindow] of expiry), delete (删除SSL证书), v2
//     and v3 details (api-ccm ShowCertificate), the v2 and v3 lists'
//     filters, sort and paging (listv3.go: GET /v3/scm/certificates,
//     api-ccm ListCertificates), v2 purchase and v3 buy (unpaid orders
//     [unverified]). [Server.SeedListed] seeds an expiry and domains for
//     listing tests.
//   - Tags (tags.go): the certificates a v3 buy creates carry its tags
//     (Cert.Tags; [Server.SeedCert] takes them too), and
//     ListCertificatesByTag (根据标签查询证书列表, api-ccm
//     ListCertificatesByTag,
//     https://support.huaweicloud.com/intl/en-us/api-ccm/ListCertificatesByTag.html)
//     answers POST /v3/scm/resource_instances/action ([ActionListByTag]):
//     action filter or count; tags (keys AND, values OR), tags_any,
//     not_tags, not_tags_any, without_any_tag and matches (resource_name);
//     the documented key and value characters and counts; limit 10, 20 or
//     50 and offset; total_count and resources with resource_id,
//     resource_name, tags and resource_detail. Its defaults, the reading
//     of the negated filters, the refusal of an empty tags array and of
//     unknown fields, and the row order are [unverified].
//   - States (state.go, store.go): the native statuses are the StatusXxx
//     constants; [Server.Seed] documents each state's native form and
//     [States] lists what it accepts; pending transitions settle on
//     [Server.Settle] or after [WithSettleDelay], judged lazily by the
//     emulator's clock ([WithClock]), and an issued certificate expires the
//     same way.
//
// # Faults
//
// [Server.InjectFault] adds [Fault] rules evaluated per request, after
// authentication and the project check, with a reproducible random source
// ([WithSeed]). The [FaultKind]s are latency, HTTP 500, HTTP 503,
// throttling (429), a connection reset after the request was read, a hang
// until the client goes away or Close, a malformed 200 body, and two
// answers that did not come from SCM at all: a code-less HTML 404
// ([FaultHTMLNotFound]) and a code-less HTML 502 ([FaultHTMLBadGateway]),
// as a proxy in front of the endpoint sends them. With AfterApply the
// operation is applied first and the response then fails, so the client
// cannot know the outcome. [Server.SetQPS] limits an API's rate; excess
// requests get 429 and are not applied. [WithLateCancelFailure] makes
// cancels fail late, [Server.SetAutoPay] makes v3 payments fail.
// [WithLogger] writes one Debug record per request, without keys, headers
// or bodies.
//
// # Limits
//
// Only the APIs above are emulated; temporary credentials
// (X-Security-Token) and the SDK's other signing algorithms are not
// supported. The v3 details write their times in one of three forms chosen
// from the seed ([TimeFormat], [WithTimeFormat]), because the reference
// gives none [unverified]. Certificate, order and request IDs come from
// generators seeded by [WithSeed] (default 1), so a fixed seed, clock and
// request order reproduce the same IDs and fault decisions.
package huaweitest
