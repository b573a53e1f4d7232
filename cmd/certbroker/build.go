package main

import (
	"errors"
	"log/slog"
	"strings"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/config"
	"github.com/certbroker/certbroker/provider"
)

// loadConfig reads the file named by --config, or the first default
// location that exists. It returns nil and no error when there is none.
func (c *cli) loadConfig(path string) (*config.Config, error) {
	if path == "" {
		path = config.Find(c.env)
		if path == "" {
			return nil, nil
		}
	}
	return config.Load(path, config.WithLookup(c.env))
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
// file. It also returns the configuration's fingerprint, for a journal.
func (c *cli) newBroker(path string, s brokerSettings) (*broker.Broker, origins, string, error) {
	f, err := c.loadConfig(path)
	if err != nil {
		return nil, nil, "", err
	}
	if f == nil {
		f, err = config.FromEnv(config.WithLookup(c.env))
		if errors.Is(err, config.ErrNoOrigins) {
			return nil, nil, "", errors.New(c.noConfigMessage())
		}
		if err != nil {
			return nil, nil, "", err
		}
	}
	b, reg, err := buildBroker(f, s)
	return b, reg, fingerprint(f), err
}

// buildBroker builds an adapter per origin of f and registers it.
func buildBroker(f *config.Config, s brokerSettings) (*broker.Broker, origins, error) {
	var opts []config.BuildOption
	if s.concurrency > 0 {
		opts = append(opts, config.WithBrokerOptions(broker.WithConcurrency(s.concurrency)))
	}
	if s.logger != nil {
		opts = append(opts, config.WithLogger(s.logger))
	}
	b, ps, err := f.Build(opts...)
	if err != nil {
		return nil, nil, err
	}
	return b, origins(ps), nil
}

// noConfigMessage explains where configuration comes from.
func (c *cli) noConfigMessage() string {
	return "no configuration found.\n" +
		"  Looked for: " + strings.Join(config.Candidates(c.env), ", ") + " (or pass --config FILE)\n" +
		"  and for the environment variables " + strings.Join(config.AlibabaEnv, ", ") + "\n" +
		"  or " + strings.Join(config.HuaweiEnv, ", ") + " (or NAME_FILE for any of them).\n" +
		"  See README.md for the file format. With no cloud account, try 'certbroker demo',\n" +
		"  or 'certbroker emulate' to run local emulators and print a configuration for them."
}
