package alibaba

import (
	"github.com/certbroker/certbroker/internal/adapterkit"
	"net/url"
	"strings"
)

// redactor removes the adapter's secrets from text that may reach an error
// or a log: the AccessKey secret and the STS token, raw and in the
// percent-encoded forms they take in a query string and in a string to
// sign. It also drops the "server string to sign" that Alibaba echoes in
// SignatureDoesNotMatch messages, since that string carries the
// SecurityToken of STS credentials.
type redactor struct {
	secrets []string
}

// stringToSignMarker introduces the server's string to sign in
// SignatureDoesNotMatch and IncompleteSignature messages.
const stringToSignMarker = "server string to sign is:"

func newRedactor(cfg Config) redactor {
	var r redactor
	for _, s := range []string{cfg.AccessKeySecret, cfg.SecurityToken} {
		if s == "" {
			continue
		}
		once := url.QueryEscape(s)
		twice := url.QueryEscape(strings.ReplaceAll(once, "+", "%20"))
		for _, v := range []string{s, once, url.PathEscape(s), twice} {
			if !contains(r.secrets, v) {
				r.secrets = append(r.secrets, v)
			}
		}
	}
	return r
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// String keeps the secrets out of %v of an Adapter value.
func (r redactor) String() string { return "redactor" }

// GoString keeps the secrets out of %#v of an Adapter value.
func (r redactor) GoString() string { return "redactor" }

// clean returns s with every secret replaced, any echoed string to sign
// cut off, and line breaks folded so that the result fits on one line.
func (r redactor) clean(s string) string {
	if i := strings.Index(s, stringToSignMarker); i >= 0 {
		s = s[:i+len(stringToSignMarker)] + " " + adapterkit.Redacted
	}
	for _, v := range r.secrets {
		s = strings.ReplaceAll(s, v, adapterkit.Redacted)
	}
	s = adapterkit.ScrubSignatures(s)
	return strings.Join(strings.Fields(s), " ")
}

// leaks reports whether s contains a secret or an echoed string to sign.
func (r redactor) leaks(s string) bool {
	if strings.Contains(s, stringToSignMarker) || adapterkit.ScrubSignatures(s) != s {
		return true
	}
	for _, v := range r.secrets {
		if strings.Contains(s, v) {
			return true
		}
	}
	return false
}

// redactURL keeps the scheme, host, path and Action of a request URL and
// drops the rest of the query, which carries the AccessKeyId, the
// Signature and, with STS credentials, the SecurityToken.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "[URL redacted]"
	}
	q := url.Values{}
	if action := u.Query().Get("Action"); action != "" {
		q.Set("Action", action)
	}
	u.User = nil
	u.RawQuery = q.Encode()
	u.Fragment = ""
	return u.String()
}
