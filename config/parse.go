package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/certbroker/certbroker/provider"
	"gopkg.in/yaml.v3"
)

// Lookup reads an environment variable, like os.LookupEnv.
type Lookup func(name string) (string, bool)

// An Option changes how a configuration is read.
type Option func(*options)

type options struct {
	lookup Lookup
}

// WithLookup reads environment variables through lookup instead of
// os.LookupEnv: a map in tests, or a filtered environment.
func WithLookup(lookup Lookup) Option {
	return func(o *options) { o.lookup = lookup }
}

func newOptions(opts []Option) options {
	o := options{lookup: os.LookupEnv}
	for _, fn := range opts {
		fn(&o)
	}
	return o
}

// Load reads and parses the configuration file at path. Relative paths in
// the _file keys are taken from the file's directory. See [Parse].
func Load(path string, opts ...Option) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return parse(data, path, filepath.Dir(path), newOptions(opts))
}

// Parse parses a configuration held in memory; name is used in error
// messages. ${NAME} references are expanded from the environment (NAME,
// or the file named by NAME_FILE), the _file keys are read (relative paths
// from the working directory), and the result is validated; errors give
// the line of the key at fault. Errors never contain the values of
// secrets or variables.
func Parse(data []byte, name string, opts ...Option) (*Config, error) {
	return parse(data, name, "", newOptions(opts))
}

func parse(data []byte, name, dir string, o options) (*Config, error) {
	if name == "" {
		name = "config"
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var c Config
	if err := dec.Decode(&c); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: the file is empty; it needs an origins: section", name)
		}
		return nil, fmt.Errorf("%s: %s", name, yamlMessage(data, err))
	}
	var extra any
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: more than one YAML document; put everything in one", name)
	}
	c.Path = name
	if err := c.resolve(env{lookup: o.lookup}, positions(data), dir); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &c, nil
}

// yamlMessage rewords yaml.v3's errors in the configuration's terms, and
// corrects the line of a syntax error (see syntaxLine).
func yamlMessage(data []byte, err error) string {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		m := syntaxError.FindStringSubmatch(err.Error())
		if m == nil {
			return err.Error()
		}
		reported, _ := strconv.Atoi(m[1])
		return fmt.Sprintf("yaml: line %d: %s", syntaxLine(data, reported, m[2]), m[2])
	}
	msgs := make([]string, len(te.Errors))
	for i, m := range te.Errors {
		// The offending value is dropped: it could be a misplaced secret.
		m = quotedValue.ReplaceAllString(m, "a value")
		msgs[i] = yamlTerms.Replace(m)
	}
	return strings.Join(msgs, "; ")
}

// syntaxError matches yaml.v3's syntax errors: "yaml: line 1: did not
// find expected key".
var syntaxError = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// maxSyntaxScan bounds the lines syntaxLine re-parses.
const maxSyntaxScan = 2000

// syntaxLine finds the line a YAML syntax error is on. yaml.v3 reports
// some errors at the start of the enclosing block, not where it broke: a
// key indented one space too little on line 4 is "line 1: did not find
// expected key". The first line whose prefix of the document fails with
// the same message is where the document broke; when none does (or the
// file is long), yaml.v3's own line stands.
func syntaxLine(data []byte, reported int, msg string) int {
	lines := bytes.SplitAfter(data, []byte("\n"))
	if len(lines) > maxSyntaxScan {
		lines = lines[:maxSyntaxScan]
	}
	var prefix []byte
	for i, l := range lines {
		prefix = append(prefix, l...)
		var v any
		err := yaml.Unmarshal(prefix, &v)
		if err == nil {
			continue
		}
		if m := syntaxError.FindStringSubmatch(err.Error()); m != nil && m[2] == msg && !unclosedFlow(prefix) {
			return i + 1
		}
	}
	return reported
}

// unclosedFlow reports whether prefix fails only because it stops inside
// a flow mapping or sequence ({...} or [...]) that a later line closes:
// closing it makes it parse.
func unclosedFlow(prefix []byte) bool {
	for _, closer := range []string{"}", "]", "}]", "]}", "}}", "]]"} {
		var v any
		if yaml.Unmarshal(append(bytes.Clone(prefix), closer...), &v) == nil {
			return true
		}
	}
	return false
}

// quotedValue matches the value yaml.v3 quotes in a type error.
var quotedValue = regexp.MustCompile("!![a-z]+ `[^`]*`")

// yamlTerms rewords Go type names as configuration terms.
var yamlTerms = strings.NewReplacer(
	"not found in type config.Origin", "is not a known key of an origin",
	"not found in type config.Config", "is not a known top-level key (want origins)",
	"cannot unmarshal", "cannot read",
	"into time.Duration", "as a duration (like 30s)",
	"into float64", "as a number",
	"into int", "as a whole number",
	"into bool", "as true or false",
	"into string", "as a string",
	"into config.Secret", "as a string",
	"into map[string]config.Origin", "as a map of origin names to origins",
	"into config.Origin", "as an origin (a map of keys)",
	"!!seq", "a list", "!!map", "a map",
)

// resolve expands environment references, reads secret files and
// validates every origin. pos gives the keys' lines, dir the directory of
// relative secret files.
func (c *Config) resolve(e env, pos map[string]int, dir string) error {
	if len(c.Origins) == 0 {
		return fmt.Errorf("%sno origins configured; add an origins: section with at least one origin", lineOf(pos, "origins"))
	}
	var errs []error
	var missing []string
	for _, name := range c.Names() {
		o := c.Origins[name]
		if err := provider.ValidateOrigin(name); err != nil {
			errs = append(errs, fmt.Errorf("%sorigin %q: bad name: lowercase letters, digits, '.', '_' or '-', starting with a letter",
				lineOf(pos, "origins."+name), name))
			continue
		}
		m, err := o.expand(name, e, pos)
		missing = append(missing, m...)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if len(m) == 0 {
			at := func(key string, err error) error {
				path := "origins." + name + "." + key
				return fmt.Errorf("%s%s: %w", lineOf(pos, path), path, err)
			}
			if ferrs := o.readFiles(dir, at); len(ferrs) > 0 {
				errs = append(errs, ferrs...)
				continue
			}
			if err := o.validate(name, pos); err != nil {
				errs = append(errs, err)
			}
		}
		c.Origins[name] = o
	}
	if len(missing) > 0 {
		errs = append(errs, fmt.Errorf("environment variables not set: %s", strings.Join(missing, ", ")))
	}
	return errors.Join(errs...)
}
