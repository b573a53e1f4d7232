package huawei

import (
	"fmt"
	"unicode/utf8"

	"github.com/certbroker/certbroker/provider"
)

// IDLen is the length of a Huawei SCM certificate ID: "scs" followed by
// 13 decimal digits, for example "scs1481110651012". The SCM v3 API
// reference documents certificate IDs as exactly 16 characters, and every
// example ID in the v2 reference has this shape.
const IDLen = 16

// MaxReasonLen is the longest revocation reason the v2 revoke API accepts,
// counted in Unicode characters (see [Adapter.Revoke]).
const MaxReasonLen = 63

// checkID reports whether id has the shape of an SCM certificate ID:
// exactly "scs" followed by 13 ASCII digits. Nothing else can reach a
// request path, so no ID can change one.
func checkID(id string) error {
	if err := provider.ValidateID(id); err != nil {
		return err
	}
	if len(id) != IDLen || id[:3] != "scs" {
		return fmt.Errorf("certificate ID %q: want %q followed by %d digits (%d characters), like scs1481110651012",
			id, "scs", IDLen-3, IDLen)
	}
	for i := 3; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return fmt.Errorf("certificate ID %q: character %d is not a digit", id, i+1)
		}
	}
	return nil
}

// checkReason reports whether reason fits the revoke API: valid UTF-8,
// at most MaxReasonLen characters, no control characters. The reference
// does not say whether the limit counts bytes or characters; the adapter
// counts characters and leaves a byte-counting cloud to answer SCM.0005
// for long non-ASCII reasons.
func checkReason(reason string) error {
	if !utf8.ValidString(reason) {
		return fmt.Errorf("revocation reason is not valid UTF-8")
	}
	if n := utf8.RuneCountInString(reason); n > MaxReasonLen {
		return fmt.Errorf("revocation reason has %d characters; Huawei accepts at most %d", n, MaxReasonLen)
	}
	for _, r := range reason {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return fmt.Errorf("revocation reason contains control character %U", r)
		}
	}
	return nil
}

// CheckID implements provider.IDChecker: nil when id is "scs" followed by
// 13 digits (16 characters), otherwise a KindInvalidArgument error.
func (a *Adapter) CheckID(id string) error {
	return a.kit.CheckID(id, checkID)
}
