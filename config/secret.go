package config

import (
	"fmt"
	"log/slog"
)

// Redacted is what a [Secret] prints as.
const Redacted = "[REDACTED]"

// Secret is a credential read from the configuration (an access key secret,
// an SK, an STS token). Every way of printing or marshalling it yields
// [Redacted]; [Secret.Reveal] returns the value for handing to an adapter.
type Secret string

// Reveal returns the secret's value. Call it only to pass the value on to
// the code that uses it.
func (s Secret) Reveal() string { return string(s) }

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s == "" }

// String implements fmt.Stringer with a redacted value.
func (s Secret) String() string { return s.redacted() }

// GoString implements fmt.GoStringer with a redacted value.
func (s Secret) GoString() string { return `config.Secret("` + s.redacted() + `")` }

// Format prints the redacted value (GoString for %#v) for every verb.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = fmt.Fprint(f, s.GoString())
		return
	}
	_, _ = fmt.Fprint(f, s.String())
}

// LogValue implements slog.LogValuer with a redacted value.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.redacted()) }

// MarshalText implements encoding.TextMarshaler with a redacted value, so
// JSON and YAML renderings are redacted too.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.redacted()), nil }

func (s Secret) redacted() string {
	if s == "" {
		return ""
	}
	return Redacted
}
