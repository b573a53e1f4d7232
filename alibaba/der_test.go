package alibaba

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"testing"
	"time"
)

// testCert makes a DER certificate valid until notAfter, a CA or not,
// self-signed or signed by parent.
func testCert(t testing.TB, notAfter time.Time, ca bool, withExt bool) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(42), Subject: pkix.Name{CommonName: "www.example.com"},
		NotBefore: notAfter.Add(-24 * time.Hour), NotAfter: notAfter,
		DNSNames: []string{"www.example.com"}, KeyUsage: x509.KeyUsageDigitalSignature,
	}
	if withExt {
		tmpl.BasicConstraintsValid, tmpl.IsCA = true, ca
		if ca {
			tmpl.KeyUsage |= x509.KeyUsageCertSign
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// referenceLeafNotAfter is leafNotAfter written with x509.ParseCertificate
// alone, as it was before certValidity.
func referenceLeafNotAfter(chain string) (time.Time, bool) {
	rest := []byte(chain)
	var first *x509.Certificate
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			continue
		}
		if !c.IsCA {
			return c.NotAfter, true
		}
		if first == nil {
			first = c
		}
	}
	if first == nil {
		return time.Time{}, false
	}
	return first.NotAfter, true
}

func pemOf(ders ...[]byte) string {
	var s string
	for _, d := range ders {
		s += string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: d}))
	}
	return s
}

// TestLeafNotAfterAgreesWithX509 compares the cheap reader with the full
// parse on chains in both orders, UTCTime and GeneralizedTime (from 2050)
// validities, with and without basic constraints.
func TestLeafNotAfterAgreesWithX509(t *testing.T) {
	t.Parallel()
	soon := time.Now().Add(90 * 24 * time.Hour).Truncate(time.Second).UTC()
	late := time.Date(2051, 3, 4, 5, 6, 7, 0, time.UTC) // GeneralizedTime
	old := time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC)
	leaf, ca := testCert(t, soon, false, true), testCert(t, late, true, true)
	bare, oldLeaf := testCert(t, late, false, false), testCert(t, old, false, true)
	for _, tc := range []struct {
		name  string
		chain string
		want  time.Time
	}{
		{"leaf", pemOf(leaf), soon},
		{"leaf then CA", pemOf(leaf, ca), soon},
		{"CA then leaf", pemOf(ca, leaf), soon},
		{"CA only", pemOf(ca), late},
		{"no basic constraints, 2051", pemOf(bare), late},
		{"1999", pemOf(oldLeaf), old},
		{"garbage then leaf", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n" + pemOf(leaf), soon},
	} {
		got, ok := leafNotAfter(tc.chain)
		ref, refOK := referenceLeafNotAfter(tc.chain)
		if !ok || !got.Equal(tc.want) || ok != refOK || !got.Equal(ref) {
			t.Errorf("%s: %v %v, want %v (x509: %v %v)", tc.name, got, ok, tc.want, ref, refOK)
		}
	}
	for _, der := range [][]byte{leaf, ca, bare, oldLeaf} {
		c, _ := x509.ParseCertificate(der)
		if na, isCA, ok := certValidity(der); !ok || !na.Equal(c.NotAfter) || isCA != c.IsCA {
			t.Errorf("certValidity = %v %v %v, x509 %v %v", na, isCA, ok, c.NotAfter, c.IsCA)
		}
	}
}

// FuzzCertValidity: whenever x509.ParseCertificate accepts a DER
// certificate and certValidity reads it, they agree on NotAfter and the
// CA flag; and leafNotAfter agrees with the full-parse reference on any
// one-certificate chain.
func FuzzCertValidity(f *testing.F) {
	now := time.Now().Truncate(time.Second)
	for _, d := range [][]byte{
		testCert(f, now.Add(time.Hour), false, true), testCert(f, now.Add(time.Hour), true, true),
		testCert(f, time.Date(2060, 1, 1, 0, 0, 0, 0, time.UTC), false, false),
	} {
		f.Add(d)
	}
	f.Fuzz(func(t *testing.T, der []byte) {
		na, isCA, ok := certValidity(der)
		if c, err := x509.ParseCertificate(der); err == nil && ok && (!na.Equal(c.NotAfter) || isCA != c.IsCA) {
			t.Fatalf("certValidity = %v %v, x509 %v %v", na, isCA, c.NotAfter, c.IsCA)
		}
		chain := pemOf(der)
		got, gotOK := leafNotAfter(chain)
		ref, refOK := referenceLeafNotAfter(chain)
		if refOK && (!gotOK || !got.Equal(ref)) {
			t.Fatalf("leafNotAfter = %v %v, x509 %v %v", got, gotOK, ref, refOK)
		}
	})
}

// BenchmarkLeafNotAfter compares reading a one-certificate chain's
// NotAfter with the DER reader and with a full x509 parse.
func BenchmarkLeafNotAfter(b *testing.B) {
	chain := pemOf(testCert(b, time.Now().Add(time.Hour), false, true))
	for _, v := range []struct {
		name string
		read func(string) (time.Time, bool)
	}{{"der", leafNotAfter}, {"x509", referenceLeafNotAfter}} {
		b.Run(v.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := v.read(chain); !ok {
					b.Fatal("no NotAfter")
				}
			}
		})
	}
}
