package alibaba

import "github.com/certbroker/certbroker/provider"

var (
	_ provider.Checker        = (*Adapter)(nil)
	_ provider.IDCapabilities = (*Adapter)(nil)
)

// Check implements [provider.Checker]: it validates req exactly as the
// method of its operation does before sending anything, with the same
// [*provider.Error] (kind [provider.KindInvalidArgument]), and sends and
// reads nothing. It checks the ID, an order or an instance ID (see [Adapter.CheckID]) and, for
// Renew, the CSR ([ValidateCSR]) and the tags ([ValidateTags]). A nil
// req, or a request type the adapter does not handle, is refused.
//
// Check does not read the order's state, so it cannot predict what the
// cloud, or Revoke's state read, will refuse later (KindInvalidState).
func (a *Adapter) Check(req provider.Request) error {
	_, err := a.validate(req)
	return err
}

// validate is the one pre-send check of every operation, shared by the
// operations and Check. It returns the parsed order ID, or 0 for an
// instance ID (isInstanceShaped), which the caller then sends to the
// instance model (instance.go).
func (a *Adapter) validate(req provider.Request) (int64, error) {
	if e := a.kit.Precheck(req, checkAnyID); e != nil {
		return 0, e
	}
	n, _ := parseOrderID(req.TargetID())
	if r, ok := req.(provider.RenewRequest); ok && isInstanceShaped(r.ID) {
		return 0, a.kit.Stamp(&provider.Error{Kind: provider.KindUnsupported, Message: noteInstanceRenew}, provider.OpRenew, r.ID)
	}
	if r, ok := req.(provider.RenewRequest); ok {
		if err := ValidateCSR(r.CSR); err != nil {
			return 0, a.kit.Invalid(provider.OpRenew, r.ID, err)
		}
		if err := ValidateTags(r.Tags); err != nil {
			return 0, a.kit.Invalid(provider.OpRenew, r.ID, err)
		}
	}
	return n, nil
}
