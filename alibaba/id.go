package alibaba

import (
	"fmt"
	"strconv"

	"github.com/certbroker/certbroker/provider"
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
	_, err := parseOrderID(a.origin, "", id)
	return err
}

// parseOrderID validates id and returns its value. It runs before any
// request is built, so nothing but a canonical decimal number can reach
// the wire.
func parseOrderID(origin string, op provider.Op, id string) (int64, error) {
	bad := func(why string) error {
		e := &provider.Error{Kind: provider.KindInvalidArgument, Op: op, Origin: origin,
			Message: fmt.Sprintf("order ID %q %s", truncate(id, 40), why)}
		if provider.ValidateID(id) == nil {
			e.ID = id // safe to print on one line
		}
		return e
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

// truncate shortens s to at most n bytes for messages, without splitting
// a UTF-8 sequence in a way that matters: %q escapes whatever remains.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
