package alibaba

import (
	"bytes"
	"time"
)

// Status needs only the NotAfter of the leaf certificate and, to find the
// leaf, whether each certificate is a CA. x509.ParseCertificate decodes
// everything (names, key, every extension) and was most of the extra
// cost of an issued Status; the few fields needed are read here straight
// from the DER, allocating nothing. FuzzCertValidity checks the result
// against x509.ParseCertificate for every certificate the latter accepts.

// derElement splits one DER element off b: its tag, its contents and what
// follows. ok is false for anything malformed: a truncated element, a
// multi-byte tag, an indefinite or overlong length.
func derElement(b []byte) (tag byte, body, rest []byte, ok bool) {
	if len(b) < 2 || b[0]&0x1f == 0x1f {
		return 0, nil, nil, false
	}
	tag, n := b[0], int(b[1])
	b = b[2:]
	if n&0x80 != 0 {
		size := n & 0x7f
		if size == 0 || size > 3 || len(b) < size {
			return 0, nil, nil, false
		}
		n = 0
		for _, c := range b[:size] {
			n = n<<8 | int(c)
		}
		b = b[size:]
	}
	if n > len(b) {
		return 0, nil, nil, false
	}
	return tag, b[:n], b[n:], true
}

// DER tags used below.
const (
	tagBoolean         = 0x01
	tagInteger         = 0x02
	tagOctetString     = 0x04
	tagOID             = 0x06
	tagUTCTime         = 0x17
	tagGeneralizedTime = 0x18
	tagSequence        = 0x30
	tagVersion         = 0xa0 // [0] EXPLICIT
	tagIssuerUID       = 0x81 // [1] IMPLICIT
	tagSubjectUID      = 0x82 // [2] IMPLICIT
	tagExtensions      = 0xa3 // [3] EXPLICIT
)

// oidBasicConstraints is 2.5.29.19, encoded.
var oidBasicConstraints = []byte{0x55, 0x1d, 0x13}

// certValidity reads a DER certificate's NotAfter and whether its basic
// constraints mark it a CA (RFC 5280, 4.1 and 4.2.1.9). ok is false when
// the structure up to the extensions is not what RFC 5280 prescribes.
func certValidity(der []byte) (notAfter time.Time, isCA, ok bool) {
	next := func(b []byte, want byte) (body, rest []byte, ok bool) {
		tag, body, rest, ok := derElement(b)
		return body, rest, ok && tag == want
	}
	cert, _, ok := next(der, tagSequence)
	if !ok {
		return
	}
	tbs, _, ok := next(cert, tagSequence)
	if !ok {
		return
	}
	if len(tbs) > 0 && tbs[0] == tagVersion {
		if _, tbs, ok = next(tbs, tagVersion); !ok {
			return
		}
	}
	// serialNumber, signature, issuer
	for _, want := range []byte{tagInteger, tagSequence, tagSequence} {
		if _, tbs, ok = next(tbs, want); !ok {
			return
		}
	}
	validity, tbs, ok := next(tbs, tagSequence)
	if !ok {
		return
	}
	var t time.Time
	for i := range 2 { // notBefore, then notAfter
		var tag byte
		var v []byte
		if tag, v, validity, ok = derElement(validity); !ok {
			return
		}
		if t, ok = derTime(tag, v); !ok {
			return
		}
		if i == 1 {
			notAfter = t
		}
	}
	// subject, subjectPublicKeyInfo
	for _, want := range []byte{tagSequence, tagSequence} {
		if _, tbs, ok = next(tbs, want); !ok {
			return time.Time{}, false, false
		}
	}
	for len(tbs) > 0 {
		tag, body, rest, ok := derElement(tbs)
		if !ok {
			return time.Time{}, false, false
		}
		tbs = rest
		if tag == tagIssuerUID || tag == tagSubjectUID {
			continue
		}
		if tag != tagExtensions {
			return time.Time{}, false, false
		}
		isCA, ok = basicConstraintsCA(body)
		if !ok {
			return time.Time{}, false, false
		}
	}
	return notAfter, isCA, true
}

// basicConstraintsCA scans the extensions for basicConstraints and
// returns its cA flag (false when absent).
func basicConstraintsCA(ext []byte) (isCA, ok bool) {
	list, _, ok := derSeq(ext)
	if !ok {
		return false, false
	}
	for len(list) > 0 {
		var e []byte
		if e, list, ok = derSeq(list); !ok {
			return false, false
		}
		tag, oid, e, ok := derElement(e)
		if !ok || tag != tagOID {
			return false, false
		}
		if len(e) > 0 && e[0] == tagBoolean { // critical
			if _, _, e, ok = derElement(e); !ok {
				return false, false
			}
		}
		tag, value, _, ok := derElement(e)
		if !ok || tag != tagOctetString {
			return false, false
		}
		if !bytes.Equal(oid, oidBasicConstraints) {
			continue
		}
		bc, _, ok := derSeq(value)
		if !ok {
			return false, false
		}
		if len(bc) == 0 || bc[0] != tagBoolean {
			return false, true // cA defaults to FALSE
		}
		_, flag, _, ok := derElement(bc)
		return ok && len(flag) == 1 && flag[0] != 0, ok && len(flag) == 1
	}
	return false, true
}

func derSeq(b []byte) (body, rest []byte, ok bool) {
	tag, body, rest, ok := derElement(b)
	return body, rest, ok && tag == tagSequence
}

// derTime parses a UTCTime (YYMMDDHHMMSSZ; years 50-99 are 19xx) or a
// GeneralizedTime (YYYYMMDDHHMMSSZ), the two forms RFC 5280 allows.
func derTime(tag byte, v []byte) (time.Time, bool) {
	var year int
	switch {
	case tag == tagUTCTime && len(v) == 13:
		y, ok := digits(v[:2])
		if !ok {
			return time.Time{}, false
		}
		year, v = 1900+y, v[2:]
		if y < 50 {
			year += 100
		}
	case tag == tagGeneralizedTime && len(v) == 15:
		y, ok := digits(v[:4])
		if !ok {
			return time.Time{}, false
		}
		year, v = y, v[4:]
	default:
		return time.Time{}, false
	}
	if v[10] != 'Z' {
		return time.Time{}, false
	}
	var f [5]int // month, day, hour, minute, second
	for i := range f {
		n, ok := digits(v[2*i : 2*i+2])
		if !ok {
			return time.Time{}, false
		}
		f[i] = n
	}
	t := time.Date(year, time.Month(f[0]), f[1], f[2], f[3], f[4], 0, time.UTC)
	// time.Date normalises out-of-range fields; a real date round-trips.
	if t.Year() != year || int(t.Month()) != f[0] || t.Day() != f[1] || t.Hour() != f[2] ||
		t.Minute() != f[3] || t.Second() != f[4] {
		return time.Time{}, false
	}
	return t, true
}

// digits parses ASCII decimal digits.
func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
