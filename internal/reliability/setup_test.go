package reliability

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/certbroker/certbroker/alibaba"
	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/huawei"
	"github.com/certbroker/certbroker/huawei/huaweitest"
	"github.com/certbroker/certbroker/internal/faultinject"
	"github.com/certbroker/certbroker/provider"
)

// renewal is one order an emulator created by renewing another.
type renewal struct{ From, NewID string }

// backend is one emulator with the real adapter in front of it, seen
// through the few operations the suite needs from either cloud.
type backend struct {
	// cloud is "alibaba" or "huawei"; origin the name registered at the broker.
	cloud, origin string
	// p is the real adapter.
	p provider.Provider
	// seed creates an order in a state, out of band.
	seed func(provider.State) string
	// state observes an order out of band; false when it is gone.
	state func(id string) (provider.State, bool)
	// requests counts the requests the emulator received.
	requests func() int
	// faulted counts the logged requests an injected fault hit (a QPS
	// limit counts as a throttling fault), and all logged requests.
	faulted func() (hit, all int)
	// faultsOf counts the logged requests hit by each fault kind.
	faultsOf func() map[faultinject.Kind]int
	// wait blocks until the emulator has received n requests or ctx ends.
	wait func(ctx context.Context, n int) error
	// last returns the HTTP status and fault of the newest logged request.
	last func() (status int, fault faultinject.Kind)
	// renewals lists the orders created by renewal.
	renewals func() []renewal
	// inject adds a fault rule; renewAction names the API whose success
	// creates an order (the one to keep ambiguous faults AfterApply on).
	inject      func(faultinject.Fault)
	renewAction string
	// settle finishes asynchronous transitions (Huawei only).
	settle func()
	// states lists what seed accepts.
	states []provider.State
	// unknownID is well formed and names nothing.
	unknownID string
}

// aliOptions tunes an Alibaba backend.
type aliOptions struct {
	origin      string
	keyID, key  string // extra accepted key pair, used by the adapter when set
	timeout     time.Duration
	pool        int
	seed        uint64
	logger      *slog.Logger
	adapterOpts []alibaba.Option
	// via, when set, maps the emulator's URL to the endpoint the adapter
	// is given (a proxy in front of it).
	via func(string) string
}

// newAlibaba starts an Alibaba emulator and builds the real adapter on it.
func newAlibaba(t testing.TB, o aliOptions) (*backend, *alibabatest.Server) {
	t.Helper()
	var sopts []alibabatest.Option
	if o.seed != 0 {
		sopts = append(sopts, alibabatest.WithSeed(o.seed))
	}
	if o.keyID != "" {
		sopts = append(sopts, alibabatest.WithAccessKey(o.keyID, o.key))
	}
	s := alibabatest.NewServer(sopts...)
	t.Cleanup(s.Close)
	cfg := alibaba.Config{Endpoint: s.URL(), Timeout: o.timeout,
		AccessKeyID: s.AccessKeyID(), AccessKeySecret: s.AccessKeySecret(),
	}
	if o.keyID != "" {
		cfg.AccessKeyID, cfg.AccessKeySecret = o.keyID, o.key
	}
	if o.via != nil {
		cfg.Endpoint = o.via(cfg.Endpoint)
	}
	opts := append([]alibaba.Option(nil), o.adapterOpts...)
	if o.pool > 0 {
		opts = append(opts, alibaba.WithPoolSize(o.pool))
	}
	if o.logger != nil {
		opts = append(opts, alibaba.WithLogger(o.logger))
	}
	a, err := alibaba.New(cfg, opts...)
	if err != nil {
		t.Fatalf("alibaba.New: %v", err)
	}
	t.Cleanup(a.CloseIdleConnections)
	return &backend{
		cloud: "alibaba", origin: cmp.Or(o.origin, alibaba.DefaultOrigin), p: a,
		seed:     s.Seed,
		state:    s.State,
		requests: s.RequestCount,
		faulted: func() (int, int) {
			return countFaulted(s.Requests(), func(r alibabatest.Request) faultinject.Kind { return faultinject.Kind(r.Fault) })
		},
		faultsOf: func() map[faultinject.Kind]int {
			return countKinds(s.Requests(), func(r alibabatest.Request) faultinject.Kind { return faultinject.Kind(r.Fault) })
		},
		renewals: func() []renewal {
			return convert(s.Renewals(), func(r alibabatest.Renewal) renewal { return renewal{From: r.From, NewID: r.NewID} })
		},
		wait: s.WaitForRequests,
		last: func() (int, faultinject.Kind) {
			reqs := s.Requests()
			r := reqs[len(reqs)-1]
			return r.HTTPStatus, faultinject.Kind(r.Fault)
		},
		inject:      func(f faultinject.Fault) { s.InjectFault(aliFault(f)) },
		renewAction: alibabatest.ActionRenew,
		settle:      func() {},
		states:      alibabatest.States(),
		unknownID:   s.UnknownID(),
	}, s
}

// hwOptions tunes a Huawei backend.
type hwOptions struct {
	origin string
	// lateCancel is the share of cancels from CHECKING that fail late
	// (huaweitest.WithLateCancelFailure).
	lateCancel  float64
	ak, sk      string // credentials; the emulator's default pair when empty
	timeout     time.Duration
	seed        uint64
	logger      *slog.Logger
	adapterOpts []huawei.Option
	// via is as in aliOptions.
	via func(string) string
}

// newHuawei starts a Huawei emulator and builds the real adapter on it,
// with renewal by purchase enabled. Its seed gives every expiring
// certificate a spec of its own (see hwSpecs), so that the emulator can
// tell which certificate each purchase renewed.
func newHuawei(t testing.TB, o hwOptions) (*backend, *huaweitest.Server) {
	t.Helper()
	var sopts []huaweitest.Option
	if o.seed != 0 {
		sopts = append(sopts, huaweitest.WithSeed(o.seed))
	}
	if o.ak != "" {
		sopts = append(sopts, huaweitest.WithAccessKey(o.ak, o.sk))
	}
	if o.logger != nil {
		sopts = append(sopts, huaweitest.WithLogger(o.logger))
	}
	if o.lateCancel > 0 {
		sopts = append(sopts, huaweitest.WithLateCancelFailure(o.lateCancel))
	}
	s := huaweitest.NewServer(sopts...)
	t.Cleanup(s.Close)
	cfg := huawei.Config{Endpoint: s.URL(), Timeout: o.timeout,
		ProjectID: s.ProjectID(), AK: s.AccessKeyID(), SK: s.AccessKeySecret(), RenewByPurchase: true,
	}
	if o.via != nil {
		cfg.Endpoint = o.via(cfg.Endpoint)
	}
	opts := append([]huawei.Option(nil), o.adapterOpts...)
	if o.logger != nil {
		opts = append(opts, huawei.WithLogger(o.logger))
	}
	a, err := huawei.New(cfg, opts...)
	if err != nil {
		t.Fatalf("huawei.New: %v", err)
	}
	specs := hwSpecs()
	next := 0
	seed := func(st provider.State) string {
		if st != provider.StateExpiring {
			return s.Seed(st)
		}
		if next == len(specs) {
			t.Fatalf("huawei: more than %d expiring certificates seeded; specs exhausted", len(specs))
		}
		c := specs[next]
		next++
		c.Status = huaweitest.StatusIssued
		c.Source = huaweitest.SourcePurchased
		c.NotAfter = time.Now().Add(15 * 24 * time.Hour)
		return s.SeedCert(c)
	}
	return &backend{
		cloud: "huawei", origin: cmp.Or(o.origin, huawei.DefaultOrigin), p: a,
		seed:     seed,
		state:    s.State,
		requests: s.RequestCount,
		faulted: func() (int, int) {
			return countFaulted(s.Requests(), func(r huaweitest.Request) faultinject.Kind { return faultinject.Kind(r.Fault) })
		},
		faultsOf: func() map[faultinject.Kind]int {
			return countKinds(s.Requests(), func(r huaweitest.Request) faultinject.Kind { return faultinject.Kind(r.Fault) })
		},
		renewals: func() []renewal {
			return convert(s.Renewals(), func(r huaweitest.Renewal) renewal { return renewal{From: r.From, NewID: r.NewID} })
		},
		wait: s.WaitForRequests,
		last: func() (int, faultinject.Kind) {
			reqs := s.Requests()
			r := reqs[len(reqs)-1]
			return r.HTTPStatus, faultinject.Kind(r.Fault)
		},
		inject:      func(f faultinject.Fault) { s.InjectFault(hwFault(f)) },
		renewAction: huaweitest.ActionPurchase,
		settle:      s.SettleAll,
		states:      huaweitest.States(),
		unknownID:   s.UnknownID(),
	}, s
}

// hwSpecs lists every distinct purchase spec the Huawei adapter can renew
// and the emulator sells (4 brands, OV or EV, single domain, wildcard or
// 2 to 100 domains): 808 in all.
func hwSpecs() []huaweitest.Cert {
	var out []huaweitest.Cert
	for _, brand := range []string{"GLOBALSIGN", "SYMANTEC", "GEOTRUST", "CFCA"} {
		for _, typ := range []string{"OV_SSL_CERT", "EV_SSL_CERT"} {
			out = append(out,
				huaweitest.Cert{Brand: brand, Type: typ, DomainType: "SINGLE_DOMAIN", DomainCount: 1},
				huaweitest.Cert{Brand: brand, Type: typ, DomainType: "WILDCARD", DomainCount: 1})
			for n := 2; n <= 100; n++ {
				out = append(out, huaweitest.Cert{Brand: brand, Type: typ, DomainType: "MULTI_DOMAIN", DomainCount: n})
			}
		}
	}
	return out
}

// String names the backend in test output.
func (b *backend) String() string { return fmt.Sprintf("%s(%s)", b.origin, b.cloud) }

// countFaulted returns how many of reqs were hit by a fault, and how many
// there were.
func countFaulted[R any](reqs []R, fault func(R) faultinject.Kind) (hit, total int) {
	for _, r := range reqs {
		if fault(r) != 0 {
			hit++
		}
	}
	return hit, len(reqs)
}

// countKinds counts reqs per fault kind.
func countKinds[R any](reqs []R, fault func(R) faultinject.Kind) map[faultinject.Kind]int {
	m := map[faultinject.Kind]int{}
	for _, r := range reqs {
		if k := fault(r); k != 0 {
			m[k]++
		}
	}
	return m
}

// convert maps every element of in with f.
func convert[A, B any](in []A, f func(A) B) []B {
	out := make([]B, 0, len(in))
	for _, a := range in {
		out = append(out, f(a))
	}
	return out
}

// aliFault and hwFault carry a rule written in the shared faultinject
// vocabulary, which the matrix uses for both clouds, to each emulator's
// own Fault. Each emulator defines its FaultKind constants as faultinject's
// kinds, so the conversion keeps the kind.
func aliFault(f faultinject.Fault) alibabatest.Fault {
	return alibabatest.Fault{Action: f.Action, Kind: alibabatest.FaultKind(f.Kind), AfterApply: f.AfterApply,
		Probability: f.Probability, Times: f.Times, Latency: f.Latency}
}

func hwFault(f faultinject.Fault) huaweitest.Fault {
	return huaweitest.Fault{Action: f.Action, Kind: huaweitest.FaultKind(f.Kind), AfterApply: f.AfterApply,
		Probability: f.Probability, Times: f.Times, Latency: f.Latency}
}
