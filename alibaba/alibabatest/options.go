package alibabatest

import (
	"log/slog"
	"time"
)

// The default access key pair, accepted when no WithAccessKey option is
// given. It is a fixed public value for tests only.
const (
	defaultAccessKeyID     = "LTAI5tAlibabaTest0000001"
	defaultAccessKeySecret = "alibabatest-secret-for-tests-only"
)

type config struct {
	seed          uint64
	clock         func() time.Time
	keys          map[string]string // accepted access key pairs
	firstKey      string            // the first pair WithAccessKey gave
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
// certificate expiry and BuyDates by. The default is time.Now; a nil
// clock is ignored.
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now != nil {
			c.clock = now
		}
	}
}

// WithAccessKey adds an accepted access key pair. It may be repeated; when
// it is given at least once, the default pair is not accepted, and
// AccessKeyID and AccessKeySecret return the first pair given. It panics
// if id or secret is empty.
func WithAccessKey(id, secret string) Option {
	if id == "" || secret == "" {
		panic("alibabatest: WithAccessKey needs a non-empty ID and secret")
	}
	return func(c *config) {
		if c.keys == nil {
			c.keys = make(map[string]string)
		}
		if _, known := c.keys[id]; !known && len(c.keys) == 0 {
			c.firstKey = id
		}
		c.keys[id] = secret
	}
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
