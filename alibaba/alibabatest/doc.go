// Package alibabatest is a wire-level emulator of Alibaba Cloud Certificate
// Management Service (CAS), API version 2020-04-07, RPC style, in the spirit
// of net/http/httptest. It speaks the protocol exactly as
// github.com/aliyun/alibaba-cloud-sdk-go (v1.63.107) sends it, checks every
// request's HMAC-SHA1 signature the way the cloud does, and keeps an
// in-memory certificate order state machine. Tests point the real SDK at
// [Server.Endpoint] and exercise real requests over loopback.
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
// The SDK client is not safe for concurrent use (see the protocol facts,
// section 1.7): give each goroutine its own client.
//
// # Wire protocol
//
// Every action is an HTTP POST (GET is accepted too) to "/" with all
// parameters in the query string; parameters in an
// application/x-www-form-urlencoded body are accepted as well and are part
// of the signature. Checks run in this order, and the first failure answers:
//
//	HTTP method not GET/POST          400 UnsupportedHTTPMethod
//	path other than "/"               404 InvalidAction.NotFound
//	unparsable query or body          400 InvalidParameter
//	parameter given twice             400 InvalidParameter
//	missing Action, Version,          400 MissingParameter
//	  AccessKeyId, Signature,
//	  SignatureMethod, SignatureVersion,
//	  SignatureNonce or Timestamp
//	Version other than 2020-04-07     400 InvalidVersion
//	Action not emulated               404 InvalidAction.NotFound
//	Format other than JSON            400 InvalidParameter.Format
//	SignatureMethod not HMAC-SHA1     400 InvalidSignatureMethod
//	SignatureVersion not 1.0          400 InvalidParameter
//	Timestamp not yyyy-MM-ddTHH:mm:ssZ 400 InvalidTimeStamp.Format
//	Timestamp > 15 min from the clock 400 InvalidTimeStamp.Expired
//	AccessKeyId unknown               404 InvalidAccessKeyId.NotFound
//	signature mismatch                400 SignatureDoesNotMatch
//	SignatureNonce seen in 15 min     400 SignatureNonceUsed
//
// The string to sign is built from every parameter received, query and
// body alike, but Signature, as the RPC signature mechanism page
// documents (help.aliyun.com, "Signature mechanism": the canonicalized
// query string of the request parameters), so a parameter left out of
// the signature or added after signing is SignatureDoesNotMatch; the
// documentation also lists IncompleteSignature, which the emulator does
// not send [unverified: when the cloud prefers it]. The signature is
// checked before the nonce is recorded, so a forged request
// cannot burn a legitimate client's nonce. The SignatureDoesNotMatch message
// ends in "server string to sign is:" followed by the server's string to
// sign, which the SDK compares with its own to tell a wrong secret from a
// signing bug (it then sets Recommend to "InvalidAccessKeySecret: …").
//
// Choices where the documentation disagrees, marked [unverified]:
//   - Unknown actions get the POP gateway's current answer, HTTP 404
//     InvalidAction.NotFound "Specified api is not found, please check your
//     url and method." Older product pages list 400 InvalidParameter
//     ("Action or Version"); reports from real calls show the 404 form.
//   - An unknown AccessKeyId is HTTP 404, as in the POP gateway's common
//     error table; some product pages say 400.
//   - Missing or malformed business parameters (OrderId, Csr, Tags.N.*,
//     paging) answer 400 MissingParameter / InvalidParameter with the
//     parameter named in the message. Newer gateways may spell these
//     Missing<Name> / Invalid<Name>; match on the prefixes.
//   - Throttling is HTTP 400 Throttling.User ("Request was denied due to user
//     flow control."), as the common error table documents; some products
//     answer 503.
//
// Responses are JSON. Success: {"RequestId": "…", <action fields>}. Error:
// {"RequestId","HostId":"cas.aliyuncs.com","Code","Message","Recommend"},
// all JSON strings (a numeric RequestId would panic the SDK).
// SecurityToken and BearerToken parameters are signed like any other but
// otherwise ignored; XML responses are not emulated.
//
// # Actions and the order state machine
//
// An order has a native DescribeCertificateState Type and a native
// ListUserCertificateOrder Status; see [Order]. The emulated actions:
//
//	DescribeCertificateState              any state; no change
//	CancelOrderRequest                    domain_verify, process -> payed (cancelled)
//	CancelCertificateForPackageRequest    ISSUED, WILLEXPIRED -> REVOKED;
//	                                      payed (fresh or cancelled) -> cancelled, removed
//	DeleteCertificateRequest              verify_fail, cancelled payed -> removed
//	RenewCertificateOrderForPackageRequest WILLEXPIRED -> new order in payed
//	ListUserCertificateOrder              paged list; no change
//
// CancelCertificateForPackageRequest follows its documentation page
// (revised 2025-12-23): "If an order has been issued, this operation
// revokes the certificate. If an order is pending, it cancels the order
// and restores the quota." A pending order's quota always comes back; an
// issued one's only within [QuotaReturnWindow] (30 days) of issuance, as
// the page's earlier revision said. [Server.QuotaReturns] lists every
// quota given back (DeleteCertificateRequest gives one back too). What a
// cancelled pending order looks like afterwards is not documented
// [unverified]: the emulator removes it, so it reads NotFoundOrder and
// never "revoked".
//
// Any other state answers 403 OrderStateError; an unknown or deleted order
// answers 404 NotFoundOrder. OrderId must be a positive decimal int64, or
// the request fails with 400 InvalidParameter before any lookup.
//
// RenewCertificateOrderForPackageRequest answers the new order's ID as a
// JSON number. Its optional Csr must be one PEM CERTIFICATE REQUEST with a
// valid signature and an RSA key of at least 2048 bits or an ECDSA key; the
// CSR's CN becomes the new order's domain. Tags travel as Tags.N.Key and
// Tags.N.Value (N = 1…20), the way Alibaba RPC flattens repeated lists;
// see [MaxTags] for the rules. Bad input answers 400 InvalidParameter and
// creates nothing.
//
// ListUserCertificateOrder (help.aliyun.com/document_detail/455804) takes
// Keyword (a case-insensitive part of the domain or of the instance ID, the
// documented fuzzy match; never the order ID, which neither contains),
// Status, OrderType (CPACK by default, BUY, CERT, or UPLOAD which lists
// nothing), CurrentPage and ShowSize ([DefaultShowSize]), and lists newest
// orders first with the SDK's CertificateOrderListItem field names;
// CertStartTime and CertEndTime are epoch milliseconds.
//
// An issued order's Status follows the injectable clock: ISSUED while more
// than [ExpiringWindow] remains, then WILLEXPIRED, then EXPIRED once NotAfter
// has passed. DescribeCertificateState answers Type "certificate" for all
// three, with a real PEM certificate (self-signed, one ECDSA P-256 key per
// server, CN and SAN = the order's domain, serial = the order ID, the
// order's NotBefore/NotAfter), so a client can read NotAfter. PrivateKey is
// always [PrivateKeyPlaceholder], never a real key. A revoked order answers
// Type "unknow" without a certificate: the documentation does not say what
// the cloud answers [unverified], and "certificate" would claim it is valid.
// Use ListUserCertificateOrder (Status REVOKED) to see REVOKED.
// DescribeCertificateState answers the order's Domain in every state; the
// documentation describes it for file validation only [unverified].
//
// The normalized view ([Server.State]) maps payed to
// provider.StatePendingApplication, or provider.StateCancelled when reached
// through CancelOrderRequest; domain_verify and process to
// provider.StateUnderReview; verify_fail to provider.StateReviewFailed;
// ISSUED, WILLEXPIRED, EXPIRED and REVOKED to provider.StateIssued,
// StateExpiring, StateExpired and StateRevoked; anything else (unknow,
// NOTACTIVATED) to provider.StateUnknown. Alibaba has no Cancelling,
// Revoking or Hosted states: [Server.Seed] panics for them ([States] lists
// what it accepts).
//
// # Faults
//
// [Server.InjectFault] adds rules from package internal/faultinject: by
// action (or all), by probability drawn from the seed ([WithSeed]), limited
// in count. Faults apply only to requests that passed authentication. Kinds:
// latency, HTTP 500 InternalError, HTTP 503 ServiceUnavailable, throttling
// (400 Throttling.User), connection reset after the request was read, hang
// until the client gives up or the server closes, a 200 with a body that is
// not JSON, and this package's own [FaultHTMLNotFound] and
// [FaultHTMLBadGateway]: a 404 or 502 HTML page without an Alibaba code, as
// a front end answers [unverified: page text]. With AfterApply the state
// change happens first and then the response fails. [Server.SetQPS] limits
// an action's rate; excess requests are throttled. [WithDocumentedQPS] sets
// every action's limit to its documented quota ([DocumentedQPS]: 100/s for
// CancelOrderRequest, 10/s for the others; CAS 2020-04-07 quota page and the
// action pages). Every request is logged ([Server.Requests]) with its
// action, order ID, the action's own parameters, time, status, code and
// fault.
//
// # Credentials
//
// The default access key pair ([Server.AccessKeyID],
// [Server.AccessKeySecret]) is a fixed, public test value and is always
// accepted; [WithAccessKey] adds more. They are for tests only and grant
// nothing anywhere else.
package alibabatest
