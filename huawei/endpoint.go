package huawei

import (
	"fmt"
	"strings"

	scmregion "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/scm/v3/region"

	"github.com/certbroker/certbroker/internal/endpoint"
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

// checkEndpoint applies the rule every adapter shares (https, or plain
// http on loopback only; no user info, path, query or fragment) and returns
// "scheme://host[:port]".
func checkEndpoint(raw string) (string, error) {
	e, err := endpoint.Parse(raw)
	if err != nil {
		return "", err
	}
	return e.String(), nil
}
