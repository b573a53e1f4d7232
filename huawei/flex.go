package huawei

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The SCM reference's samples disagree with its own field tables about
// types (a count sent as "19", an epoch time as a digit string), so the
// fields the adapter depends on decode leniently.

// parseExpiry parses an expiry time: a number or digit string of
// milliseconds since the Unix epoch, or seconds when below 1e11 (which as
// milliseconds would be 1973); RFC 3339; or "2006-01-02 15:04:05" (UTC),
// with or without fractional seconds. "" is the zero time.
func parseExpiry(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		switch {
		case n <= 0:
			return time.Time{}, fmt.Errorf("expiry time %d is not positive", n)
		case n < 1e11:
			return time.Unix(n, 0).UTC(), nil
		default:
			return time.UnixMilli(n).UTC(), nil
		}
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f > 0 && f < 1e15 {
		return time.UnixMilli(int64(f)).UTC(), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700", "2006-01-02 15:04:05.999999999"} {
		if v, err := time.Parse(layout, s); err == nil {
			return v.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("unrecognised expiry time %q", s)
}

// flexScalar returns the text of a JSON number or string, trimmed; null
// gives "".
func flexScalar(b []byte) (string, error) {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || bytes.Equal(b, []byte("null")):
		return "", nil
	case b[0] == '"':
		// The common case, a string without escapes, is cut out directly
		// (Status decodes a dozen of them per call); anything else goes
		// through encoding/json.
		if len(b) >= 2 && b[len(b)-1] == '"' {
			if in := b[1 : len(b)-1]; bytes.IndexByte(in, '\\') < 0 && bytes.IndexByte(in, '"') < 0 && utf8.Valid(in) {
				return string(bytes.TrimSpace(in)), nil
			}
		}
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return "", err
		}
		return strings.TrimSpace(s), nil
	case b[0] == '-' || (b[0] >= '0' && b[0] <= '9'):
		if !json.Valid(b) {
			return "", fmt.Errorf("not a JSON number: %.20s", b)
		}
		return string(b), nil
	default:
		return "", fmt.Errorf("want a number or a string, got %.20s", b)
	}
}
