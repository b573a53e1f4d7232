package alibaba

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/certbroker/certbroker/provider"
)

// TestCheckAgreesWithTheCall: for a table of bad requests of every
// operation, Check and the real call refuse with equal *provider.Error
// values (kind invalid_argument, same op, ID, message) and the call sends
// nothing; valid requests pass Check.
func TestCheckAgreesWithTheCall(t *testing.T) {
	t.Parallel()
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	rsa1024, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	good := makeCSR(t, ec, "CERTIFICATE REQUEST")
	const id = "123451222"
	var bad []provider.Request
	for _, badID := range []string{"", "0", "0123", "-5", "12a", " 1", "1 ", "1e3", "９", "99999999999999999999",
		"9223372036854775808", "1/../2", "1\n2"} {
		for _, op := range provider.Ops() {
			bad = append(bad, provider.NewRequest(op, badID, provider.RequestInputs{}))
		}
	}
	renew := func(csr string, tags ...provider.Tag) provider.Request {
		return provider.RenewRequest{ID: id, CSR: csr, Tags: tags}
	}
	bad = append(bad,
		renew("", append(twentyTags(), provider.Tag{Key: "k20"})...), // 21 tags
		renew("", provider.Tag{Value: "no key"}),
		renew("", provider.Tag{Key: strings.Repeat("k", MaxTagKeyLen+1)}),
		renew("", provider.Tag{Key: "k", Value: strings.Repeat("v", MaxTagValueLen+1)}),
		renew("", provider.Tag{Key: "aliyun-team"}),
		renew("", provider.Tag{Key: "acs:x"}),
		renew("", provider.Tag{Key: "k", Value: "see https://example.com"}),
		renew("", provider.Tag{Key: "k"}, provider.Tag{Key: "k"}),
		renew("", provider.Tag{Key: "tab\there"}),
		renew("not a CSR"),
		renew(good+"trailing"),
		renew(makeCSR(t, rsa1024, "CERTIFICATE REQUEST")),
		renew(strings.ReplaceAll(good, "CERTIFICATE REQUEST", "CERTIFICATE")),
		// The ID is checked first, as in the call.
		provider.RenewRequest{ID: "x", CSR: "not a CSR", Tags: append(twentyTags(), provider.Tag{Key: "k20"})},
	)
	s := newEmulator(t)
	a := adapterFor(t, s)
	for i, req := range bad {
		checkErr := a.Check(req)
		_, callErr := provider.Call(t.Context(), a, req)
		var ce, pe *provider.Error
		if !errors.As(checkErr, &ce) || !errors.As(callErr, &pe) {
			t.Errorf("#%d %s %q: Check = %v, call = %v; want two *provider.Error", i, req.Op(), req.TargetID(), checkErr, callErr)
			continue
		}
		if ce.Kind != provider.KindInvalidArgument || !reflect.DeepEqual(ce, pe) {
			t.Errorf("#%d %s %q: Check = %#v, call = %#v; want the same invalid_argument error", i, req.Op(), req.TargetID(), ce, pe)
		}
	}
	if n := s.RequestCount(); n != 0 {
		t.Errorf("the refused calls sent %d requests", n)
	}

	for _, req := range []provider.Request{
		provider.CancelRequest{ID: id}, provider.RevokeRequest{ID: id, Reason: "any"}, provider.DeleteRequest{ID: id},
		provider.StatusRequest{ID: "9223372036854775807"}, renew(""), renew(good, twentyTags()...),
		renew(makeCSR(t, ec, "NEW CERTIFICATE REQUEST"), provider.Tag{Key: "env", Value: ""}),
	} {
		if err := a.Check(req); err != nil {
			t.Errorf("Check(%#v) = %v, want nil", req, err)
		}
	}
	if err := a.Check(nil); !errors.Is(err, provider.ErrInvalidArgument) {
		t.Errorf("Check(nil) = %v, want invalid_argument", err)
	}
	if n := s.RequestCount(); n != 0 {
		t.Errorf("Check sent %d requests", n)
	}
}
