package config

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/certbroker/certbroker/internal/endpoint"
)

// validate checks one origin after expansion; pos gives the keys' lines.
func (o *Origin) validate(name string, pos map[string]int) error {
	at := func(key, format string, args ...any) error {
		path := "origins." + name + "." + key
		msg := o.scrub(fmt.Sprintf(format, args...))
		if _, ok := pos[path]; !ok {
			// A missing key: point at the origin.
			return fmt.Errorf("%s%s: %s", lineOf(pos, "origins."+name), path, msg)
		}
		return fmt.Errorf("%s%s: %s", lineOf(pos, path), path, msg)
	}
	var errs []error
	var foreign []string
	switch o.Type {
	case TypeAlibaba:
		foreign = o.setKeys(map[string]bool{"project_id": o.ProjectID != "", "ak": o.AK != "", "sk": o.SK != "" && o.SKFile == "",
			"sk_file": o.SKFile != "", "renew_by_purchase": o.RenewByPurchase})
	case TypeHuawei:
		foreign = o.setKeys(map[string]bool{"access_key_id": o.AccessKeyID != "", "access_key_secret": o.AccessKeySecret != "" && o.AccessKeySecretFile == "",
			"access_key_secret_file": o.AccessKeySecretFile != ""})
	case "":
		return at("type", "missing; want %s or %s", TypeAlibaba, TypeHuawei)
	default:
		return at("type", "unknown type %q; want %s or %s", o.Type, TypeAlibaba, TypeHuawei)
	}
	for _, k := range foreign {
		errs = append(errs, at(k, "not a key of an origin of type %s", o.Type))
	}
	if o.Endpoint != "" {
		if err := CheckEndpoint(o.Endpoint); err != nil {
			errs = append(errs, at("endpoint", "%v", err))
		}
	}
	if o.Rate < 0 || math.IsNaN(o.Rate) || math.IsInf(o.Rate, 0) {
		errs = append(errs, at("rate", "must be a finite, non-negative number of requests per second"))
	}
	if o.Burst < 0 {
		errs = append(errs, at("burst", "must not be negative"))
	}
	if o.Burst > 0 && o.Rate == 0 {
		errs = append(errs, at("burst", "needs rate"))
	}
	if o.Timeout < 0 {
		errs = append(errs, at("timeout", "must not be negative"))
	}
	if len(errs) == 0 {
		// What only the adapter checks (a region, a project ID, a
		// credential's characters): build it now, which sends nothing,
		// and point at the key its error names.
		if _, err := o.adapter(name, nil); err != nil {
			errs = append(errs, at(adapterKey(o.Type, err.Error()), "%v", err))
		}
	}
	return errors.Join(errs...)
}

// scrub removes from msg every value taken from a NAME_FILE file.
func (o *Origin) scrub(msg string) string {
	for _, v := range o.fromFiles {
		msg = strings.ReplaceAll(msg, v, Redacted)
	}
	return msg
}

// adapterKey is the key an adapter's configuration error is about, read
// from the field it names; the type key when it names none.
func adapterKey(typ, msg string) string {
	credential := "access_key_id"
	if typ == TypeHuawei {
		credential = "ak"
	}
	for _, m := range []struct{ word, key string }{
		{"ProjectID", "project_id"},
		{"region", "region"},
		{"SecurityToken", "security_token"},
		{"AccessKeySecret", "access_key_secret"},
		{"SK ", "sk"},
		{"endpoint", "endpoint"},
		{"Endpoint", "endpoint"},
		{"imeout", "timeout"},
		{"credential", credential},
		{"AccessKeyID", credential},
		{"AK ", credential},
	} {
		if strings.Contains(msg, m.word) {
			return m.key
		}
	}
	return "type"
}

// setKeys returns, in a fixed order, the keys of m whose value is true.
func (o *Origin) setKeys(m map[string]bool) []string {
	order := []string{"access_key_id", "access_key_secret", "access_key_secret_file", "security_token",
		"project_id", "ak", "sk", "sk_file", "renew_by_purchase"}
	var out []string
	for _, k := range order {
		if m[k] {
			out = append(out, k)
		}
	}
	return out
}

// CheckEndpoint accepts an https URL, or an http URL whose host is loopback
// (127.0.0.0/8, ::1 or localhost), with no credentials, path, query or
// fragment: the rule the adapters apply, checked here so that a bad
// configuration fails before any adapter is built.
func CheckEndpoint(raw string) error { return endpoint.Check(raw) }
