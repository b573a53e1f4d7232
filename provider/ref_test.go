package provider_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/certbroker/certbroker/provider"
)

// validRefs are references ParseRef accepts, as text.
var validRefs = []string{
	"alibaba:123451222",
	"huawei-eu:scs1481110651012",
	"alibaba-prod:1",
	"a:b",
	"a.b_c-d9:x",
	"x:a:b", // the ID is "a:b": the split is at the first colon
	"x:证书",
	"x:a.b",
	"x:-_+=@!~*'();,&$",
	strings.Repeat("o", 63) + ":1",
	"o:" + strings.Repeat("9", provider.MaxIDLen),
}

// badRefs are references ParseRef refuses, with a part of the message.
var badRefs = []struct {
	in, msg string
}{
	{"", `reference "" has no origin: want origin:id`},
	{"alibaba", `reference "alibaba" has no origin`},
	{"123451222", "has no origin"},
	{":123", `origin "" is empty`},
	{"Alibaba:1", "must start with a lowercase letter"},
	{"1ali:1", "must start with a lowercase letter"},
	{"-ali:1", "must start with a lowercase letter"},
	{"aliBaba:1", `has 'B' at byte 3`},
	{"ali baba:1", `has ' ' at byte 3`},
	{"ali/x:1", `has '/' at byte 3`},
	{"ali\x00:1", `has '\x00' at byte 3`},
	{"alí:1", "only a-z, 0-9"},
	{strings.Repeat("o", 64) + ":1", "is longer than 63 bytes"},
	{"alibaba:", `ID "" is empty`},
	{"alibaba:a/b", `contains '/'`},
	{"alibaba:../x", `contains ".."`},
	{"alibaba:1..2", `contains ".."`},
	{"alibaba:%2F", `contains '%'`},
	{"alibaba:a?b", `contains '?'`},
	{"alibaba:a#b", `contains '#'`},
	{`alibaba:a\b`, `contains '\\'`},
	{"alibaba:a b", "contains whitespace"},
	{"alibaba:a\tb", "contains whitespace"},
	{"alibaba:a\nb", "contains whitespace"},
	{"alibaba:a\u00a0b", "contains whitespace"},
	{"alibaba:a\u2028b", "contains whitespace"},
	{"alibaba:a\x00b", "contains a control character"},
	{"alibaba:a\x7fb", "contains a control character"},
	{"alibaba:a\u0085b", "contains whitespace"},
	{"alibaba:\ufffd", "contains a control character"},
	{"alibaba:\xff", "is not valid UTF-8"},
	{"alibaba:" + strings.Repeat("1", provider.MaxIDLen+1), "is 129 bytes long; the limit is 128"},
}

func TestParseRefValid(t *testing.T) {
	t.Parallel()
	for _, in := range validRefs {
		r, err := provider.ParseRef(in)
		if err != nil {
			t.Errorf("ParseRef(%q): %v", in, err)
			continue
		}
		if got := r.String(); got != in {
			t.Errorf("ParseRef(%q).String() = %q", in, got)
		}
		origin, id, _ := strings.Cut(in, ":")
		if r.Origin != origin || r.ID != id {
			t.Errorf("ParseRef(%q) = %+v, want origin %q, ID %q", in, r, origin, id)
		}
		if err := r.Validate(); err != nil {
			t.Errorf("ParseRef(%q).Validate(): %v", in, err)
		}
		if b, err := r.MarshalText(); err != nil || string(b) != in {
			t.Errorf("ParseRef(%q).MarshalText() = %q, %v", in, b, err)
		}
		var back provider.Ref
		if err := back.UnmarshalText([]byte(in)); err != nil || back != r {
			t.Errorf("UnmarshalText(%q) = %+v, %v", in, back, err)
		}
	}
}

func TestParseRefInvalid(t *testing.T) {
	t.Parallel()
	for _, tt := range badRefs {
		r, err := provider.ParseRef(tt.in)
		if err == nil {
			t.Errorf("ParseRef(%q) = %+v, want an error", tt.in, r)
			continue
		}
		if r != (provider.Ref{}) {
			t.Errorf("ParseRef(%q) returned %+v with its error, want the zero Ref", tt.in, r)
		}
		var pe *provider.Error
		if !errors.As(err, &pe) || pe.Kind != provider.KindInvalidArgument || !errors.Is(err, provider.ErrInvalidArgument) {
			t.Errorf("ParseRef(%q): %v (%T), want a *provider.Error of kind invalid_argument", tt.in, err, err)
		}
		if !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("ParseRef(%q) error %q, want it to contain %q", tt.in, err, tt.msg)
		}
		var back provider.Ref
		if err := back.UnmarshalText([]byte(tt.in)); !errors.Is(err, provider.ErrInvalidArgument) || back != (provider.Ref{}) {
			t.Errorf("UnmarshalText(%q) = %+v, %v", tt.in, back, err)
		}
	}
}

func TestParseRefLongInputMessageIsTruncated(t *testing.T) {
	t.Parallel()
	_, err := provider.ParseRef(strings.Repeat("x", 10000))
	if err == nil || len(err.Error()) > 200 {
		t.Errorf("error for a 10000-byte reference is %d bytes long", len(err.Error()))
	}
}

func TestRefValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ref    provider.Ref
		ok     bool
		origin string // the Origin of the error
	}{
		{provider.Ref{Origin: "alibaba", ID: "1"}, true, ""},
		{provider.Ref{}, false, ""},
		{provider.Ref{Origin: "alibaba"}, false, "alibaba"},
		{provider.Ref{ID: "1"}, false, ""},
		{provider.Ref{Origin: "alibaba", ID: "a/b"}, false, "alibaba"},
		{provider.Ref{Origin: "Alibaba", ID: "1"}, false, ""},
	}
	for _, tt := range tests {
		err := tt.ref.Validate()
		if (err == nil) != tt.ok {
			t.Errorf("%+v.Validate() = %v, want ok=%t", tt.ref, err, tt.ok)
			continue
		}
		if err == nil {
			continue
		}
		var pe *provider.Error
		if !errors.As(err, &pe) || pe.Kind != provider.KindInvalidArgument || pe.Origin != tt.origin {
			t.Errorf("%+v.Validate() = %#v, want kind invalid_argument with origin %q", tt.ref, err, tt.origin)
		}
		if _, err := tt.ref.MarshalText(); !errors.Is(err, provider.ErrInvalidArgument) {
			t.Errorf("%+v.MarshalText() error = %v, want invalid argument", tt.ref, err)
		}
	}
}

func TestRefJSON(t *testing.T) {
	t.Parallel()
	type doc struct {
		Ref  provider.Ref          `json:"ref"`
		Refs map[provider.Ref]bool `json:"refs"`
	}
	in := doc{Ref: provider.MustParseRef("alibaba:1"), Refs: map[provider.Ref]bool{provider.MustParseRef("huawei:scs1"): true}}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"ref":"alibaba:1","refs":{"huawei:scs1":true}}`; string(b) != want {
		t.Errorf("json.Marshal = %s, want %s", b, want)
	}
	var out doc
	if err := json.Unmarshal(b, &out); err != nil || out.Ref != in.Ref || !out.Refs[provider.MustParseRef("huawei:scs1")] {
		t.Errorf("json.Unmarshal = %+v, %v", out, err)
	}
	if err := json.Unmarshal([]byte(`{"ref":"alibaba:../etc"}`), &out); !errors.Is(err, provider.ErrInvalidArgument) {
		t.Errorf("json.Unmarshal of a bad ref: %v, want invalid argument", err)
	}
	if _, err := json.Marshal(doc{}); !errors.Is(err, provider.ErrInvalidArgument) {
		t.Errorf("json.Marshal of the zero Ref: %v, want invalid argument", err)
	}
}

func TestMustParseRef(t *testing.T) {
	t.Parallel()
	if r := provider.MustParseRef("alibaba:1"); r != (provider.Ref{Origin: "alibaba", ID: "1"}) {
		t.Errorf("MustParseRef = %+v", r)
	}
	defer func() {
		if err, _ := recover().(error); !errors.Is(err, provider.ErrInvalidArgument) {
			t.Errorf("MustParseRef of a bad ref panicked with %v, want an invalid argument error", err)
		}
	}()
	provider.MustParseRef("no-colon")
	t.Errorf("MustParseRef of a bad ref did not panic")
}

func TestValidateOrigin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		origin string
		msg    string // "" when valid
	}{
		{"a", ""},
		{"alibaba", ""},
		{"huawei-eu", ""},
		{"a1.b_c-d", ""},
		{"a-", ""},
		{strings.Repeat("a", 63), ""},
		{"", "is empty"},
		{strings.Repeat("a", 64), "is longer than 63 bytes"},
		{"A", "must start with a lowercase letter"},
		{"9a", "must start with a lowercase letter"},
		{".a", "must start with a lowercase letter"},
		{"_a", "must start with a lowercase letter"},
		{"ab:c", `has ':' at byte 2`},
		{"aB", `has 'B' at byte 1`},
		{"a b", `has ' ' at byte 1`},
		{"a/b", `has '/' at byte 1`},
		{"a\nb", `has '\n' at byte 1`},
		{"aé", "only a-z, 0-9, '.', '_' and '-' are allowed"},
	}
	for _, tt := range tests {
		err := provider.ValidateOrigin(tt.origin)
		switch {
		case tt.msg == "" && err != nil:
			t.Errorf("ValidateOrigin(%q) = %v, want nil", tt.origin, err)
		case tt.msg == "":
		case !errors.Is(err, provider.ErrInvalidArgument) || provider.KindOf(err) != provider.KindInvalidArgument:
			t.Errorf("ValidateOrigin(%q) = %v, want kind invalid_argument", tt.origin, err)
		case !strings.Contains(err.Error(), tt.msg):
			t.Errorf("ValidateOrigin(%q) = %q, want it to contain %q", tt.origin, err, tt.msg)
		}
	}
}

func TestValidateID(t *testing.T) {
	t.Parallel()
	for _, in := range validRefs {
		_, id, _ := strings.Cut(in, ":")
		if err := provider.ValidateID(id); err != nil {
			t.Errorf("ValidateID(%q) = %v", id, err)
		}
	}
	for _, tt := range badRefs {
		origin, id, ok := strings.Cut(tt.in, ":")
		if !ok || provider.ValidateOrigin(origin) != nil {
			continue // not an ID case
		}
		err := provider.ValidateID(id)
		if !errors.Is(err, provider.ErrInvalidArgument) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("ValidateID(%q) = %v, want invalid argument containing %q", id, err, tt.msg)
		}
	}
}
