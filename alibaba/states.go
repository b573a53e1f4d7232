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
// certificate that is not a CA, or else the first certificate.
func leafNotAfter(chain string) (time.Time, bool) {
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

func formatOrderID(n int64) string { return strconv.FormatInt(n, 10) }
