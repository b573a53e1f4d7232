// Package endpoint checks the endpoint overrides that certbroker's adapters
// and configuration accept: https anywhere, plain http only on loopback
// hosts, so credentials and signed requests never cross a network in the
// clear. One rule, used by every adapter and by the CLI's configuration.
package endpoint

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// Endpoint is a checked endpoint: scheme "https" or "http" (loopback
// only) and host[:port].
type Endpoint struct {
	Scheme string
	Host   string
}

// String returns "scheme://host[:port]".
func (e Endpoint) String() string { return e.Scheme + "://" + e.Host }

// Parse accepts "https://host[:port]" and, for loopback hosts only,
// "http://host[:port]"; a single trailing slash is allowed. It refuses any
// other scheme, user info, a path, a query, a fragment and a bad port. Its
// errors never repeat user info, which could be a credential.
func Parse(raw string) (Endpoint, error) {
	bad := func(why string) (Endpoint, error) {
		return Endpoint{}, fmt.Errorf("invalid endpoint %q: %s", Display(raw), why)
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Opaque != "":
		return bad("want https://host[:port]")
	case u.User != nil:
		return bad("user info is not allowed")
	case u.Host == "" || u.Hostname() == "":
		return bad("no host; want https://host[:port]")
	case (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return bad("only scheme://host[:port] is allowed, with no path, query or fragment")
	case u.Port() != "" && !validPort(u.Port()):
		return bad("bad port")
	}
	switch scheme := strings.ToLower(u.Scheme); scheme {
	case "https":
		return Endpoint{Scheme: scheme, Host: u.Host}, nil
	case "http":
		if !IsLoopback(u.Hostname()) {
			return Endpoint{}, fmt.Errorf("refusing plain http endpoint %q: http is allowed only on loopback hosts "+
				"(127.0.0.0/8, ::1, localhost); use https", Display(raw))
		}
		return Endpoint{Scheme: scheme, Host: u.Host}, nil
	}
	return bad("scheme must be https (or http on loopback)")
}

// errEmpty is returned by [Check] for an empty endpoint.
var errEmpty = errors.New("empty endpoint")

// Check is [Parse] for callers that need only the verdict.
func Check(raw string) error {
	if raw == "" {
		return errEmpty
	}
	_, err := Parse(raw)
	return err
}

// IsLoopback reports whether host (without port or brackets) names the
// local machine: localhost, 127.0.0.0/8 or ::1.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Display renders an endpoint for messages and logs: user info removed,
// at most 200 bytes.
func Display(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		u.User = nil
		raw = u.String()
	} else if strings.Contains(raw, "@") {
		return "[endpoint with user info]"
	}
	if len(raw) > 200 {
		return raw[:200] + "…"
	}
	return raw
}

func validPort(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && len(s) <= 5 && n > 0 && n <= 65535 && strings.Trim(s, "0123456789") == ""
}
