package alibabatest

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
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/certbroker/certbroker/provider"
)

// makeCSR returns a PEM CSR for cn signed by key.
func makeCSR(t *testing.T, cn string, key crypto.Signer) string {
	t.Helper()
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: cn}}, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
}

func TestRenewCSRValidation(t *testing.T) {
	t.Parallel()
	rsa2048, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	rsa1024, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	good := makeCSR(t, "renewed.example.com", p256)
	block, _ := pem.Decode([]byte(good))
	block.Bytes[len(block.Bytes)-1] ^= 0xff // break the signature
	badSig := string(pem.EncodeToMemory(block))

	tests := []struct {
		name, csr, domain string // domain: of the new order when accepted
		ok                bool
	}{
		{"none", "", "", true},
		{"RSA 2048", makeCSR(t, "rsa.example.com", rsa2048), "rsa.example.com", true},
		{"ECDSA P-256", good, "renewed.example.com", true},
		{"RSA 1024", makeCSR(t, "small.example.com", rsa1024), "", false},
		{"Ed25519", makeCSR(t, "ed.example.com", edKey), "", false},
		{"not PEM", "-----BEGIN CSR----- a+b*c~d", "", false},
		{"certificate instead", strings.ReplaceAll(good, "CERTIFICATE REQUEST", "CERTIFICATE"), "", false},
		{"bad signature", badSig, "", false},
		{"two blocks", good + good, "", false},
	}
	s := newServer(t)
	c := newClient(t, s)
	for _, tt := range tests {
		src := s.Seed(provider.StateExpiring)
		resp, err := renew(c, src, tt.csr)
		if !tt.ok {
			serverError(t, err, http.StatusBadRequest, codeInvalidParameter)
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		n, _ := s.Order(itoaID(resp.OrderId))
		o, _ := s.Order(src)
		want := tt.domain
		if want == "" {
			want = o.Domain
		}
		if n.Domain != want || n.CSR != tt.csr {
			t.Errorf("%s: new order domain %q CSR set %v, want %q", tt.name, n.Domain, n.CSR != "", want)
		}
	}
	if got, want := len(s.Renewals()), 3; got != want {
		t.Fatalf("%d renewals, want %d: refused CSRs must create nothing", got, want)
	}
}

func TestRenewTags(t *testing.T) {
	t.Parallel()
	many := make([]Tag, maxTags+1)
	for i := range many {
		many[i] = Tag{Key: "k" + itoaID(int64(i)), Value: "v"}
	}
	tests := []struct {
		name string
		tags []Tag
		ok   bool
	}{
		{"two", []Tag{{"env", "prod"}, {"team", ""}}, true},
		{"twenty", many[:maxTags], true},
		{"twenty-one", many, false},
		{"key starts with aliyun", []Tag{{"aliyun-x", "v"}}, false},
		{"key starts with acs:", []Tag{{"acs:x", "v"}}, false},
		{"key has a URL", []Tag{{"see http://x", "v"}}, false},
		{"value has a URL", []Tag{{"k", "https://x"}}, false},
		{"value starts with aliyun", []Tag{{"k", "aliyun"}}, false},
		{"key too long", []Tag{{strings.Repeat("k", 129), "v"}}, false},
		{"key of 128", []Tag{{strings.Repeat("k", 128), "v"}}, true},
		{"repeated key", []Tag{{"k", "1"}, {"k", "2"}}, false},
	}
	s := newServer(t)
	c := newClient(t, s)
	for _, tt := range tests {
		src := s.Seed(provider.StateExpiring)
		resp, err := renew(c, src, "", tt.tags...)
		if !tt.ok {
			if err == nil {
				t.Errorf("%s: accepted", tt.name)
				continue
			}
			serverError(t, err, http.StatusBadRequest, codeInvalidParameter)
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		n, _ := s.Order(itoaID(resp.OrderId))
		if !slices.Equal(n.Tags, tt.tags) {
			t.Errorf("%s: new order tags %v, want %v", tt.name, n.Tags, tt.tags)
		}
	}
}

func TestParseTagsShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		p    map[string]string
		want []Tag
		ok   bool
	}{
		{"none", map[string]string{"OrderId": "1"}, nil, true},
		{"ordered by N", map[string]string{"Tags.2.Key": "b", "Tags.1.Key": "a", "Tags.10.Key": "c"}, []Tag{{"a", ""}, {"b", ""}, {"c", ""}}, true},
		{"value without key", map[string]string{"Tags.1.Value": "v"}, nil, false},
		{"zero index", map[string]string{"Tags.0.Key": "k"}, nil, false},
		{"leading zero", map[string]string{"Tags.01.Key": "k"}, nil, false},
		{"unknown field", map[string]string{"Tags.1.Name": "k"}, nil, false},
		{"no field", map[string]string{"Tags.1": "k"}, nil, false},
		{"index 21", map[string]string{"Tags.21.Key": "k"}, nil, false},
	}
	for _, tt := range tests {
		got, err := parseTags(tt.p)
		if (err == nil) != tt.ok || !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, %v; want %v ok=%v", tt.name, got, err, tt.want, tt.ok)
		}
	}
}
