package provider_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/certbroker/certbroker/provider"
)

// FuzzParseRef checks that ParseRef never panics, that what it accepts
// round-trips and validates, cannot change a URL's query or fragment, and
// that what it refuses is refused with a *provider.Error of kind
// KindInvalidArgument.
func FuzzParseRef(f *testing.F) {
	for _, s := range validRefs {
		f.Add(s)
	}
	for _, tt := range badRefs {
		f.Add(tt.in)
	}
	for _, s := range []string{"a:%00", "a:\u202e1", "a:..", "a:.", "a::", "a:b:c:d", "a:\r", "a:1\u00a0", "z:" + strings.Repeat("é", 64)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := provider.ParseRef(s)
		if err != nil {
			var pe *provider.Error
			if !errors.As(err, &pe) || pe.Kind != provider.KindInvalidArgument || provider.KindOf(err) != provider.KindInvalidArgument {
				t.Fatalf("ParseRef(%q): error %v (%T), want a *provider.Error of kind invalid_argument", s, err, err)
			}
			if r != (provider.Ref{}) {
				t.Fatalf("ParseRef(%q) returned %+v with an error", s, r)
			}
			return
		}
		if got := r.String(); got != s {
			t.Fatalf("ParseRef(%q).String() = %q", s, got)
		}
		if err := r.Validate(); err != nil {
			t.Fatalf("ParseRef(%q).Validate(): %v", s, err)
		}
		again, err := provider.ParseRef(r.String())
		if err != nil || again != r {
			t.Fatalf("ParseRef(ParseRef(%q).String()) = %+v, %v", s, again, err)
		}
		if len(r.ID) > provider.MaxIDLen || strings.Contains(r.Origin, ":") {
			t.Fatalf("ParseRef(%q) = %+v breaks the documented limits", s, r)
		}
		// The ID, pasted into a URL path, stays one path segment and
		// cannot add a query or a fragment.
		u, err := url.Parse("https://cloud.example/v1/certs/" + r.ID + "/revoke")
		if err != nil || u.Path != "/v1/certs/"+r.ID+"/revoke" || u.RawQuery != "" || u.Fragment != "" || strings.Count(u.Path, "/") != 4 {
			t.Fatalf("ID %q changes the URL: %+v, %v", r.ID, u, err)
		}
	})
}
