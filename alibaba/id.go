package alibaba

import (
	"fmt"
	"strconv"

	"github.com/certbroker/certbroker/internal/adapterkit"
)

// maxOrderIDLen is the number of decimal digits of math.MaxInt64.
const maxOrderIDLen = 19

// CheckID implements [provider.IDChecker]. An Alibaba CAS order ID is the
// canonical decimal form of a positive int64: one to 19 ASCII digits, no
// sign, no leading zeros, no spaces, at most 9223372036854775807. "0123" is
// refused rather than read as 123 so that one order has exactly one
// spelling (and one Ref). The error is a [*provider.Error] of kind
// [provider.KindInvalidArgument].
func (a *Adapter) CheckID(id string) error {
	return a.kit.CheckID(id, checkOrderID)
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
