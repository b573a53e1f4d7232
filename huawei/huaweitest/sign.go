package huaweitest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

const (
	signAlgorithm = "SDK-HMAC-SHA256"
	dateLayout    = "20060102T150405Z"
	// maxSkew is how far X-Sdk-Date may be from the emulator's clock.
	maxSkew = 15 * time.Minute
	// lockAfter consecutive authentication failures of one AK lock it
	// for lockFor (API signing guide FAQ: "more than five consecutive
	// times ... locked for 5 minutes").
	lockAfter = 5
	lockFor   = 5 * time.Minute
)

// lockout counts one access key's consecutive authentication failures.
type lockout struct {
	failures    int
	lockedUntil time.Time
}

// checkLock refuses ak while it is locked.
func (s *Server) checkLock(ak string, now time.Time) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l := s.locks[ak]; l != nil && now.Before(l.lockedUntil) {
		return errLocked()
	}
	return nil
}

// noteAuth records the outcome of authenticating a request signed by a
// known ak: a success clears the count; the failure after lockAfter
// failures in a row locks the key for lockFor.
func (s *Server) noteAuth(ak string, ok bool, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ok {
		delete(s.locks, ak)
		return
	}
	l := s.locks[ak]
	if l == nil {
		l = &lockout{}
		s.locks[ak] = l
	}
	if !now.Before(l.lockedUntil) && !l.lockedUntil.IsZero() {
		*l = lockout{} // the previous lock has run out
	}
	l.failures++
	if l.failures > lockAfter {
		l.lockedUntil = now.Add(lockFor)
		l.failures = 0
	}
}

// requiredSigned checks that the headers the gateway insists on are among
// those signed: x-sdk-date always (API signing guide: "only X-Sdk-Date is
// required"), and x-project-id whenever the request carries one, so that
// an unsigned project header cannot redirect a signed request [unverified:
// the emulator's own rule; every SDK request signs it]. host is not
// required: the SDK never signs it (core/auth/signer adds no Host header).
func requiredSigned(r *http.Request, signed []string) string {
	has := func(name string) bool {
		for _, h := range signed {
			if h == name {
				return true
			}
		}
		return false
	}
	if !has("x-sdk-date") {
		return "x-sdk-date is not among the signed headers"
	}
	if _, sent := r.Header["X-Project-Id"]; sent && !has("x-project-id") {
		return "x-project-id is sent but not signed"
	}
	return ""
}

// authenticate verifies the request's SDK-HMAC-SHA256 signature and
// returns the access key ID that signed it. The Authorization header must
// be "SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<h1;h2;…>,
// Signature=<hex>". The canonical request is built from the method, the
// path with every segment escaped (A-Z a-z 0-9 _ - ~ . kept, everything
// else %XX) and a trailing "/" added, the query sorted by key and value and
// escaped the same way, the headers named in SignedHeaders ("name:trimmed
// value" lines; "host" is the request's Host), the SignedHeaders list, and
// the hex SHA-256 of the raw body (including the newline the SDK's JSON
// encoder appends), or UNSIGNED-PAYLOAD when the X-Sdk-Content-Sha256
// header says so; any other value of that header must be the body's hash
// (the signature of a different body never verifies). The
// string to sign is "SDK-HMAC-SHA256\n<X-Sdk-Date>\n<hex SHA-256 of the
// canonical request>", signed with HMAC-SHA256 keyed by the SK and
// compared in constant time. SignedHeaders must include x-sdk-date ("only
// X-Sdk-Date is required": API signing guide, "Are Request Header
// Parameters Required for Signing Requests?") and, when the request
// carries X-Project-Id, x-project-id [unverified: the emulator's own rule,
// which every SDK request meets]. host is not required: the SDK signs
// user-agent, x-project-id and x-sdk-date and never a Host header.
// Temporary credentials (X-Security-Token) and the other SDK algorithms
// are not supported.
func (s *Server) authenticate(r *http.Request, body []byte, now time.Time) (string, *apiError) {
	alg, rest, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if alg == "" {
		return "", errAuth("missing Authorization header")
	}
	if alg != signAlgorithm {
		return "", errAuth("unsupported signing algorithm")
	}
	params := parseAuthParams(rest)
	ak, signedList, sig := params["Access"], params["SignedHeaders"], params["Signature"]
	if ak == "" || signedList == "" || sig == "" {
		return "", errAuth("malformed Authorization header")
	}
	sk, ok := s.secretOf(ak)
	if !ok {
		return "", errAuth("the access key does not exist")
	}
	if e := s.checkLock(ak, now); e != nil {
		return "", e
	}
	e := s.verify(r, body, now, sk, signedList, sig)
	s.noteAuth(ak, e == nil, now)
	if e != nil {
		return "", e
	}
	return ak, nil
}

// verify checks the date, the signed-header list and the signature of a
// request signed with secret sk.
func (s *Server) verify(r *http.Request, body []byte, now time.Time, sk, signedList, sig string) *apiError {
	t, err := time.Parse(dateLayout, r.Header.Get("X-Sdk-Date"))
	if err != nil {
		return errAuth("missing or malformed X-Sdk-Date")
	}
	if d := now.Sub(t); d > maxSkew || d < -maxSkew {
		return errClockSkew()
	}
	signed := strings.Split(signedList, ";")
	if why := requiredSigned(r, signed); why != "" {
		return errAuth(why)
	}
	cr := canonicalRequest(r, signed, body)
	sts := signAlgorithm + "\n" + t.UTC().Format(dateLayout) + "\n" + hexSHA256([]byte(cr))
	mac := hmac.New(sha256.New, []byte(sk))
	mac.Write([]byte(sts))
	got, err := hex.DecodeString(sig)
	if err != nil || !hmac.Equal(mac.Sum(nil), got) {
		return errAuth("verify aksk signature fail")
	}
	return nil
}

// parseAuthParams splits "Access=a, SignedHeaders=b;c, Signature=d".
func parseAuthParams(s string) map[string]string {
	m := make(map[string]string, 3)
	for part := range strings.SplitSeq(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok {
			m[k] = strings.TrimSpace(v)
		}
	}
	return m
}

// canonicalRequest rebuilds what the SDK signed (core/auth/signer/signer.go).
func canonicalRequest(r *http.Request, signed []string, body []byte) string {
	// The body's own hash, unless the client declared it unsigned: an
	// X-Sdk-Content-Sha256 that is not the body's hash signs a body that
	// was not sent, and must not verify.
	payload := hexSHA256(body)
	if r.Header.Get("X-Sdk-Content-Sha256") == "UNSIGNED-PAYLOAD" {
		payload = "UNSIGNED-PAYLOAD"
	}
	return strings.Join([]string{
		r.Method,
		canonicalURI(r.URL.Path),
		canonicalQuery(r.URL.RawQuery),
		canonicalHeaders(r, signed),
		strings.Join(signed, ";"),
		payload,
	}, "\n")
}

// canonicalURI escapes each path segment and ends the path with "/".
func canonicalURI(path string) string {
	segs := strings.Split(path, "/")
	for i, seg := range segs {
		segs[i] = escape(seg)
	}
	p := strings.Join(segs, "/")
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}

// canonicalQuery sorts the decoded query by key, then value, and escapes
// both. An unparsable query yields a string no client signed.
func canonicalQuery(raw string) string {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return "\x00invalid query"
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var pairs []string
	for _, k := range keys {
		vs := append([]string(nil), q[k]...)
		sort.Strings(vs)
		for _, v := range vs {
			pairs = append(pairs, escape(k)+"="+escape(v))
		}
	}
	return strings.Join(pairs, "&")
}

// canonicalHeaders writes "name:value\n" for every value of every signed
// header, in the order given; "host" is the request's Host. A signed header
// the request lacks contributes nothing, as in the SDK.
func canonicalHeaders(r *http.Request, signed []string) string {
	var b strings.Builder
	for _, name := range signed {
		var vals []string
		if strings.EqualFold(name, "host") {
			vals = []string{r.Host}
		} else {
			vals = append(vals, r.Header.Values(name)...)
		}
		sort.Strings(vals)
		for _, v := range vals {
			b.WriteString(name)
			b.WriteByte(':')
			b.WriteString(strings.TrimSpace(v))
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func hexSHA256(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// escape percent-encodes every byte but A-Z a-z 0-9 _ - ~ . with upper-case
// hex.
func escape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '~' || c == '.' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}
