package huawei

import (
	"log/slog"
	"net/http"
	"time"
)

// Option customizes an Adapter.
type Option func(*options)

type options struct {
	log       *slog.Logger
	transport *http.Transport
	now       func() time.Time
}

// WithLogger logs one debug record per HTTP request (operation, API, ID,
// HTTP status, request ID, duration) and nothing secret. The default
// discards logs.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) {
		if l != nil {
			o.log = l
		}
	}
}

// WithHTTPTransport sends requests through t, for example to trust a
// private CA or to use a proxy. The adapter wraps t and never modifies
// it. The default is a private clone of [http.DefaultTransport] without
// proxy settings.
func WithHTTPTransport(t *http.Transport) Option {
	return func(o *options) {
		if t != nil {
			o.transport = t
		}
	}
}

// WithClock sets the clock used to tell issued certificates inside the
// renewal window (StateExpiring) from others. The default is time.Now.
func WithClock(now func() time.Time) Option {
	return func(o *options) {
		if now != nil {
			o.now = now
		}
	}
}
