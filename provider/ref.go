package provider

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxIDLen is the longest ID, in bytes, that a [Ref] may carry.
const MaxIDLen = 128

// maxOriginLen is the longest origin name: one letter plus 62 more.
const maxOriginLen = 63

// Ref names one certificate order at one origin. Its text form is
// "origin:id", for example "alibaba:123451222".
//
// The zero Ref is not valid. Build Refs with [ParseRef] or validate
// hand-built ones with [Ref.Validate].
type Ref struct {
	// Origin is the name under which a provider is registered: lowercase,
	// starting with a letter, then letters, digits, '.', '_' or '-', at
	// most 63 bytes in all.
	Origin string
	// ID is the provider's own identifier of the order or certificate.
	ID string
}

// ParseRef parses "origin:id". The split is at the first colon, so an ID
// may itself contain colons. Both parts are validated with [ValidateOrigin]
// and [ValidateID]; adapters apply their own, stricter ID checks on top.
func ParseRef(s string) (Ref, error) {
	origin, id, ok := strings.Cut(s, ":")
	if !ok {
		return Ref{}, &Error{Kind: KindInvalidArgument, Message: fmt.Sprintf("reference %q has no origin: want origin:id", truncate(s))}
	}
	r := Ref{Origin: origin, ID: id}
	if err := r.Validate(); err != nil {
		return Ref{}, err
	}
	return r, nil
}

// MustParseRef is like [ParseRef] but panics on error. It is meant for
// tests and examples with literal references.
func MustParseRef(s string) Ref {
	r, err := ParseRef(s)
	if err != nil {
		panic(err)
	}
	return r
}

// String returns "origin:id".
func (r Ref) String() string { return r.Origin + ":" + r.ID }

// Validate reports whether both parts of r are well formed.
func (r Ref) Validate() error {
	if err := ValidateOrigin(r.Origin); err != nil {
		return err
	}
	if err := ValidateID(r.ID); err != nil {
		e := err.(*Error)
		e.Origin = r.Origin
		return e
	}
	return nil
}

// MarshalText implements [encoding.TextMarshaler].
func (r Ref) MarshalText() ([]byte, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return []byte(r.String()), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler] with [ParseRef].
func (r *Ref) UnmarshalText(b []byte) error {
	p, err := ParseRef(string(b))
	if err != nil {
		return err
	}
	*r = p
	return nil
}

// ValidateOrigin checks an origin name: lowercase, a letter first, then
// letters, digits, '.', '_' or '-', 1 to 63 bytes. The error has kind
// [KindInvalidArgument].
func ValidateOrigin(origin string) error {
	bad := func(why string) error {
		return &Error{Kind: KindInvalidArgument, Message: fmt.Sprintf("origin %q %s", truncate(origin), why)}
	}
	switch {
	case origin == "":
		return bad("is empty")
	case len(origin) > maxOriginLen:
		return bad(fmt.Sprintf("is longer than %d bytes", maxOriginLen))
	case origin[0] < 'a' || origin[0] > 'z':
		return bad("must start with a lowercase letter")
	}
	for i := 1; i < len(origin); i++ {
		c := origin[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return bad(fmt.Sprintf("has %q at byte %d: only a-z, 0-9, '.', '_' and '-' are allowed", rune(c), i))
		}
	}
	return nil
}

// ValidateID checks the provider-independent rules for an ID: not empty, at
// most [MaxIDLen] bytes, valid UTF-8, and free of '/', '?', '#', '%', '\\',
// whitespace, control and invisible format characters, "..", and is not
// ".", so that no ID can change the
// path or query of a request. The error has kind [KindInvalidArgument].
func ValidateID(id string) error {
	bad := func(why string) error {
		// The ID is quoted and truncated in the message only: the raw value
		// could span lines or be huge.
		return &Error{Kind: KindInvalidArgument, Message: fmt.Sprintf("ID %q %s", truncate(id), why)}
	}
	switch {
	case id == "":
		return bad("is empty")
	case len(id) > MaxIDLen:
		return bad(fmt.Sprintf("is %d bytes long; the limit is %d", len(id), MaxIDLen))
	case !utf8.ValidString(id):
		return bad("is not valid UTF-8")
	case id == ".":
		return bad("is a dot path segment")
	case strings.Contains(id, ".."):
		return bad(`contains ".."`)
	}
	for _, c := range id {
		switch {
		case strings.ContainsRune(`/?#%\`, c):
			return bad(fmt.Sprintf("contains %q", c))
		case unicode.IsSpace(c):
			return bad("contains whitespace")
		case unicode.IsControl(c) || c == utf8.RuneError:
			return bad("contains a control character")
		case unicode.Is(unicode.Cf, c):
			return bad(fmt.Sprintf("contains the invisible format character %U", c))
		}
	}
	return nil
}

// truncate shortens s for use inside an error message.
func truncate(s string) string {
	const limit = 80
	if len(s) <= limit {
		return s
	}
	return s[:limit] + "…"
}
