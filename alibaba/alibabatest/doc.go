// Package alibabatest is a wire-level emulator of Alibaba Cloud Certificate
// Management Service (CAS), API version 2020-04-07, RPC style, in the spirit
// of net/http/httptest: [NewServer] starts it on a loopback port,
// [Server.URL] and [Server.Endpoint] say where, [Server.Close] releases
// everything. It speaks the protocol as github.com/aliyun/alibaba-cloud-sdk-go
// (v1.63.107) sends it, checks every request's signature the way the cloud
// does, and keeps an in-memory order state machine, so a test drives the
// real SDK over real HTTP. It is a test server: it grants nothing anywhere
// else, and it imports nothing of the adapter it tests.
//
// # Use
//
//	s := alibabatest.NewServer()
//	defer s.Close()
//	id := s.Seed(provider.StateUnderReview)
//
//	cfg := sdk.NewConfig()
//	cfg.Scheme = "HTTP"
//	c, _ := cas.NewClientWithOptions("cn-hangzhou", cfg,
//		credentials.NewStaticAKCredentialsProvider(s.AccessKeyID(), s.AccessKeySecret()))
//	c.Domain = s.Endpoint()
//	req := cas.CreateCancelOrderRequestRequest()
//	req.OrderId = requests.Integer(id)
//	_, err := c.CancelOrderRequest(req)
//	st, _ := s.State(id) // provider.StateCancelled
//
// The default access key pair ([Server.AccessKeyID],
// [Server.AccessKeySecret]) is a fixed, public test value; [WithAccessKey]
// replaces it. [Server.Seed] and [Server.SeedOrder] create orders out of
// band, [Server.State] and [Server.Order] read them, [Server.Requests],
// [Server.RequestCount] and [Server.WaitForRequests] read the request log,
// [Server.Renewals] and [Server.QuotaReturns] what renewals created and
// which quotas came back, and [Server.UnknownID]
// gives a well-formed ID that names nothing. None of them is a request.
// The SDK client is not safe for concurrent use: give each goroutine its
// own.
//
// # What it models
//
// Each behaviour follows a documentation page, cited beside the code that
// implements it; where the documentation is silent or disagrees, the
// choice is marked [unverified] there and made to expose a wrong client.
//
//   - Signing (sign.go): HMAC-SHA1 RPC signatures over every parameter,
//     query and form body alike (help.aliyun.com, "Signature mechanism");
//     15-minute Timestamp window and nonce replay; the checks in order,
//     with their codes, on authenticate.
//   - Errors (errors.go): the cloud's JSON error body and codes, and the
//     choices where product pages and the POP gateway disagree
//     [unverified].
//   - Actions (ops.go, renew.go, list.go): DescribeCertificateState,
//     CancelOrderRequest, CancelCertificateForPackageRequest (revokes or
//     cancels, per its page revised 2025-12-23; quota returns),
//     DeleteCertificateRequest, RenewCertificateOrderForPackageRequest (CSR
//     and Tags.N.* rules) and ListUserCertificateOrder (document_detail/455804),
//     with the state table on the actions map.
//   - States (state.go): an order has a DescribeCertificateState Type and a
//     ListUserCertificateOrder Status ([Order]); an issued order's Status
//     follows the clock ([ExpiringWindow], [unverified] 30 days); the
//     mapping to provider.State is on stateOf. [States] lists what
//     [Server.Seed] accepts; it panics for Cancelling, Revoking and Hosted,
//     which Alibaba lacks.
//   - The instance model (instance.go): instances keyed by InstanceId
//     (cas[_product]-cn-…), seeded alongside orders with
//     [Server.SeedInstance] or [Server.SeedInstanceState] (states in
//     [InstanceStates]) and read with [Server.Instance] and [Server.State];
//     GetInstanceDetail's Status (inactive, pending, willExpire, expired,
//     refund, normal, closed) and CertificateStatus (issued, willExpire,
//     expired, following the clock, and revoked); GetInstanceDetail,
//     CancelPendingCertificate, RevokeCertificate and DeleteInstance (the
//     pages api-cas-2020-04-07-*), with the state table on the actions
//     map. The pages list neither allowed states nor error codes: the
//     states, 403 InstanceStateError and 404 NotFoundInstance are
//     [unverified], chosen strict (DeleteInstance refuses any instance
//     that holds or held a certificate, and a fresh one).
//   - ListInstances (listinstances.go; page
//     api-cas-2020-04-07-listinstances, field names from the Tea SDK's
//     cas-20200407 list_instances_*_model.go): the documented filters
//     (Keyword, Status, CertificateStatus, CertificateType, Brand,
//     InstanceType, ResourceGroupId) and paging (CurrentPage, ShowSize
//     default 10, at most 100), over the seeded instances. What the page
//     leaves open is [unverified] and chosen to expose a wrong client: the
//     newest instance first (creations and deletes shift an offset
//     listing), ShowSize above 100 refused, Keyword a substring match
//     ("badexample.com" for "example.com"), times in milliseconds. It has
//     no quota: its pages state none.
//   - Quotas (faults.go): [WithDocumentedQPS] applies each action's
//     documented quota ([DocumentedQPS]: 100/s for CancelOrderRequest, 10/s
//     for the other order actions and GetInstanceDetail; CAS 2020-04-07
//     quota page and the action pages). The pages of the other four
//     instance actions give none, so they are not limited.
//
// # Faults
//
// [Server.InjectFault] adds [Fault] rules: by action ("" for all), by
// probability drawn from the seed ([WithSeed]), limited in count, applied
// only to requests that passed authentication. The [FaultKind]s are
// latency, HTTP 500 InternalError, HTTP 503 ServiceUnavailable, throttling
// (400 Throttling.User), a connection reset after the request was read, a
// hang until the client gives up or Close, a 200 whose body is not JSON,
// and [FaultHTMLNotFound] and [FaultHTMLBadGateway]: a 404 or 502 HTML page
// without an Alibaba code, as a front end answers [unverified: page text].
// With AfterApply the state changes first and then the response fails.
// [Server.SetQPS] limits an action's rate; excess requests are throttled.
// Every request is logged ([Request]) with its action, order or instance ID, the
// action's own parameters, time, status, code and fault; [WithLogger]
// writes one Debug record per request, without keys or signatures.
//
// # Limits
//
// Only the eleven actions above, JSON responses, and the HMAC-SHA1 signature
// are emulated: no XML, no other API versions, and SecurityToken and
// BearerToken are signed but otherwise ignored. What a cancelled pending
// order looks like after CancelCertificateForPackageRequest is not
// documented [unverified]: the emulator removes it, so it reads
// NotFoundOrder and never "revoked". IncompleteSignature is never sent
// [unverified: when the cloud prefers it]. Order IDs, request IDs and fault
// draws come from [WithSeed], so a fixed seed, clock and request order
// reproduce them.
package alibabatest
