package alibaba

import (
	"fmt"

	"github.com/certbroker/certbroker/provider"
)

var _ provider.Checker = (*Adapter)(nil)

// Check implements [provider.Checker]: it validates req exactly as the
// method of its operation does before sending anything, with the same
// [*provider.Error] (kind [provider.KindInvalidArgument]), and sends and
// reads nothing. It checks the order ID (see [Adapter.CheckID]) and, for
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
// operations and Check. It returns the parsed order ID.
func (a *Adapter) validate(req provider.Request) (int64, error) {
	switch r := req.(type) {
	case provider.CancelRequest, provider.RevokeRequest, provider.DeleteRequest, provider.StatusRequest:
		return parseOrderID(a.origin, r.Op(), r.TargetID())
	case provider.RenewRequest:
		n, err := parseOrderID(a.origin, provider.OpRenew, r.ID)
		if err != nil {
			return 0, err
		}
		if err := ValidateCSR(r.CSR); err != nil {
			return 0, a.invalid(provider.OpRenew, r.ID, err)
		}
		if err := ValidateTags(r.Tags); err != nil {
			return 0, a.invalid(provider.OpRenew, r.ID, err)
		}
		return n, nil
	}
	return 0, &provider.Error{Kind: provider.KindInvalidArgument, Origin: a.origin,
		Message: fmt.Sprintf("unsupported request type %T", req)}
}
