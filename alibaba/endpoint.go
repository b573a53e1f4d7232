package alibaba

import "github.com/certbroker/certbroker/internal/endpoint"

// parseEndpoint validates [Config.Endpoint] with the rule every adapter
// shares (https, or plain http on loopback only). An empty endpoint leaves
// the host to the SDK's endpoint resolution, over https: the SDK's own
// default scheme is plain http.
func parseEndpoint(raw string) (endpoint.Endpoint, error) {
	if raw == "" {
		return endpoint.Endpoint{Scheme: "https"}, nil
	}
	return endpoint.Parse(raw)
}

// displayEndpoint renders an endpoint for messages with any user info
// removed.
func displayEndpoint(raw string) string { return endpoint.Display(raw) }
