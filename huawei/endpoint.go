package huawei

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	scmregion "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/scm/v3/region"
)

// resolveEndpoint returns the endpoint the adapter talks to: cfg.Endpoint
// when set, otherwise the first endpoint of cfg.Region in the SDK's SCM
// region table. Either way it is checked by checkEndpoint.
//
// The SDK's region values are shared package-level pointers, so the
// endpoint string is copied out and the region is never modified.
func resolveEndpoint(cfg Config) (string, error) {
	if cfg.Endpoint != "" {
		return checkEndpoint(cfg.Endpoint)
	}
	reg, err := scmregion.SafeValueOf(cfg.Region)
	if err != nil {
		return "", fmt.Errorf("region %q: %v", cfg.Region, err)
	}
	if reg == nil || len(reg.Endpoints) == 0 || reg.Endpoints[0] == "" {
		return "", fmt.Errorf("region %q has no SCM endpoint", cfg.Region)
	}
	ep := reg.Endpoints[0]
	if !strings.Contains(ep, "://") {
		ep = "https://" + ep
	}
	out, err := checkEndpoint(ep)
	if err != nil {
		return "", fmt.Errorf("region %q: %w", cfg.Region, err)
	}
	return out, nil
}

// checkEndpoint accepts "https://host[:port]" and, for loopback hosts only,
// "http://host[:port]"; a single trailing slash is dropped. Anything else
// (another scheme, plain http to a non-loopback host, user info, a path,
// a query or a fragment) is refused.
func checkEndpoint(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("endpoint %q is not a URL: %v", raw, err)
	}
	if u.Host == "" || u.Hostname() == "" {
		return "", fmt.Errorf("endpoint %q has no host; want https://host[:port]", raw)
	}
	if u.User != nil {
		return "", fmt.Errorf("endpoint %q: user info is not allowed", u.Redacted())
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return "", fmt.Errorf("endpoint %q: only scheme://host[:port] is allowed (the API paths are fixed)", raw)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return "", fmt.Errorf("endpoint %q: plain http is allowed only to a loopback host (127.0.0.0/8, ::1, localhost); use https", raw)
		}
	default:
		return "", fmt.Errorf("endpoint %q: scheme must be https (or http to a loopback host)", raw)
	}
	return strings.ToLower(u.Scheme) + "://" + u.Host, nil
}

// isLoopback reports whether host is localhost or a loopback IP.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
