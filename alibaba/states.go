package alibaba

import (
	"crypto/x509"
	"encoding/pem"
	"strconv"
	"time"

	"github.com/certbroker/certbroker/provider"
)

// The documented values of DescribeCertificateState's Type.
const (
	typePayed        = "payed"
	typeDomainVerify = "domain_verify"
	typeProcess      = "process"
	typeVerifyFail   = "verify_fail"
	typeCertificate  = "certificate"
	typeUnknown      = "unknow" // sic
)

// ExpiringWindow is how close to its NotAfter an issued certificate counts
// as [provider.StateExpiring], the window in which Alibaba accepts a
// renewal.
const ExpiringWindow = 30 * 24 * time.Hour

// mapType maps a DescribeCertificateState Type, and for "certificate" the
// returned PEM chain, to a normalized state and the certificate's
// NotAfter. known is false for unknow and for any Type this adapter does
// not recognise: Status then asks ListUserCertificateOrder (see
// listStatus).
func (a *Adapter) mapType(typ, certPEM string) (st provider.State, notAfter time.Time, known bool) {
	switch typ {
	case typePayed:
		return provider.StatePendingApplication, time.Time{}, true
	case typeDomainVerify, typeProcess:
		return provider.StateUnderReview, time.Time{}, true
	case typeVerifyFail:
		return provider.StateReviewFailed, time.Time{}, true
	case typeCertificate:
		notAfter, ok := leafNotAfter(certPEM)
		if !ok {
			return provider.StateIssued, time.Time{}, true
		}
		return lifecycleState(notAfter, a.now()), notAfter, true
	}
	// typeUnknown, or a Type added after this adapter was written.
	return provider.StateUnknown, time.Time{}, false
}

// lifecycleState places an issued certificate on the clock: expired once
// past NotAfter, expiring within ExpiringWindow of it, issued before.
func lifecycleState(notAfter, now time.Time) provider.State {
	switch left := notAfter.Sub(now); {
	case left <= 0:
		return provider.StateExpired
	case left <= ExpiringWindow:
		return provider.StateExpiring
	}
	return provider.StateIssued
}

// leafNotAfter returns the NotAfter of the leaf of a PEM chain: the first
// certificate that is not a CA, or else the first certificate. Blocks
// that are not certificates are skipped. NotAfter and the CA flag are
// read straight from the DER (certValidity), without validating the rest
// of the certificate; a certificate in another form (times without
// seconds or with offsets, which x509 accepts) goes to
// x509.ParseCertificate, and one that does not parse there is skipped.
func leafNotAfter(chain string) (time.Time, bool) {
	rest := []byte(chain)
	var first time.Time
	found := false
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		notAfter, isCA, ok := certValidity(b.Bytes)
		if !ok {
			// Not the plain DER form: let x509 decide, at full cost.
			c, err := x509.ParseCertificate(b.Bytes)
			if err != nil {
				continue
			}
			notAfter, isCA = c.NotAfter, c.IsCA
		}
		if !isCA {
			return notAfter, true
		}
		if !found {
			first, found = notAfter, true
		}
	}
	return first, found
}

func formatOrderID(n int64) string { return strconv.FormatInt(n, 10) }
