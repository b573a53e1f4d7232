package alibabatest

import (
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
)

// PrivateKeyPlaceholder is the PrivateKey DescribeCertificateState answers
// for issued orders. The cloud returns the order's real private key; the
// emulator returns this marker instead, a PEM block that is not a key, so
// tests can check that a client never logs or leaks the field.
const PrivateKeyPlaceholder = "-----BEGIN PRIVATE KEY-----\n" +
	"YWxpYmFiYXRlc3QgcGxhY2Vob2xkZXIsIG5vdCBhIGtleQ==\n" +
	"-----END PRIVATE KEY-----\n"

// certificate returns r's certificate as PEM, making it on first use:
// self-signed with the server's key (one ECDSA P-256 key per server), CN
// and SAN the order's domain, serial the order ID, validity the order's
// NotBefore and NotAfter. The caller holds s.mu.
func (s *Server) certificate(r *record) (string, error) {
	if r.certPEM != "" {
		return r.certPEM, nil
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(r.ID),
		Subject:               pkix.Name{CommonName: r.Domain, Organization: []string{"alibabatest emulator"}},
		NotBefore:             r.NotBefore,
		NotAfter:              r.NotAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
	}
	if ip := net.ParseIP(r.Domain); ip != nil {
		tmpl.IPAddresses = []net.IP{ip}
	} else if r.Domain != "" {
		tmpl.DNSNames = []string{r.Domain}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &s.certKey.PublicKey, s.certKey)
	if err != nil {
		return "", err
	}
	r.certPEM = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	return r.certPEM, nil
}
