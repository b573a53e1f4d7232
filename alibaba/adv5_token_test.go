package alibaba

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/certbroker/certbroker/provider"
)

// adv5 (adversarial review): page tokens that this adapter did not issue.
//
// Promise (provider/list.go, Lister: "List validates req before any
// request, with ListRequest.Validate and its own checks (a page token it
// did not issue), and refuses bad input with an *Error of kind
// KindInvalidArgument"; alibaba/lister.go List doc: "a check that the page
// token was issued by this adapter, in this token version, for the same
// filters").

// adv5FirstToken lists one entry a page and returns the first page's token
// (an instance-phase token when instances is true, else an order-phase one).
func adv5FirstToken(t *testing.T, instances bool) (*Adapter, func() int, string) {
	t.Helper()
	s := newEmulator(t)
	a := adapterFor(t, s)
	for range 4 {
		if instances {
			s.SeedInstanceState(provider.StateIssued)
		} else {
			s.Seed(provider.StateIssued)
		}
	}
	first, err := a.List(t.Context(), provider.ListRequest{PageSize: 1})
	if err != nil || first.Next == "" {
		t.Fatalf("first page: %v, next %q", err, first.Next)
	}
	return a, s.RequestCount, first.Next
}

func adv5Refused(t *testing.T, a *Adapter, count func() int, tok string) {
	t.Helper()
	before := count()
	_, err := a.List(t.Context(), provider.ListRequest{PageSize: 1, PageToken: tok})
	if provider.KindOf(err) != provider.KindInvalidArgument {
		t.Errorf("token %q: err = %v, want invalid_argument", tok, err)
	}
	if n := count() - before; n != 0 {
		t.Errorf("token %q: %d requests sent for a token this adapter never issued", tok, n)
	}
}

// TestAdv5TokenTrailingData: the adapter's own token with bytes appended
// after its JSON object (a second object, or text) was never issued by it.
//
// Broken: accepted, and the listing goes on (requests sent).
// Cause: alibaba/lister.go:308-320 decodeListToken decodes the first JSON
// value with json.Decoder.Decode and never checks that the input ends
// there (no dec.More()/io.EOF check), so anything after it is ignored.
func TestAdv5TokenTrailingData(t *testing.T) {
	t.Parallel()
	a, count, tok := adv5FirstToken(t, false)
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		t.Fatal(err)
	}
	for _, tail := range []string{" garbage", `{"v":1}`, "\x00\x00", "]"} {
		t.Run(strings.TrimSpace(tail), func(t *testing.T) {
			adv5Refused(t, a, count, base64.RawURLEncoding.EncodeToString(append(raw[:len(raw):len(raw)], tail...)))
		})
	}
}

// TestAdv5TokenOneByteEdit changes one digit of the token's page, total
// or an anchor (the kind of edit a cut-and-paste or a typo makes): the
// token was not issued by this adapter.
//
// Broken: every such edit is accepted, and the listing resumes at another
// page or with anchors that never existed (requests sent).
// Cause: alibaba/lister.go:288-320: the token is plain JSON with no
// checksum (valid checks only ranges, version and the filter hash),
// unlike Huawei's h2 token (huawei/lister.go tokenSum), whose doc says
// "an edited or cut token is refused".
func TestAdv5TokenOneByteEdit(t *testing.T) {
	t.Parallel()
	for _, instances := range []bool{false, true} {
		name := "orders"
		if instances {
			name = "instances"
		}
		t.Run(name, func(t *testing.T) {
			a, count, tok := adv5FirstToken(t, instances)
			raw, _ := base64.RawURLEncoding.DecodeString(tok)
			body := string(raw)
			edited := 0
			for _, key := range []string{`"p":`, `"n":`, `"a":[`} {
				i := strings.Index(body, key)
				if i < 0 {
					continue
				}
				j := i + len(key)
				d := body[j]
				if d < '0' || d > '9' {
					continue
				}
				nd := byte('0' + (d-'0'+1)%10)
				if nd == '0' {
					nd = '2'
				}
				e := body[:j] + string(nd) + body[j+1:]
				edited++
				t.Run(key, func(t *testing.T) {
					adv5Refused(t, a, count, base64.RawURLEncoding.EncodeToString([]byte(e)))
				})
			}
			if edited == 0 {
				t.Fatalf("nothing to edit in %s", body)
			}
		})
	}
}

// TestAdv5TokenForeign: Huawei's h2 token, base64 garbage, padded or
// standard base64, an oversize token and JSON that is not a token are
// refused before sending. (Held up.)
func TestAdv5TokenForeign(t *testing.T) {
	t.Parallel()
	a, count, _ := adv5FirstToken(t, false)
	h2 := base64.RawURLEncoding.EncodeToString([]byte("h2.44.scs1481110651012.1700000000000.1.abc.def"))
	for name, tok := range map[string]string{
		"huawei h2":      h2,
		"garbage":        "%%%%",
		"padded":         base64.URLEncoding.EncodeToString([]byte(`{"v":2}`)),
		"oversize":       base64.RawURLEncoding.EncodeToString([]byte(`{"v":2,"a":[` + strings.Repeat("1,", 200000) + `1]}`)),
		"json null":      base64.RawURLEncoding.EncodeToString([]byte(`null`)),
		"json array":     base64.RawURLEncoding.EncodeToString([]byte(`[]`)),
		"empty object":   base64.RawURLEncoding.EncodeToString([]byte(`{}`)),
		"standard b64":   base64.StdEncoding.EncodeToString([]byte(`{"v":2}`)),
		"whitespace tok": " ",
	} {
		t.Run(name, func(t *testing.T) { adv5Refused(t, a, count, tok) })
	}
}
