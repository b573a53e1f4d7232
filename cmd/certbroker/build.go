package main

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"

	"github.com/certbroker/certbroker/alibaba"
	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/cmd/certbroker/internal/config"
	"github.com/certbroker/certbroker/huawei"
	"github.com/certbroker/certbroker/provider"
)

// loadConfig reads the file named by --config, or the first default
// location that exists. It returns nil and no error when there is none.
func (c *cli) loadConfig(path string) (*config.File, error) {
	if path == "" {
		path = config.Find(c.env)
		if path == "" {
			return nil, nil
		}
	}
	return config.Load(path, c.env)
}

// origins maps each registered origin name to its provider, so refs can be
// checked against the provider's own ID shape before anything is sent.
type origins map[string]provider.Provider

// brokerSettings are the broker-wide settings given on the command line.
type brokerSettings struct {
	concurrency int
	logger      *slog.Logger
}

// newBroker builds a broker from the configuration at path (see
// loadConfig), or from the clouds' environment variables when there is no
// file.
func (c *cli) newBroker(path string, s brokerSettings) (*broker.Broker, origins, error) {
	f, err := c.loadConfig(path)
	if err != nil {
		return nil, nil, err
	}
	if f == nil {
		if f, err = c.configFromEnv(); err != nil {
			return nil, nil, err
		}
	}
	return buildBroker(f, s)
}

// buildBroker builds an adapter per origin of f and registers it.
func buildBroker(f *config.File, s brokerSettings) (*broker.Broker, origins, error) {
	var opts []broker.Option
	if s.concurrency > 0 {
		opts = append(opts, broker.WithConcurrency(s.concurrency))
	}
	if s.logger != nil {
		opts = append(opts, broker.WithLogger(s.logger))
	}
	b := broker.New(opts...)
	reg := origins{}
	for _, name := range f.Names() {
		o := f.Origins[name]
		p, err := newAdapter(name, o, s.logger)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: origin %q: %w", f.Path, name, err)
		}
		reg[name] = p
		var ropts []broker.RegisterOption
		if o.Rate > 0 {
			burst := o.Burst
			if burst == 0 {
				burst = int(math.Max(1, math.Ceil(o.Rate)))
			}
			ropts = append(ropts, broker.WithRate(o.Rate, burst))
		}
		if err := b.Register(name, p, ropts...); err != nil {
			return nil, nil, fmt.Errorf("%s: origin %q: %w", f.Path, name, err)
		}
	}
	return b, reg, nil
}

// newAdapter builds the adapter of one configured origin. The secrets are
// revealed only here, into the adapters' own configs, which redact them.
func newAdapter(name string, o config.Origin, logger *slog.Logger) (provider.Provider, error) {
	switch o.Type {
	case config.TypeAlibaba:
		var opts []alibaba.Option
		if logger != nil {
			opts = append(opts, alibaba.WithLogger(logger))
		}
		return alibaba.New(alibaba.Config{
			Origin:          name,
			Region:          o.Region,
			Endpoint:        o.Endpoint,
			AccessKeyID:     o.AccessKeyID,
			AccessKeySecret: o.AccessKeySecret.Reveal(),
			SecurityToken:   o.SecurityToken.Reveal(),
			Timeout:         o.Timeout,
		}, opts...)
	case config.TypeHuawei:
		var opts []huawei.Option
		if logger != nil {
			opts = append(opts, huawei.WithLogger(logger))
		}
		return huawei.New(huawei.Config{
			Origin:          name,
			Region:          o.Region,
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

// Environment variables that make an origin come from the environment when
// there is no configuration file: any one of them set enables the cloud,
// and ConfigFromEnv then reports what else is missing.
var (
	alibabaEnv = []string{alibaba.EnvAccessKeyID, alibaba.EnvAccessKeySecret}
	huaweiEnv  = []string{huawei.EnvAK, huawei.EnvSK, huawei.EnvProjectID}
)

// configFromEnv builds the origins "alibaba" and "huawei" from the clouds'
// standard environment variables, for each cloud whose variables are set.
func (c *cli) configFromEnv() (*config.File, error) {
	f := &config.File{Path: "environment", Origins: map[string]config.Origin{}}
	var errs []error
	if c.anySet(alibabaEnv) {
		cfg, err := alibaba.ConfigFromEnv(c.env)
		if err != nil {
			errs = append(errs, err)
		} else {
			f.Origins["alibaba"] = config.Origin{Type: config.TypeAlibaba, Region: cfg.Region,
				AccessKeyID: cfg.AccessKeyID, AccessKeySecret: config.Secret(cfg.AccessKeySecret),
				SecurityToken: config.Secret(cfg.SecurityToken)}
		}
	}
	if c.anySet(huaweiEnv) {
		cfg, err := huawei.ConfigFromEnv(c.env)
		if err != nil {
			errs = append(errs, err)
		} else {
			f.Origins["huawei"] = config.Origin{Type: config.TypeHuawei, Region: cfg.Region,
				ProjectID: cfg.ProjectID, AK: cfg.AK, SK: config.Secret(cfg.SK),
				SecurityToken: config.Secret(cfg.SecurityToken)}
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("environment: %w", errors.Join(errs...))
	}
	if len(f.Origins) == 0 {
		return nil, errors.New(c.noConfigMessage())
	}
	return f, nil
}

func (c *cli) anySet(names []string) bool {
	for _, n := range names {
		if v, ok := c.env(n); ok && strings.TrimSpace(v) != "" {
			return true
		}
	}
	return false
}

// noConfigMessage explains where configuration comes from.
func (c *cli) noConfigMessage() string {
	return "no configuration found.\n" +
		"  Looked for: " + strings.Join(config.Candidates(c.env), ", ") + " (or pass --config FILE)\n" +
		"  and for the environment variables " + strings.Join(alibabaEnv, ", ") + "\n" +
		"  or " + strings.Join(huaweiEnv, ", ") + ".\n" +
		"  See README.md for the file format. With no cloud account, try 'certbroker demo',\n" +
		"  or 'certbroker emulate' to run local emulators and print a configuration for them."
}
