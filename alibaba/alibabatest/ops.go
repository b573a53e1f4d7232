package alibabatest

import (
	"fmt"
	"strconv"
	"time"
)

// The emulated CAS actions.
const (
	ActionDescribe = "DescribeCertificateState"
	ActionCancel   = "CancelOrderRequest"
	ActionRevoke   = "CancelCertificateForPackageRequest"
	ActionDelete   = "DeleteCertificateRequest"
	ActionRenew    = "RenewCertificateOrderForPackageRequest"
	ActionList     = "ListUserCertificateOrder"
)

// result is what an action did and answers.
type result struct {
	body    map[string]any
	err     *apiError
	applied bool
	newID   string
}

func failed(e *apiError) result { return result{err: e} }

type actionFunc func(s *Server, p map[string]string, now time.Time) result

// actions maps each emulated action to its handler. It is never modified.
// What each does to an order (Type, or list Status in capitals):
//
//	DescribeCertificateState              any state; no change
//	CancelOrderRequest                    domain_verify, process -> payed (cancelled)
//	CancelCertificateForPackageRequest    ISSUED, WILLEXPIRED -> REVOKED;
//	                                      payed (fresh or cancelled) -> cancelled, removed
//	DeleteCertificateRequest              verify_fail, cancelled payed -> removed
//	RenewCertificateOrderForPackageRequest WILLEXPIRED -> new order in payed
//	ListUserCertificateOrder              paged list; no change
//
// Any other state answers 403 OrderStateError; an unknown or deleted order
// answers 404 NotFoundOrder. OrderId must be a positive decimal int64, or
// the request fails with 400 InvalidParameter before any lookup.
//
// The instance model, by InstanceId (instance.go; codes [unverified]):
//
//	GetInstanceDetail                     any state; no change
//	CancelPendingCertificate              pending -> inactive (withdrawn)
//	RevokeCertificate                     certificate issued, willExpire -> revoked
//	DeleteInstance                        withdrawn inactive, refund, closed -> removed
//	ListInstances                         paged list (listinstances.go); no change
//
// Any other state answers 403 InstanceStateError; an unknown or deleted
// instance 404 NotFoundInstance; a malformed InstanceId 400
// InvalidParameter.
var actions = map[string]actionFunc{
	ActionDescribe: (*Server).describe,
	ActionCancel:   (*Server).cancelOrder,
	ActionRevoke:   (*Server).revoke,
	ActionDelete:   (*Server).deleteOrder,
	ActionRenew:    (*Server).renew,
	ActionList:     (*Server).list,

	// The instance model (instance.go).
	ActionInstanceDetail: (*Server).instanceDetail,
	ActionCancelPending:  (*Server).cancelPending,
	ActionRevokeCert:     (*Server).revokeCertificate,
	ActionDeleteInstance: (*Server).deleteInstance,
	ActionListInstances:  (*Server).listInstances,
}

// orderID reads the OrderId parameter: a positive decimal int64.
func orderID(p map[string]string) (int64, *apiError) {
	v, ok := p["OrderId"]
	if !ok || v == "" {
		return 0, errMissing("OrderId")
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return 0, errInvalid("OrderId", "it must be a positive integer")
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, errInvalid("OrderId", "it must be a positive 64-bit integer")
	}
	return n, nil
}

// lookup finds the order named by p's OrderId. The caller holds s.mu.
func (s *Server) lookup(p map[string]string) (*record, int64, *apiError) {
	id, err := orderID(p)
	if err != nil {
		return nil, 0, err
	}
	r, ok := s.orders[id]
	if !ok {
		return nil, id, errNotFoundOrder(id)
	}
	return r, id, nil
}

// describe is DescribeCertificateState: the order's Type and, by state,
// its validation record or certificate. Type is "certificate" for ISSUED,
// WILLEXPIRED and EXPIRED alike, with a real PEM certificate (see
// certificate) so a client can read NotAfter, and PrivateKey always
// PrivateKeyPlaceholder, never a real key. A revoked order answers Type
// "unknow" without a certificate: the documentation does not say what the
// cloud answers [unverified], and "certificate" would claim it is valid;
// ListUserCertificateOrder (Status REVOKED) shows REVOKED. Domain is
// answered in every state; the documentation describes it for file
// validation only [unverified].
func (s *Server) describe(p map[string]string, now time.Time) result {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, _, err := s.lookup(p)
	if err != nil {
		return failed(err)
	}
	o := r.current(now)
	body := map[string]any{"Type": o.Type, "Domain": o.Domain}
	switch o.Type {
	case TypeDomainVerify:
		body["ValidateType"] = "DNS"
		body["RecordType"] = "TXT"
		body["RecordDomain"] = "_dnsauth." + o.Domain
		body["RecordValue"] = fmt.Sprintf("%016x", uint64(o.ID)*0x9e3779b97f4a7c15)
	case TypeCertificate:
		pemText, cerr := s.certificate(r)
		if cerr != nil {
			return failed(errInternal())
		}
		body["Certificate"] = pemText
		body["PrivateKey"] = PrivateKeyPlaceholder
	}
	return result{body: body}
}

// cancelOrder is CancelOrderRequest: an application under review goes back
// to payed, marked cancelled.
func (s *Server) cancelOrder(p map[string]string, now time.Time) result {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, id, err := s.lookup(p)
	if err != nil {
		return failed(err)
	}
	if r.Type != TypeDomainVerify && r.Type != TypeProcess {
		return failed(errOrderState(id, ActionCancel, r.current(now)))
	}
	r.Type, r.Status, r.Cancelled = TypePayed, StatusPayed, true
	return result{body: map[string]any{}, applied: true}
}

// revoke is CancelCertificateForPackageRequest. On a pending order (payed,
// fresh or cancelled) it cancels the order and returns its quota; on an
// issued one (ISSUED or WILLEXPIRED) it revokes the certificate, and the
// quota comes back only within quotaReturnWindow (30 days) of issuance.
// Anything else answers OrderStateError. Documented on the action's page
// (revised 2025-12-23): "If an order has been issued, this operation
// revokes the certificate. If an order is pending, it cancels the order
// and restores the quota."; the 30 days are from the page's earlier
// revision. [Server.QuotaReturns] lists every quota given back
// (DeleteCertificateRequest gives one back too).
// What a cancelled pending order looks like afterwards is not documented
// [unverified]: the emulator removes it, so a later read answers
// NotFoundOrder and never "revoked".
func (s *Server) revoke(p map[string]string, now time.Time) result {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, id, err := s.lookup(p)
	if err != nil {
		return failed(err)
	}
	o := r.current(now)
	switch {
	case o.Type == TypePayed:
		delete(s.orders, id)
		s.returnQuota(id, ActionRevoke, now)
	case o.Status == StatusIssued || o.Status == StatusWillExpire:
		r.Type, r.Status = TypeUnknown, StatusRevoked
		r.certPEM = ""
		if now.Sub(o.NotBefore) <= quotaReturnWindow {
			s.returnQuota(id, ActionRevoke, now)
		}
	default:
		return failed(errOrderState(id, ActionRevoke, o))
	}
	return result{body: map[string]any{}, applied: true}
}

// returnQuota records that order id's package quota came back. The
// caller holds s.mu.
func (s *Server) returnQuota(id int64, action string, now time.Time) {
	s.quota = append(s.quota, QuotaReturn{OrderID: strconv.FormatInt(id, 10), Action: action, Time: now})
}

// deleteOrder is DeleteCertificateRequest: a failed or cancelled order is
// removed.
func (s *Server) deleteOrder(p map[string]string, now time.Time) result {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, id, err := s.lookup(p)
	if err != nil {
		return failed(err)
	}
	if r.Type != TypeVerifyFail && !(r.Type == TypePayed && r.Cancelled) {
		return failed(errOrderState(id, ActionDelete, r.current(now)))
	}
	delete(s.orders, id)
	s.returnQuota(id, ActionDelete, now)
	return result{body: map[string]any{}, applied: true}
}

// renew is RenewCertificateOrderForPackageRequest: an expiring order gets
// a new order in payed; the source is unchanged. The answer carries the new
// order's ID as a JSON number. The optional Csr (parseCSR) must be one PEM
// CERTIFICATE REQUEST with a valid signature and an RSA key of at least
// 2048 bits or an ECDSA key; its CN becomes the new order's domain. Tags
// travel as Tags.N.Key and Tags.N.Value (N = 1…20), the way Alibaba RPC
// flattens repeated lists (parseTags has the rules). Bad input answers 400
// InvalidParameter and creates nothing.
func (s *Server) renew(p map[string]string, now time.Time) result {
	csr, cn, cerr := parseCSR(p["Csr"])
	if cerr != nil {
		return failed(cerr)
	}
	tags, terr := parseTags(p)
	if terr != nil {
		return failed(terr)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, id, err := s.lookup(p)
	if err != nil {
		return failed(err)
	}
	src := r.current(now)
	if src.Status != StatusWillExpire {
		return failed(errOrderState(id, ActionRenew, src))
	}
	n := Order{
		ID:          s.allocID(),
		Type:        TypePayed,
		Status:      StatusPayed,
		Domain:      src.Domain,
		ProductCode: src.ProductCode,
		OrderType:   OrderTypePackage,
		BuyDate:     now,
		CSR:         csr,
		Tags:        tags,
		RenewedFrom: id,
	}
	if cn != "" {
		n.Domain = cn
	}
	s.orders[n.ID] = &record{Order: n}
	newID := strconv.FormatInt(n.ID, 10)
	s.renewals = append(s.renewals, Renewal{From: strconv.FormatInt(id, 10), NewID: newID, CSR: csr, Tags: n.current(now).Tags, Time: now})
	return result{body: map[string]any{"OrderId": n.ID}, applied: true, newID: newID}
}
