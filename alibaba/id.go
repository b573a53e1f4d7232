package alibaba

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/certbroker/certbroker/internal/adapterkit"
)

// maxOrderIDLen is the number of decimal digits of math.MaxInt64.
const maxOrderIDLen = 19

// CheckID implements [provider.IDChecker]. Alibaba CAS has two ID shapes,
// told apart by their first byte, so no ID is both:
//
//   - an order ID (the order model): the canonical decimal form of a
//     positive int64: one to 19 ASCII digits, no sign, no leading zeros, no
//     spaces, at most 9223372036854775807. "0123" is refused rather than
//     read as 123 so that one order has exactly one spelling (and one Ref).
//   - an instance ID (the instance model): "cas", an optional "_" and a
//     product part of 1 to 16 lower-case letters, "-cn-", and 1 to 32
//     lower-case letters or digits, as the documented examples
//     cas_dv-cn-rp643r82d0i1 and cas-cn-68n1mm16**** are (see
//     [instanceIDPattern]). Nothing else is accepted: no upper case, no
//     other region part [unverified: whether the international site uses
//     another], nothing that could be more than one form parameter.
//
// The error is a [*provider.Error] of kind [provider.KindInvalidArgument].
func (a *Adapter) CheckID(id string) error {
	return a.kit.CheckID(id, checkAnyID)
}

// checkAnyID accepts an order ID or an instance ID.
func checkAnyID(id string) error {
	if isInstanceShaped(id) {
		return checkInstanceID(id)
	}
	return checkOrderID(id)
}

// isInstanceShaped says whether id is meant as an instance ID: it starts
// with "cas". Order IDs start with a digit, so the two never overlap.
func isInstanceShaped(id string) bool { return strings.HasPrefix(id, "cas") }

// instanceIDPattern is the whole instance ID, anchored. Its characters
// are letters, digits, "_" and "-" only, so an instance ID is one form
// value and can never add, end or change a parameter.
var instanceIDPattern = regexp.MustCompile(`^cas(_[a-z]{1,16})?-cn-[a-z0-9]{1,32}$`)

// checkInstanceID validates an instance ID (see [Adapter.CheckID]).
func checkInstanceID(id string) error {
	if !instanceIDPattern.MatchString(id) {
		return fmt.Errorf("instance ID %q is not of the form cas[_product]-cn-<1 to 32 lower-case letters or digits>",
			adapterkit.Truncate(id, 40))
	}
	return nil
}

// checkOrderID is parseOrderID without the value, for [adapterkit.Kit.Precheck].
func checkOrderID(id string) error {
	_, err := parseOrderID(id)
	return err
}

// parseOrderID validates id and returns its value. It runs before any
// request is built, so nothing but a canonical decimal number can reach
// the wire.
func parseOrderID(id string) (int64, error) {
	bad := func(why string) error {
		return fmt.Errorf("order ID %q %s", adapterkit.Truncate(id, 40), why)
	}
	switch {
	case id == "":
		return 0, bad("is empty")
	case len(id) > maxOrderIDLen:
		return 0, bad("is too long: want at most 19 decimal digits")
	}
	for i := 0; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return 0, bad("is not a decimal number: want digits 0-9 only")
		}
	}
	if id[0] == '0' {
		return 0, bad("must be positive and have no leading zeros")
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return 0, bad("is out of range: want at most 9223372036854775807")
	}
	return n, nil
}
