package huawei

import (
	"errors"
	"strings"
	"testing"

	"github.com/certbroker/certbroker/provider"
)

func TestCheckID(t *testing.T) {
	t.Parallel()
	a := mustNew(t, stubConfig("http://127.0.0.1:1"))
	cases := []struct {
		id string
		ok bool
	}{
		{"scs1481110651012", true},
		{"scs1554192131150", true},
		{"scs0000000000000", true},
		{"", false},
		{"scs", false},
		{"scs148111065101", false},   // 15 characters
		{"scs14811106510123", false}, // 17 characters
		{"SCS1481110651012", false},
		{"scs148111065101a", false},
		{"scs１481110651012", false}, // full-width digit
		{"xcs1481110651012", false},
		{"CS1803192259ROA8U", false}, // an order ID, not a cert ID
		{" scs1481110651012", false},
		{"scs1481110651012 ", false},
		{"scs1481110651012/", false},
		{"scs148111065/012", false},
		{"scs148111065.012", false},
		{"scs14811106510%2", false},
		{"123451222", false},
	}
	for _, c := range cases {
		err := a.CheckID(c.id)
		if (err == nil) != c.ok {
			t.Errorf("CheckID(%q) = %v, want ok=%t", c.id, err, c.ok)
		}
		if err != nil && !errors.Is(err, provider.ErrInvalidArgument) {
			t.Errorf("CheckID(%q): kind %s, want invalid_argument", c.id, provider.KindOf(err))
		}
	}
}

func TestCheckReason(t *testing.T) {
	t.Parallel()
	cases := []struct {
		reason string
		ok     bool
	}{
		{"", true},
		{"key compromise", true},
		{strings.Repeat("a", 63), true},
		{strings.Repeat("a", 64), false},
		{strings.Repeat("密", 63), true}, // 63 characters, 189 bytes
		{strings.Repeat("密", 64), false},
		{"line\nbreak", false},
		{"tab\there", false},
		{"bad \xff utf8", false},
		{"<&> quotes \" and '", true},
	}
	for _, c := range cases {
		if err := checkReason(c.reason); (err == nil) != c.ok {
			t.Errorf("checkReason(%q) = %v, want ok=%t", c.reason, err, c.ok)
		}
	}
}

// FuzzCheckID checks that every ID CheckID accepts is exactly the
// documented shape and is safe in a path.
func FuzzCheckID(f *testing.F) {
	for _, s := range []string{
		"scs1481110651012", "scs1554192131150", "", "scs", "scs148111065101", "SCS1481110651012",
		"scs1481110651012/..", "scs14811106510%2F", "../scs1481110651012", "scs1481110651012\x00",
		"scs\u0661481110651012", "ｓcs1481110651012",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		err := checkID(id)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("refused %q without a reason", id)
			}
			return
		}
		if len(id) != IDLen || !strings.HasPrefix(id, "scs") {
			t.Fatalf("accepted %q", id)
		}
		for _, r := range id[3:] {
			if r < '0' || r > '9' {
				t.Fatalf("accepted %q with non-digit %q", id, r)
			}
		}
		if err := provider.ValidateID(id); err != nil {
			t.Fatalf("accepted %q, which provider.ValidateID refuses: %v", id, err)
		}
		if _, err := provider.ParseRef("huawei:" + id); err != nil {
			t.Fatalf("accepted %q, which makes no valid Ref: %v", id, err)
		}
	})
}
