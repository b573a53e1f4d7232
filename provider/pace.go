package provider

import "context"

// Pacer paces the HTTP requests a provider sends. Clouds publish their
// quotas per request and per API (Alibaba CAS: 10 DescribeCertificateState
// requests a second; Huawei's gateway: 200 a second per API), so an
// operation that sends several requests must draw one token for each.
//
// A caller that paces (the broker) puts its Pacer into the context of each
// call with [WithPacer]. A provider that declares [Capabilities.Paced]
// calls [Pace] with the API's name before every request it sends, after
// every check that could refuse the request without sending it, so that
// refused input spends nothing.
type Pacer interface {
	// Wait blocks until one request to the cloud API named api may be
	// sent. It returns ctx's error, having spent nothing, when ctx ends
	// first.
	Wait(ctx context.Context, api string) error
}

type pacerKey struct{}

// WithPacer returns a context that carries p; [Pace] calls it.
func WithPacer(ctx context.Context, p Pacer) context.Context {
	return context.WithValue(ctx, pacerKey{}, p)
}

// Pace waits for the Pacer in ctx, if any, to admit one request to api.
// Without a Pacer it returns at once, nil, unless ctx has ended. A
// provider calls it before each request; an error means the request must
// not be sent (the error is ctx's).
func Pace(ctx context.Context, api string) error {
	if p, ok := ctx.Value(pacerKey{}).(Pacer); ok && p != nil {
		return p.Wait(ctx, api)
	}
	return ctx.Err()
}
