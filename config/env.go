package config

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/certbroker/certbroker/alibaba"
	"github.com/certbroker/certbroker/huawei"
)

// ErrNoOrigins is returned by [FromEnv] when the environment names no
// cloud.
var ErrNoOrigins = errors.New("no cloud credentials in the environment")

// The environment variables that make [FromEnv] build a cloud's origin:
// any one of them set (or its _FILE variant) enables the cloud, and the
// adapters' ConfigFromEnv then report what else is missing. The optional
// ones (security tokens, regions) are read too but enable nothing.
var (
	AlibabaEnv = []string{alibaba.EnvAccessKeyID, alibaba.EnvAccessKeySecret}
	HuaweiEnv  = []string{huawei.EnvAK, huawei.EnvSK, huawei.EnvProjectID}
)

// Optional variables, read when the cloud is enabled.
var (
	alibabaOptional = []string{alibaba.EnvSecurityToken, alibaba.EnvRegionID}
	huaweiOptional  = []string{huawei.EnvSecurityToken, huawei.EnvRegion}
)

// FromEnv builds the origins "alibaba" and "huawei" from the clouds'
// standard environment variables ([AlibabaEnv], [HuaweiEnv]), for each
// cloud with any of them set. Every variable may instead be given as a
// file through NAME_FILE (HUAWEICLOUD_SDK_SK_FILE=/run/secrets/sk); both
// set is an error. It returns [ErrNoOrigins] when no cloud is set.
func FromEnv(opts ...Option) (*Config, error) {
	o := newOptions(opts)
	e := env{lookup: o.lookup}
	c := &Config{Path: "environment", Origins: map[string]Origin{}}
	var errs []error
	// resolved reads the cloud's variables and reports whether any of
	// the enabling ones is set.
	resolved := func(enabling, optional []string) (Lookup, bool) {
		vals := map[string]string{}
		set := false
		for i, n := range append(slices.Clone(enabling), optional...) {
			v, ok, err := e.get(n)
			if err != nil {
				errs = append(errs, err)
				set = set || i < len(enabling)
				continue
			}
			if ok {
				vals[n] = v
				set = set || (i < len(enabling) && strings.TrimSpace(v) != "")
			}
		}
		return func(n string) (string, bool) { v, ok := vals[n]; return v, ok }, set
	}
	if lookup, set := resolved(AlibabaEnv, alibabaOptional); set && len(errs) == 0 {
		cfg, err := alibaba.ConfigFromEnv(lookup)
		if err != nil {
			errs = append(errs, err)
		} else {
			c.Origins["alibaba"] = Origin{Type: TypeAlibaba, Region: cfg.Region,
				AccessKeyID: cfg.AccessKeyID, AccessKeySecret: Secret(cfg.AccessKeySecret),
				SecurityToken: Secret(cfg.SecurityToken)}
		}
	}
	before := len(errs)
	if lookup, set := resolved(HuaweiEnv, huaweiOptional); set && len(errs) == before {
		cfg, err := huawei.ConfigFromEnv(lookup)
		if err != nil {
			errs = append(errs, err)
		} else {
			c.Origins["huawei"] = Origin{Type: TypeHuawei, Region: cfg.Region,
				ProjectID: cfg.ProjectID, AK: cfg.AK, SK: Secret(cfg.SK),
				SecurityToken: Secret(cfg.SecurityToken)}
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("environment: %w", errors.Join(errs...))
	}
	if len(c.Origins) == 0 {
		return nil, ErrNoOrigins
	}
	return c, nil
}
