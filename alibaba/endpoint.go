package alibaba

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// endpoint is a parsed [Config.Endpoint]: the scheme for the SDK request
// ("https" or "http") and the host[:port] the SDK client is pinned to.
// An empty host leaves the choice to the SDK's endpoint resolution.
type endpoint struct {
	scheme string
	host   string
}

// parseEndpoint validates raw. Plain http is accepted only for loopback
// hosts, so credentials and signed requests never cross a network in the
// clear.
func parseEndpoint(raw string) (endpoint, error) {
	if raw == "" {
		return endpoint{scheme: "https"}, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return endpoint{}, fmt.Errorf("invalid endpoint %q: want https://host[:port]", displayEndpoint(raw))
	}
	if u.User != nil {
		return endpoint{}, fmt.Errorf("invalid endpoint %q: user info is not allowed", displayEndpoint(raw))
	}
	if u.Host == "" || u.Opaque != "" {
		return endpoint{}, fmt.Errorf("invalid endpoint %q: want https://host[:port]", displayEndpoint(raw))
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return endpoint{}, fmt.Errorf("invalid endpoint %q: no path, query or fragment allowed", displayEndpoint(raw))
	}
	host := u.Hostname()
	if host == "" {
		return endpoint{}, fmt.Errorf("invalid endpoint %q: no host", displayEndpoint(raw))
	}
	if port := u.Port(); port != "" && !isPort(port) {
		return endpoint{}, fmt.Errorf("invalid endpoint %q: bad port", displayEndpoint(raw))
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return endpoint{scheme: "https", host: u.Host}, nil
	case "http":
		if !isLoopback(host) {
			return endpoint{}, fmt.Errorf("refusing plain http endpoint %q: http is allowed only on loopback hosts (127.0.0.0/8, ::1, localhost); use https", displayEndpoint(raw))
		}
		return endpoint{scheme: "http", host: u.Host}, nil
	default:
		return endpoint{}, fmt.Errorf("invalid endpoint %q: scheme must be https (or http on loopback)", displayEndpoint(raw))
	}
}

func isPort(s string) bool {
	if len(s) == 0 || len(s) > 5 {
		return false
	}
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
		n = n*10 + int(c-'0')
	}
	return n > 0 && n <= 65535
}

// isLoopback reports whether host (without port or brackets) names the
// local machine: localhost, 127.0.0.0/8 or ::1.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// displayEndpoint renders an endpoint for messages with any user info
// removed.
func displayEndpoint(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		u.User = nil
		return truncate(u.String(), 200)
	}
	if strings.Contains(raw, "@") {
		return "[endpoint with user info]"
	}
	return truncate(raw, 200)
}
