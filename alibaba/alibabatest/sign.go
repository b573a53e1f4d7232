package alibabatest

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"sort"
	"strings"
	"time"
)

// aPIVersion is the only API version the emulator serves.
const aPIVersion = "2020-04-07"

// timestampLayout is the layout of the Timestamp parameter.
const timestampLayout = "2006-01-02T15:04:05Z"

// skewLimit is how far a request's Timestamp may be from the server clock,
// and how long a SignatureNonce stays used.
const skewLimit = 15 * time.Minute

// requiredParams are the common parameters every request must carry, in
// the order they are checked.
var requiredParams = []string{
	"Action", "Version", "AccessKeyId", "Signature", "SignatureMethod",
	"SignatureVersion", "SignatureNonce", "Timestamp",
}

// authenticate checks the common parameters and the signature of a request
// whose parameters are p, and records its nonce. With readParams before it
// (the first four rows), the checks run in this order, and the first
// failure answers:
//
//	HTTP method not GET/POST          400 UnsupportedHTTPMethod
//	path other than "/"               404 InvalidAction.NotFound
//	unparsable query or body          400 InvalidParameter
//	parameter given twice             400 InvalidParameter
//	missing Action, Version,          400 MissingParameter
//	  AccessKeyId, Signature,
//	  SignatureMethod, SignatureVersion,
//	  SignatureNonce or Timestamp
//	Version other than 2020-04-07     400 InvalidVersion
//	Action not emulated               404 InvalidAction.NotFound
//	Format other than JSON            400 InvalidParameter.Format
//	SignatureMethod not HMAC-SHA1     400 InvalidSignatureMethod
//	SignatureVersion not 1.0          400 InvalidParameter
//	Timestamp not yyyy-MM-ddTHH:mm:ssZ 400 InvalidTimeStamp.Format
//	Timestamp > 15 min from the clock 400 InvalidTimeStamp.Expired
//	AccessKeyId unknown               404 InvalidAccessKeyId.NotFound
//	signature mismatch                400 SignatureDoesNotMatch
//	SignatureNonce seen in 15 min     400 SignatureNonceUsed
//
// The signature is checked before the nonce is recorded, so a forged
// request cannot burn a legitimate client's nonce. The
// SignatureDoesNotMatch message ends in "server string to sign is:"
// followed by the server's string to sign, which the SDK compares with its
// own to tell a wrong secret from a signing bug (it then sets Recommend to
// "InvalidAccessKeySecret: …").
func (s *Server) authenticate(method string, p map[string]string, now time.Time) *apiError {
	for _, name := range requiredParams {
		if p[name] == "" {
			return errMissing(name)
		}
	}
	if p["Version"] != aPIVersion {
		return newError(http.StatusBadRequest, codeInvalidVersion, "Specified parameter Version is not valid.")
	}
	if _, ok := actions[p["Action"]]; !ok {
		return newError(http.StatusNotFound, codeInvalidAction, "Specified api is not found, please check your url and method.")
	}
	if f, ok := p["Format"]; ok && !strings.EqualFold(f, "JSON") {
		return newError(http.StatusBadRequest, codeInvalidFormat, "Specified parameter Format is not valid: this emulator answers JSON only.")
	}
	if p["SignatureMethod"] != "HMAC-SHA1" {
		return newError(http.StatusBadRequest, codeInvalidSignatureMethod, "Specified signature method is not valid.")
	}
	if p["SignatureVersion"] != "1.0" {
		return errInvalid("SignatureVersion", "only 1.0 is supported")
	}
	ts, err := time.Parse(timestampLayout, p["Timestamp"])
	if err != nil {
		return newError(http.StatusBadRequest, codeTimestampFormat, "Specified time stamp or date value is not well formatted.")
	}
	if d := now.Sub(ts); d > skewLimit || d < -skewLimit {
		return newError(http.StatusBadRequest, codeTimestampExpired, "Specified time stamp or date value is expired.")
	}
	secret, ok := s.cfg.keys[p["AccessKeyId"]]
	if !ok {
		return newError(http.StatusNotFound, codeAccessKeyNotFound, "Specified access key is not found.")
	}
	sts := stringToSign(method, p)
	if subtle.ConstantTimeCompare([]byte(sign(sts, secret)), []byte(p["Signature"])) != 1 {
		return newError(http.StatusBadRequest, codeSignatureDoesNotMatch,
			"Specified signature is not matched with our calculation. server string to sign is:%s", sts)
	}
	return s.useNonce(p["AccessKeyId"], p["SignatureNonce"], now)
}

// useNonce records a nonce, or fails if it was used within skewLimit.
func (s *Server) useNonce(keyID, nonce string, now time.Time) *apiError {
	k := keyID + "\n" + nonce
	s.mu.Lock()
	defer s.mu.Unlock()
	if at, seen := s.nonces[k]; seen && now.Sub(at) < skewLimit {
		return newError(http.StatusBadRequest, codeNonceUsed, "Specified signature nonce was used already.")
	}
	s.nonces[k] = now
	if len(s.nonces) >= s.nonceSweep {
		for k, at := range s.nonces {
			if now.Sub(at) >= skewLimit {
				delete(s.nonces, k)
			}
		}
		s.nonceSweep = max(1024, 2*len(s.nonces))
	}
	return nil
}

// stringToSign builds the RPC V1 string to sign: the method, the encoded
// "/", and the encoded canonicalized query of every parameter but Signature.
// Every parameter received counts, query and body alike, as the RPC
// signature mechanism page documents (help.aliyun.com, "Signature
// mechanism": the canonicalized query string of the request parameters),
// so a parameter left out of the signature or added after signing is
// SignatureDoesNotMatch; the documentation also lists IncompleteSignature,
// which the emulator does not send [unverified: when the cloud prefers it].
// SecurityToken and BearerToken are signed like any other parameter but
// otherwise ignored.
func stringToSign(method string, p map[string]string) string {
	keys := make([]string, 0, len(p))
	for k := range p {
		if k != "Signature" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var cq strings.Builder
	for i, k := range keys {
		if i > 0 {
			cq.WriteByte('&')
		}
		cq.WriteString(percentEncode(k))
		cq.WriteByte('=')
		cq.WriteString(percentEncode(p[k]))
	}
	return method + "&%2F&" + percentEncode(cq.String())
}

// sign is base64(HMAC-SHA1(secret + "&", sts)).
func sign(sts, secret string) string {
	m := hmac.New(sha1.New, []byte(secret+"&"))
	m.Write([]byte(sts))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// percentEncode encodes s the RFC 3986 way: unreserved characters stay,
// every other byte becomes %XX with upper-case hex.
func percentEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
