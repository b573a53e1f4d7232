package huawei

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"
	"time"
)

// The v3 details decode leniently: a field SCM writes in a form the
// adapter does not expect (a number where a string is documented, an
// object, a time in an unknown layout) leaves that one field at its zero
// value and never fails the whole response. looseTime keeps
// the raw text, so a refusal can quote what could not be read.

// looseString decodes a JSON string; a number or boolean becomes its
// text; anything else is "".
type looseString string

// UnmarshalJSON implements json.Unmarshaler; it never fails.
func (s *looseString) UnmarshalJSON(b []byte) error {
	v, _ := flexScalar(b)
	if v == "" {
		b = bytes.TrimSpace(b)
		if bytes.Equal(b, []byte("true")) || bytes.Equal(b, []byte("false")) {
			v = string(b)
		}
	}
	*s = looseString(v)
	return nil
}

// looseInt decodes a JSON number or digit string; anything else is 0 and
// ok false.
type looseInt struct {
	N  int64
	OK bool
}

// UnmarshalJSON implements json.Unmarshaler; it never fails.
func (n *looseInt) UnmarshalJSON(b []byte) error {
	s, _ := flexScalar(b)
	v, err := strconv.ParseInt(s, 10, 64)
	*n = looseInt{N: v, OK: err == nil}
	return nil
}

// looseTime decodes a time in any form parseExpiry reads; anything else
// is the zero time, with the raw text in Raw.
type looseTime struct {
	time.Time
	Raw string
}

// UnmarshalJSON implements json.Unmarshaler; it never fails.
func (t *looseTime) UnmarshalJSON(b []byte) error {
	s, err := flexScalar(b)
	if err != nil {
		*t = looseTime{Raw: string(bytes.TrimSpace(b))}
		return nil
	}
	v, err := parseExpiry(s)
	if err != nil {
		v = time.Time{}
	}
	*t = looseTime{Time: v, Raw: s}
	return nil
}

var _ = []json.Unmarshaler{(*looseString)(nil), (*looseInt)(nil), (*looseTime)(nil)}

// rawBody is a response the SDK hands over undecoded: the SDK returns the
// stream of a response type with a field named Body of type
// io.ReadCloser. The adapter reads it while the call's context is alive
// (drain) and decodes it with encoding/json, which gives every field's raw
// text to its loose type; the SDK's own decoder checks a number's range
// first, so a not_after of 1e999 would fail the whole response there.
type rawBody struct {
	Body           io.ReadCloser
	HttpStatusCode int
	data           []byte
}

// maxResponse bounds a response body the adapter reads itself.
const maxResponse = 1 << 20

// drain reads and closes the body.
func (r *rawBody) drain() error {
	if r.Body == nil {
		return nil
	}
	defer r.Body.Close()
	data, err := io.ReadAll(io.LimitReader(r.Body, maxResponse))
	r.data = data
	return err
}
