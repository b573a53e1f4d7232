package alibabatest

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/certbroker/certbroker/provider"
)

// clientSign signs params the way the RPC V1 documentation describes
// (help.aliyun.com, "Signature mechanism" of the RPC APIs: every request
// parameter but Signature, sorted, percent-encoded, joined, then
// HMAC-SHA1 with the secret and "&"). It is written independently of the
// emulator's verifier, using the SDK's own encoding trick
// (url.QueryEscape, then + to %20, * to %2A, %7E to ~).
func clientSign(method string, params url.Values, secret string) string {
	enc := func(s string) string {
		return strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~").Replace(url.QueryEscape(s))
	}
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range params {
			if k != "Signature" && !yield(k) {
				return
			}
		}
	})
	pairs := make([]string, len(keys))
	for i, k := range keys {
		pairs[i] = enc(k) + "=" + enc(params.Get(k))
	}
	sts := method + "&" + enc("/") + "&" + enc(strings.Join(pairs, "&"))
	m := hmac.New(sha1.New, []byte(secret+"&"))
	m.Write([]byte(sts))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// TestEveryParameterMustBeSigned re-signs a request the SDK built, with
// the right secret, but leaving one parameter out of the signature while
// still sending it (in the query or in the form body), or appending one
// after signing. The documented signature covers every request parameter
// but Signature, so each must be refused with SignatureDoesNotMatch
// before anything is applied; the control, signed over everything, is
// accepted.
func TestEveryParameterMustBeSigned(t *testing.T) {
	t.Parallel()
	probe := newServer(t)
	base, _ := url.Parse(signedRequest(t, probe, "1"))
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range base.Query() {
			if k != "Signature" && !yield(k) {
				return
			}
		}
	})
	if len(names) < 10 || !slices.Contains(names, "OrderId") || !slices.Contains(names, "SignatureType") {
		t.Fatalf("the SDK request carries %v; want the common parameters and OrderId", names)
	}
	type variant struct {
		name     string
		unsigned string // the parameter left out of the signature ("" for none)
		inBody   bool   // send the unsigned parameter in the form body
		appended bool   // add a parameter after signing
	}
	variants := []variant{{name: "control"}, {name: "appended after signing", appended: true}}
	for _, n := range names {
		variants = append(variants, variant{name: n + " unsigned", unsigned: n},
			variant{name: n + " unsigned in body", unsigned: n, inBody: true})
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t)
			id := s.Seed(provider.StateUnderReview)
			u, _ := url.Parse(signedRequest(t, s, id)) // a fresh nonce
			q := u.Query()
			signed := url.Values{}
			for k, vs := range q {
				if k != "Signature" && k != v.unsigned {
					signed[k] = vs
				}
			}
			q.Set("Signature", clientSign("POST", signed, s.AccessKeySecret()))
			form := url.Values{}
			if v.inBody {
				form.Set(v.unsigned, q.Get(v.unsigned))
				q.Del(v.unsigned)
			}
			if v.appended {
				q.Set("ResourceGroupId", "rg-after-signing")
			}
			u.RawQuery = q.Encode()
			status, body := post(t, u.String(), form.Encode())
			wantStatus, wantCode := 400, codeSignatureDoesNotMatch
			if v.name == "control" {
				wantStatus, wantCode = 200, ""
			}
			if code, _ := body["Code"].(string); status != wantStatus || code != wantCode {
				t.Fatalf("HTTP %d %v, want %d %q", status, body, wantStatus, wantCode)
			}
			want := provider.StateUnderReview
			if v.name == "control" {
				want = provider.StateCancelled
			}
			if st, _ := s.State(id); st != want {
				t.Errorf("order is %v, want %v", st, want)
			}
		})
	}
}
