package huaweitest

import (
	"log/slog"
	"time"
)

// The default access key pair and project, used when no WithAccessKey or
// WithProjectID option is given. They are test values with no meaning
// anywhere else.
const (
	defaultAK        = "HWTESTAK0000000000000"
	defaultSK        = "hwtest-loopback-only-secret-key-0000000000"
	defaultProjectID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
)

// Option configures a Server.
type Option func(*config)

type credential struct{ ak, sk string }

type config struct {
	seed        uint64
	clock       func() time.Time
	creds       []credential
	projects    []string
	settleDelay time.Duration
	logger      *slog.Logger
	timeFormat  *TimeFormat
	lateCancel  float64
}

func defaultConfig() config {
	return config{
		seed:   1,
		clock:  time.Now,
		logger: slog.New(slog.DiscardHandler),
	}
}

// WithSeed seeds the emulator's random sources: fault probabilities and the
// certificate, order and request IDs it generates. The default seed is 1.
func WithSeed(seed uint64) Option {
	return func(c *config) { c.seed = seed }
}

// WithClock replaces the emulator's clock (time.Now by default). The clock
// checks X-Sdk-Date, stamps the request log, places the NotAfter of seeded
// certificates, decides whether an issued certificate is expiring or
// expired, and drives WithSettleDelay. A nil clock is ignored.
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now != nil {
			c.clock = now
		}
	}
}

// WithAccessKey adds an accepted access key pair. It may be repeated; when
// it is given at least once, the default pair is not accepted, and
// AccessKeyID and AccessKeySecret return the first pair given. Every
// accepted pair may use every project. It panics if id or secret is empty.
func WithAccessKey(id, secret string) Option {
	if id == "" || secret == "" {
		panic("huaweitest: WithAccessKey needs a non-empty ID and secret")
	}
	return func(c *config) {
		for i := range c.creds {
			if c.creds[i].ak == id {
				c.creds[i].sk = secret
				return
			}
		}
		c.creds = append(c.creds, credential{ak: id, sk: secret})
	}
}

// WithProjectID adds a known project. It may be repeated; when it is given
// at least once, the default project is not known, and ProjectID returns
// the first project given. Seeded certificates belong to that first project
// unless Cert.ProjectID says otherwise. It panics unless id is 1 to 64
// letters, digits, '-' or '_'.
func WithProjectID(id string) Option {
	if !validProjectID(id) {
		panic("huaweitest: WithProjectID needs 1 to 64 letters, digits, '-' or '_'")
	}
	return func(c *config) {
		for _, p := range c.projects {
			if p == id {
				return
			}
		}
		c.projects = append(c.projects, id)
	}
}

// WithSettleDelay makes pending transitions (CANCELCHECKING,
// CANCELSUPPLEMENTING, REVOKING) complete once the emulator's clock has
// moved d past the moment they started. Zero, the default, means they
// complete only when Settle or SettleAll is called.
func WithSettleDelay(d time.Duration) Option {
	return func(c *config) { c.settleDelay = max(d, 0) }
}

// WithTimeFormat fixes how the v3 details write their times, instead of
// the choice WithSeed makes. An unknown format is ignored.
func WithTimeFormat(f TimeFormat) Option {
	return func(c *config) {
		if f >= 0 && f < timeFormats {
			c.timeFormat = &f
		}
	}
}

// WithLateCancelFailure makes each cancel-cert from CHECKING fail late
// with probability p (0 to 1, drawn from the seed, WithSeed): the CA had
// already approved, so the certificate goes through CANCELCHECKING as usual
// and then settles to ISSUED instead of PAID (user guide, 撤回SSL证书申请;
// fidelity H12). The default, 0, never fails; FailCancel decides one
// certificate on demand.
func WithLateCancelFailure(p float64) Option {
	return func(c *config) { c.lateCancel = min(max(p, 0), 1) }
}

// WithLogger makes the emulator log one Debug record per request (API,
// cert ID, status, error code, request ID; never headers or bodies) and the
// HTTP server's own errors. By default nothing is logged. A nil logger is
// ignored.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) {
		if l != nil {
			c.logger = l
		}
	}
}

func validProjectID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		b := id[i]
		if !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '-' || b == '_') {
			return false
		}
	}
	return true
}
