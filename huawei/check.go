package huawei

import (
	"strings"

	"github.com/certbroker/certbroker/provider"
)

var _ provider.Checker = (*Adapter)(nil)

// Check implements provider.Checker: it validates req exactly as the
// method of its operation does before sending anything, with the same
// function, and returns the same *provider.Error (nil when the call would
// go on to send its first request). It sends nothing and reads no state.
func (a *Adapter) Check(req provider.Request) error {
	if e := a.precheck(req); e != nil {
		return e
	}
	return nil
}

// precheck is every check an operation makes before its first request:
// the ID's shape for all; the reason for Revoke; for Renew, whether
// renewal is enabled, then that no CSR is given (the purchase takes none,
// and dropping it silently would buy a certificate that is not what was
// asked for), that the tags fit Huawei's limits (see checkTags) and that
// a renewal mark is one FindRenewal can search for (see checkMark).
func (a *Adapter) precheck(req provider.Request) *provider.Error {
	if e := a.kit.Precheck(req, checkID); e != nil {
		return e
	}
	op, id := req.Op(), req.TargetID()
	switch r := req.(type) {
	case provider.RevokeRequest:
		if err := checkReason(r.Reason); err != nil {
			return a.kit.Invalid(op, id, err)
		}
	case provider.RenewRequest:
		if !a.renew {
			return a.kit.Fail(provider.KindUnsupported, op, id, noteRenewOff)
		}
		return a.renewInput(op, r)
	}
	return nil
}

// renewInput is the check of a renewal's own input, which Renew and
// FindRenewal share: no CSR, tags within Huawei's limits (checkTags), and
// a renewal mark the search by tag can send (checkMark).
func (a *Adapter) renewInput(op provider.Op, r provider.RenewRequest) *provider.Error {
	if strings.TrimSpace(r.CSR) != "" {
		return a.kit.Fail(provider.KindInvalidArgument, op, r.ID,
			"Huawei's purchase API takes no CSR: the new certificate's key is chosen when its application is completed")
	}
	if err := checkTags(r.Tags); err != nil {
		return a.kit.Fail(provider.KindInvalidArgument, op, r.ID, "renewal tags: "+err.Error())
	}
	if err := checkMark(provider.RenewalMark(r.Tags)); err != nil {
		return a.kit.Fail(provider.KindInvalidArgument, op, r.ID, "renewal tags: "+err.Error())
	}
	return nil
}
