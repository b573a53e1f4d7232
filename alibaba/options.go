package alibaba

import (
	"log/slog"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"net/http"
	"time"
)

// DefaultPoolSize is the number of SDK clients, and so of calls in flight
// at once, of an adapter built without [WithPoolSize].
const DefaultPoolSize = 8

// Option configures what [Config] does not: collaborators and tuning.
type Option func(*options)

type options struct {
	logger    *slog.Logger
	transport *http.Transport
	poolSize  int
	now       func() time.Time
	// sdkConfig returns the SDK configuration each client starts from
	// before the adapter hardens it (sdk.NewConfig). Tests replace it with
	// one that has the SDK's hazards switched on, to prove that the
	// hardening holds whatever the SDK's defaults become.
	sdkConfig func() *sdk.Config
}

// WithLogger sends the adapter's logs (one debug record per call: action,
// ID, request ID, duration, outcome; never a URL or a secret) to l. The
// default discards them.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) {
		if l != nil {
			o.logger = l
		}
	}
}

// WithHTTPTransport makes every pooled SDK client use a clone of t, for
// example to trust a private CA:
//
//	t := http.DefaultTransport.(*http.Transport).Clone()
//	t.TLSClientConfig = &tls.Config{RootCAs: pool}
//	a, err := alibaba.New(cfg, alibaba.WithHTTPTransport(t))
//
// t itself is never used or modified (each client gets its own clone, so
// the SDK's per-call writes cannot race). Its Proxy, TLSClientConfig and
// DialContext are kept as they are; a nil DialContext gets one bounded by
// [Config.ConnectTimeout]. The SDK cannot override TLS settings such as
// InsecureSkipVerify, because the adapter hands it a wrapper rather than
// the transport itself. Without this option each client gets a clone of
// [http.DefaultTransport] (proxies from the standard environment variables,
// loopback never proxied).
func WithHTTPTransport(t *http.Transport) Option {
	return func(o *options) {
		if t != nil {
			o.transport = t
		}
	}
}

// WithPoolSize sets how many calls the adapter runs at once (default
// [DefaultPoolSize]). Each slot holds its own SDK client and connection,
// because a client of this SDK is not safe for concurrent use. Further
// calls wait for a free slot, or for their context to end. n below 1 is
// taken as 1.
func WithPoolSize(n int) Option {
	return func(o *options) { o.poolSize = max(n, 1) }
}

// WithClock sets the clock used to tell issued from expiring and expired
// certificates (default time.Now). It exists for tests that pair the
// adapter with an emulator running on a fake clock.
func WithClock(now func() time.Time) Option {
	return func(o *options) {
		if now != nil {
			o.now = now
		}
	}
}
