package alibabatest

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/certbroker/certbroker/provider"
)

// The emulated actions of the instance model (CAS 2020-04-07), keyed by
// InstanceId. Pages, under help.aliyun.com/zh/ssl-certificate/
// developer-reference/: api-cas-2020-04-07-getinstancedetail,
// -cancelpendingcertificate, -revokecertificate, -deleteinstance.
const (
	ActionInstanceDetail = "GetInstanceDetail"
	ActionCancelPending  = "CancelPendingCertificate"
	ActionRevokeCert     = "RevokeCertificate"
	ActionDeleteInstance = "DeleteInstance"
)

// Instance status values (GetInstanceDetail Status), as its page lists
// them.
const (
	InstanceInactive   = "inactive"   // 待使用: bought, nothing applied for
	InstancePending    = "pending"    // 审核中: the latest certificate is under review
	InstanceWillExpire = "willExpire" // the instance is about to expire
	InstanceExpired    = "expired"
	InstanceRefund     = "refund"
	InstanceNormal     = "normal"
	InstanceClosed     = "closed" // closed, unusable
)

// Certificate status values (GetInstanceDetail CertificateStatus), as its
// page lists them; "" while no certificate was issued.
const (
	CertIssued     = "issued"
	CertRevoked    = "revoked"
	CertWillExpire = "willExpire"
	CertExpired    = "expired"
)

// Error codes of the instance actions. Their pages list none (they point
// at the general error centre), so both are [unverified] and chosen to
// expose a wrong client: a state refusal is HTTP 403, not a 400 a client
// might take for bad input, and an unknown instance is a 404 with its own
// code, so that a client mapping only NotFoundOrder reads it as other.
const (
	codeNotFoundInstance   = "NotFoundInstance"
	codeInstanceStateError = "InstanceStateError"
)

// instanceIDPattern is the shape of an instance ID the emulator accepts
// and allocates, as in the pages' examples cas_dv-cn-rp643r82d0i1 and
// cas-cn-68n1mm16****: anything else is 400 InvalidParameter.
var instanceIDPattern = regexp.MustCompile(`^cas(_[a-z]{1,16})?-cn-[a-z0-9]{1,32}$`)

// Instance is one certificate instance as the emulator holds it.
// [Server.SeedInstance] takes one and [Server.Instance] returns one.
type Instance struct {
	// ID is the instance ID; empty in SeedInstance allocates
	// "cas_dv-cn-" and 12 lower-case letters or digits.
	ID string
	// Status is the instance status (InstanceInactive, …). For an
	// instance with a certificate that is not revoked it follows the
	// clock: normal, then willExpire within ExpiringWindow of NotAfter,
	// then expired.
	Status string
	// CertificateStatus is "" (no certificate yet), CertIssued,
	// CertWillExpire, CertExpired (these three follow the clock like
	// Status) or CertRevoked.
	CertificateStatus string
	// Withdrawn marks an inactive instance reached through
	// CancelPendingCertificate; GetInstanceDetail shows it as inactive
	// like a fresh one.
	Withdrawn bool
	// CertificateID is the certificate's ID, allocated when zero and a
	// certificate exists.
	CertificateID int64
	// Domain is the certificate's domain.
	Domain string
	// NotAfter ends the certificate's validity; when zero and a
	// certificate exists it is filled to match CertificateStatus (a year
	// ahead, 20 days ahead, a day ago).
	NotAfter time.Time
	// Created is when the instance was bought (ListInstances'
	// OrderStartTime); zero in SeedInstance means now.
	Created time.Time

	// seq orders instances by creation: ListInstances lists the newest
	// first (listinstances.go).
	seq int64
}

// current returns in with its clock-driven statuses brought up to now.
func (in Instance) current(now time.Time) Instance {
	switch in.CertificateStatus {
	case CertIssued, CertWillExpire, CertExpired:
		switch certStatus(in.NotAfter, now) {
		case StatusExpired:
			in.Status, in.CertificateStatus = InstanceExpired, CertExpired
		case StatusWillExpire:
			in.Status, in.CertificateStatus = InstanceWillExpire, CertWillExpire
		default:
			in.Status, in.CertificateStatus = InstanceNormal, CertIssued
		}
	}
	return in
}

// instanceStateOf maps an instance to a normalized state: revoked by its
// certificate status; issued, expiring or expired by the clock; inactive
// is pending application, or cancelled when Withdrawn; pending is under
// review; refund and closed are unknown (no normalized state says
// "refunded").
func instanceStateOf(in Instance) provider.State {
	switch in.CertificateStatus {
	case CertRevoked:
		return provider.StateRevoked
	case CertIssued:
		return provider.StateIssued
	case CertWillExpire:
		return provider.StateExpiring
	case CertExpired:
		return provider.StateExpired
	}
	switch in.Status {
	case InstanceInactive:
		if in.Withdrawn {
			return provider.StateCancelled
		}
		return provider.StatePendingApplication
	case InstancePending:
		return provider.StateUnderReview
	}
	return provider.StateUnknown
}

// instanceSeedFor is the native instance SeedInstanceState creates for a
// normalized state.
var instanceSeedFor = map[provider.State]Instance{
	provider.StatePendingApplication: {Status: InstanceInactive},
	provider.StateCancelled:          {Status: InstanceInactive, Withdrawn: true},
	provider.StateUnderReview:        {Status: InstancePending},
	provider.StateIssued:             {CertificateStatus: CertIssued},
	provider.StateExpiring:           {CertificateStatus: CertWillExpire},
	provider.StateExpired:            {CertificateStatus: CertExpired},
	provider.StateRevoked:            {Status: InstanceNormal, CertificateStatus: CertRevoked},
}

// InstanceStates lists the normalized states [Server.SeedInstanceState]
// accepts, in the order of their numeric values. An instance has no
// review-failed state (GetInstanceDetail lists none).
func InstanceStates() []provider.State {
	out := make([]provider.State, 0, len(instanceSeedFor))
	for _, st := range provider.States() {
		if _, ok := instanceSeedFor[st]; ok {
			out = append(out, st)
		}
	}
	return out
}

// SeedInstanceState creates an instance in the normalized state st and
// returns its ID. It panics if st is not one of [InstanceStates].
func (s *Server) SeedInstanceState(st provider.State) string {
	in, ok := instanceSeedFor[st]
	if !ok {
		panic(fmt.Sprintf("alibabatest: cannot seed instance state %v: a CAS instance has no such state", st))
	}
	return s.SeedInstance(in)
}

// SeedInstance stores in, filling its defaults (see [Instance]), and
// returns its ID. It panics if in is inconsistent (an unknown status, a
// malformed or taken ID), like [Server.SeedOrder].
func (s *Server) SeedInstance(in Instance) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if err := in.normalize(now); err != nil {
		panic("alibabatest: SeedInstance: " + err.Error())
	}
	if in.ID == "" {
		in.ID = s.allocInstanceID()
	} else if !instanceIDPattern.MatchString(in.ID) {
		panic(fmt.Sprintf("alibabatest: SeedInstance: malformed instance ID %q", in.ID))
	} else if _, taken := s.instances[in.ID]; taken {
		panic(fmt.Sprintf("alibabatest: SeedInstance: instance %s exists", in.ID))
	}
	if in.CertificateStatus != "" && in.CertificateID == 0 {
		in.CertificateID = s.allocID()
	}
	if in.Created.IsZero() {
		in.Created = now
	}
	s.instSeq++
	in.seq = s.instSeq
	if in.Domain == "" {
		in.Domain = "inst-" + strings.ReplaceAll(in.ID[strings.LastIndexByte(in.ID, '-')+1:], "_", "") + ".example.com"
	}
	s.instances[in.ID] = &in
	return in.ID
}

// normalize checks in and fills NotAfter and Status for a certificate.
func (in *Instance) normalize(now time.Time) error {
	switch in.CertificateStatus {
	case "":
		if !slices.Contains([]string{InstanceInactive, InstancePending, InstanceRefund, InstanceClosed, InstanceNormal,
			InstanceWillExpire, InstanceExpired}, in.Status) {
			return fmt.Errorf("unknown instance Status %q", in.Status)
		}
		if in.Withdrawn && in.Status != InstanceInactive {
			return errors.New("only an inactive instance can be Withdrawn")
		}
		return nil
	case CertIssued, CertWillExpire, CertExpired, CertRevoked:
	default:
		return fmt.Errorf("unknown CertificateStatus %q", in.CertificateStatus)
	}
	if in.Withdrawn {
		return errors.New("an instance with a certificate cannot be Withdrawn")
	}
	if in.NotAfter.IsZero() {
		switch in.CertificateStatus {
		case CertWillExpire:
			in.NotAfter = now.Add(20 * 24 * time.Hour)
		case CertExpired:
			in.NotAfter = now.Add(-24 * time.Hour)
		default:
			in.NotAfter = now.Add(365 * 24 * time.Hour)
		}
	}
	if in.CertificateStatus == CertRevoked {
		if in.Status == "" {
			in.Status = InstanceNormal
		}
		return nil
	}
	c := in.current(now)
	in.Status, in.CertificateStatus = c.Status, c.CertificateStatus
	return nil
}

// allocInstanceID returns a fresh instance ID. The caller holds s.mu.
func (s *Server) allocInstanceID() string {
	n := strconv.FormatInt(s.allocID(), 36)
	return "cas_dv-cn-" + strings.Repeat("0", max(0, 12-len(n))) + n
}

// UnknownInstanceID returns a well-formed instance ID that names no
// instance and never will.
func (s *Server) UnknownInstanceID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.allocInstanceID()
}

// Instance returns instance id as it is now, or false if there is none.
func (s *Server) Instance(id string) (Instance, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, ok := s.instances[id]
	if !ok {
		return Instance{}, false
	}
	return in.current(s.now()), true
}

// instanceState is State for an instance ID.
func (s *Server) instanceState(id string) (provider.State, bool) {
	in, ok := s.Instance(id)
	if !ok {
		return provider.StateUnknown, false
	}
	return instanceStateOf(in), true
}

// lookupInstance finds the instance named by p's InstanceId. The caller
// holds s.mu.
func (s *Server) lookupInstance(p map[string]string) (*Instance, string, *apiError) {
	id, ok := p["InstanceId"]
	switch {
	case !ok || id == "":
		return nil, "", errMissing("InstanceId")
	case !instanceIDPattern.MatchString(id):
		return nil, id, errInvalid("InstanceId", "it is not an instance ID")
	}
	in, ok := s.instances[id]
	if !ok {
		return nil, id, newError(404, codeNotFoundInstance, "The instance %s does not exist.", truncate(id))
	}
	return in, id, nil
}

func errInstanceState(id, action string, in Instance) *apiError {
	return newError(403, codeInstanceStateError, "The status of instance %s (%s/%s) does not allow %s.",
		id, in.Status, in.CertificateStatus, action)
}

// instanceDetail is GetInstanceDetail: any state, no change. It answers
// the documented fields the emulator keeps: InstanceId, InstanceType
// (BUY), Status, Domain, CertificateId and CertificateStatus and
// CertificateNotAfter (Unix milliseconds, a JSON number) once a
// certificate exists.
func (s *Server) instanceDetail(p map[string]string, now time.Time) result {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, id, err := s.lookupInstance(p)
	if err != nil {
		return failed(err)
	}
	in := r.current(now)
	body := map[string]any{"InstanceId": id, "InstanceType": "BUY", "Status": in.Status, "Domain": in.Domain}
	if in.CertificateStatus != "" {
		body["CertificateId"] = in.CertificateID
		body["CertificateStatus"] = in.CertificateStatus
		body["CertificateNotAfter"] = in.NotAfter.UnixMilli()
	}
	return result{body: body}
}

// cancelPending is CancelPendingCertificate ("撤回证书申请"): an
// application under review (Status pending) is withdrawn and the
// instance goes back to inactive [unverified: the page names neither the
// allowed state nor the state after]. Anything else is 403
// InstanceStateError.
func (s *Server) cancelPending(p map[string]string, now time.Time) result {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, id, err := s.lookupInstance(p)
	if err != nil {
		return failed(err)
	}
	in := r.current(now)
	if in.Status != InstancePending || in.CertificateStatus != "" {
		return failed(errInstanceState(id, ActionCancelPending, in))
	}
	r.Status, r.Withdrawn = InstanceInactive, true
	return result{body: map[string]any{}, applied: true}
}

// revokeCertificate is RevokeCertificate: an issued certificate (issued
// or willExpire) is revoked; the instance status is left as it was
// [unverified]. An expired, revoked or missing certificate is 403
// InstanceStateError [unverified: the page lists no states]. The
// optional CertificateId, when sent, must name the instance's
// certificate, else 400 InvalidParameter [unverified].
func (s *Server) revokeCertificate(p map[string]string, now time.Time) result {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, id, err := s.lookupInstance(p)
	if err != nil {
		return failed(err)
	}
	in := r.current(now)
	if v, ok := p["CertificateId"]; ok && v != strconv.FormatInt(in.CertificateID, 10) {
		return failed(errInvalid("CertificateId", "it does not name this instance's certificate"))
	}
	if in.CertificateStatus != CertIssued && in.CertificateStatus != CertWillExpire {
		return failed(errInstanceState(id, ActionRevokeCert, in))
	}
	r.Status, r.CertificateStatus = in.Status, CertRevoked
	return result{body: map[string]any{}, applied: true}
}

// deleteInstance is DeleteInstance. Its page names no states
// [unverified]; the emulator removes an instance without a certificate
// that is withdrawn, refunded or closed, and refuses with 403
// InstanceStateError a fresh inactive instance (deleting it would throw a
// purchase away), one under review, and any instance holding a
// certificate, valid, expired or revoked: the strictest reading, so that
// an adapter claiming more is caught.
func (s *Server) deleteInstance(p map[string]string, now time.Time) result {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, id, err := s.lookupInstance(p)
	if err != nil {
		return failed(err)
	}
	in := r.current(now)
	ok := in.CertificateStatus == "" &&
		((in.Status == InstanceInactive && in.Withdrawn) || in.Status == InstanceRefund || in.Status == InstanceClosed)
	if !ok {
		return failed(errInstanceState(id, ActionDeleteInstance, in))
	}
	delete(s.instances, id)
	return result{body: map[string]any{}, applied: true}
}
