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
	if req == nil {
		return &provider.Error{Kind: provider.KindInvalidArgument, Origin: a.origin, Message: "nil request"}
	}
	if e := a.precheck(req); e != nil {
		return e
	}
	return nil
}

// precheck is every check an operation makes before its first request:
// the ID's shape for all; the reason for Revoke; for Renew, whether
// renewal is enabled, then that no CSR is given (the purchase takes none,
// and dropping it silently would buy a certificate that is not what was
// asked for) and that the tags fit Huawei's limits (see checkTags).
func (a *Adapter) precheck(req provider.Request) *provider.Error {
	op, id := req.Op(), req.TargetID()
	if err := checkID(id); err != nil {
		return a.invalid(op, id, err)
	}
	switch r := req.(type) {
	case provider.RevokeRequest:
		if err := checkReason(r.Reason); err != nil {
			return a.invalid(op, id, err)
		}
	case provider.RenewRequest:
		switch {
		case !a.renew:
			return a.fail(provider.KindUnsupported, id, noteRenewOff)
		case strings.TrimSpace(r.CSR) != "":
			return a.fail(provider.KindInvalidArgument, id,
				"Huawei's purchase API takes no CSR: the new certificate's key is chosen when its application is completed")
		}
		if err := checkTags(r.Tags); err != nil {
			return a.fail(provider.KindInvalidArgument, id, "renewal tags: "+err.Error())
		}
	}
	return nil
}
