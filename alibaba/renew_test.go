package alibaba

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/provider"
)

func makeCSR(t *testing.T, key crypto.Signer, pemType string) string {
	t.Helper()
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject: pkix.Name{CommonName: "www.example.com"}}, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: pemType, Bytes: der}))
}

func TestRenewSendsCSRAndTags(t *testing.T) {
	t.Parallel()
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	rsa2048, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tags := []provider.Tag{{Key: "team", Value: "pki"}, {Key: "empty"}, {Key: "unicode-键", Value: "值 with spaces & symbols=+/"}}
	for _, tc := range []struct {
		name string
		csr  string
		tags []provider.Tag
	}{
		{"nothing", "", nil},
		{"ecdsa_csr_and_tags", makeCSR(t, ec, "CERTIFICATE REQUEST"), tags},
		{"rsa2048_keytool_type", makeCSR(t, rsa2048, "NEW CERTIFICATE REQUEST"), nil},
		{"twenty_tags", "", twentyTags()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newEmulator(t)
			a := adapterFor(t, s)
			id := s.Seed(provider.StateExpiring)
			res, err := a.Renew(t.Context(), provider.RenewRequest{ID: id, CSR: tc.csr, Tags: tc.tags})
			if err != nil {
				t.Fatal(err)
			}
			rs := s.Renewals()
			if len(rs) != 1 || rs[0].From != id || rs[0].NewID != res.NewID {
				t.Fatalf("renewals = %+v, result %+v", rs, res)
			}
			if rs[0].CSR != tc.csr {
				t.Errorf("the emulator received CSR %q, want %q", rs[0].CSR, tc.csr)
			}
			var got []provider.Tag
			for _, tg := range rs[0].Tags {
				got = append(got, provider.Tag{Key: tg.Key, Value: tg.Value})
			}
			if !slices.Equal(got, tc.tags) {
				t.Errorf("the emulator received tags %v, want %v", got, tc.tags)
			}
			if o, _ := s.Order(res.NewID); o.RenewedFrom == 0 || o.Type != alibabatest.TypePayed {
				t.Errorf("new order %+v", o)
			}
		})
	}
}

func twentyTags() []provider.Tag {
	out := make([]provider.Tag, MaxTags)
	for i := range out {
		out[i] = provider.Tag{Key: "k" + itoa(i), Value: "v"}
	}
	return out
}

// TestRenewRefusesBadInput checks that bad CSRs and tags are refused
// before anything is sent.
func TestRenewRefusesBadInput(t *testing.T) {
	t.Parallel()
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	rsa1024, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	good := makeCSR(t, ec, "CERTIFICATE REQUEST")
	block, _ := pem.Decode([]byte(good))
	tampered := slices.Clone(block.Bytes)
	tampered[len(tampered)-5] ^= 0xff
	long := strings.Repeat("x", MaxTagKeyLen+1)
	for _, tc := range []struct {
		name string
		csr  string
		tags []provider.Tag
		want string
	}{
		{"not_pem", "MIIC1TCCAb0CAQAw", nil, "not PEM"},
		{"certificate_pem", strings.ReplaceAll(good, "CERTIFICATE REQUEST", "CERTIFICATE"), nil, `is "CERTIFICATE"`},
		{"trailing_data", good + "junk", nil, "data after"},
		{"two_blocks", good + good, nil, "data after"},
		{"bad_der", "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n", nil, "does not parse"},
		{"bad_signature", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: tampered})), nil, ""},
		{"rsa_1024", makeCSR(t, rsa1024, "CERTIFICATE REQUEST"), nil, "1024-bit RSA"},
		{"ed25519", makeCSR(t, ed, "CERTIFICATE REQUEST"), nil, "RSA or ECDSA"},
		{"huge", strings.Repeat("A", maxCSRBytes+1), nil, "bytes"},
		{"21_tags", "", append(twentyTags(), provider.Tag{Key: "one-more"}), "21 tags"},
		{"empty_key", "", []provider.Tag{{Value: "v"}}, "empty key"},
		{"long_key", "", []provider.Tag{{Key: long}}, "129 characters"},
		{"long_value", "", []provider.Tag{{Key: "k", Value: long}}, "129 characters"},
		{"aliyun_key", "", []provider.Tag{{Key: "aliyun:owner"}}, "reserved prefix"},
		{"acs_key", "", []provider.Tag{{Key: "ACS:x"}}, "reserved prefix"},
		{"aliyun_value", "", []provider.Tag{{Key: "k", Value: "aliyunx"}}, "reserved prefix"},
		{"url_key", "", []provider.Tag{{Key: "see https://x"}}, "http"},
		{"url_value", "", []provider.Tag{{Key: "k", Value: "http://x"}}, "http"},
		{"duplicate", "", []provider.Tag{{Key: "k"}, {Key: "k"}}, "duplicate"},
		{"control", "", []provider.Tag{{Key: "a\nb"}}, "control"},
		{"bad_utf8", "", []provider.Tag{{Key: "\xff"}}, "UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newEmulator(t)
			a := adapterFor(t, s)
			id := s.Seed(provider.StateExpiring)
			_, err := a.Renew(t.Context(), provider.RenewRequest{ID: id, CSR: tc.csr, Tags: tc.tags})
			if !errors.Is(err, provider.ErrInvalidArgument) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Renew = %v, want invalid_argument containing %q", err, tc.want)
			}
			checkProviderError(t, err, provider.OpRenew, id, "", 0)
			if n := s.RequestCount(); n != 0 {
				t.Errorf("the emulator received %d requests", n)
			}
		})
	}
}

func TestInvalidIDsSendNothing(t *testing.T) {
	t.Parallel()
	s := newEmulator(t)
	a := adapterFor(t, s)
	h := &harness{s: s, a: a}
	for _, id := range append(h.InvalidIDs(), "", "1/2", "1?Action=DeleteCertificateRequest", "1&OrderId=2", "%31", strings.Repeat("9", 300)) {
		for _, op := range provider.Ops() {
			_, err := callOp(t, a, op, id)
			var pe *provider.Error
			if !errors.As(err, &pe) || pe.Kind != provider.KindInvalidArgument || pe.Op != op {
				t.Errorf("%s(%q) = %v, want invalid_argument", op, id, err)
			}
		}
		if err := a.CheckID(id); !errors.Is(err, provider.ErrInvalidArgument) {
			t.Errorf("CheckID(%q) = %v", id, err)
		}
	}
	if n := s.RequestCount(); n != 0 {
		t.Errorf("the emulator received %d requests", n)
	}
	for _, id := range []string{"1", "123451222", "9223372036854775807"} {
		if err := a.CheckID(id); err != nil {
			t.Errorf("CheckID(%q) = %v", id, err)
		}
	}
}
