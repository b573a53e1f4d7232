package config

import (
	"fmt"
	"log/slog"
	"math"

	"github.com/certbroker/certbroker/alibaba"
	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/huawei"
	"github.com/certbroker/certbroker/provider"
)

// A BuildOption changes how [Config.Broker] and [Config.Build] build.
type BuildOption func(*buildOptions)

type buildOptions struct {
	logger *slog.Logger
	broker []broker.Option
}

// WithLogger gives logger to the broker and to every adapter (requests,
// retries and rate changes, at debug level).
func WithLogger(logger *slog.Logger) BuildOption {
	return func(o *buildOptions) { o.logger = logger }
}

// WithBrokerOptions passes options to [broker.New], such as
// broker.WithConcurrency.
func WithBrokerOptions(opts ...broker.Option) BuildOption {
	return func(o *buildOptions) { o.broker = append(o.broker, opts...) }
}

// Broker builds an adapter for every origin and a broker with each
// registered under its origin name, paced by its rate and burst when set.
func (c *Config) Broker(opts ...BuildOption) (*broker.Broker, error) {
	b, _, err := c.Build(opts...)
	return b, err
}

// Build is [Config.Broker] that also returns the adapters by origin name,
// for a caller that consults them before sending: their capabilities (is
// an operation billed?) or their ID checks ([provider.IDChecker]).
func (c *Config) Build(opts ...BuildOption) (*broker.Broker, map[string]provider.Provider, error) {
	var o buildOptions
	for _, fn := range opts {
		fn(&o)
	}
	bopts := o.broker
	if o.logger != nil {
		bopts = append([]broker.Option{broker.WithLogger(o.logger)}, bopts...)
	}
	b := broker.New(bopts...)
	ps := map[string]provider.Provider{}
	for _, name := range c.Names() {
		org := c.Origins[name]
		p, err := org.adapter(name, o.logger)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: origin %q: %w", c.Path, name, err)
		}
		var ropts []broker.RegisterOption
		if org.Rate > 0 {
			burst := org.Burst
			if burst == 0 {
				burst = int(math.Max(1, math.Ceil(org.Rate)))
			}
			ropts = append(ropts, broker.WithRate(org.Rate, burst))
		}
		if err := b.Register(name, p, ropts...); err != nil {
			return nil, nil, fmt.Errorf("%s: origin %q: %w", c.Path, name, err)
		}
		ps[name] = p
	}
	return b, ps, nil
}

// adapter builds the adapter of one origin. The secrets are revealed only
// here, into the adapters' own configs, which redact them.
func (o Origin) adapter(name string, logger *slog.Logger) (provider.Provider, error) {
	switch o.Type {
	case TypeAlibaba:
		var opts []alibaba.Option
		if logger != nil {
			opts = append(opts, alibaba.WithLogger(logger))
		}
		return alibaba.New(alibaba.Config{Region: o.Region,
			Endpoint:        o.Endpoint,
			AccessKeyID:     o.AccessKeyID,
			AccessKeySecret: o.AccessKeySecret.Reveal(),
			SecurityToken:   o.SecurityToken.Reveal(),
			Timeout:         o.Timeout,
		}, opts...)
	case TypeHuawei:
		var opts []huawei.Option
		if logger != nil {
			opts = append(opts, huawei.WithLogger(logger))
		}
		return huawei.New(huawei.Config{Region: o.Region,
			ProjectID:       o.ProjectID,
			AK:              o.AK,
			SK:              o.SK.Reveal(),
			SecurityToken:   o.SecurityToken.Reveal(),
			Endpoint:        o.Endpoint,
			Timeout:         o.Timeout,
			RenewByPurchase: o.RenewByPurchase,
		}, opts...)
	}
	return nil, fmt.Errorf("unknown type %q", o.Type)
}
