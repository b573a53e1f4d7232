package alibabatest

import (
	"log/slog"
	"time"
)

// The default access key pair. It is a fixed public value for tests only.
const (
	defaultAccessKeyID     = "LTAI5tAlibabaTest0000001"
	defaultAccessKeySecret = "alibabatest-secret-for-tests-only"
)

type config struct {
	seed          uint64
	clock         func() time.Time
	keys          map[string]string
	documentedQPS bool
	logger        *slog.Logger
}

// Option configures a [Server].
type Option func(*config)

// WithSeed seeds the fault draws, request IDs and order IDs, so a test run
// with the same requests in the same order sees the same faults and IDs.
// The default seed is 1.
func WithSeed(seed uint64) Option { return func(c *config) { c.seed = seed } }

// WithClock sets the clock the server judges Timestamps, nonce windows,
// certificate expiry and BuyDates by. The default is time.Now.
func WithClock(now func() time.Time) Option { return func(c *config) { c.clock = now } }

// WithAccessKey makes the server accept the access key pair id/secret, in
// addition to the default pair. It may be given more than once.
func WithAccessKey(id, secret string) Option {
	return func(c *config) { c.keys[id] = secret }
}

// WithLogger makes the server log one Debug record per request (action,
// order ID, status, error code, fault, request ID; never keys, signatures
// or other parameters) and the HTTP server's own errors. By default
// nothing is logged. A nil logger is ignored.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) {
		if l != nil {
			c.logger = l
		}
	}
}

// WithDocumentedQPS limits every action to its documented quota
// ([DocumentedQPS]) with [Server.SetQPS], so requests above it are
// throttled as on the cloud. How the cloud counts bursts is not
// documented [unverified]: the emulator allows a second's worth at once.
// [Server.ClearFaults] removes the limits too.
func WithDocumentedQPS() Option { return func(c *config) { c.documentedQPS = true } }
