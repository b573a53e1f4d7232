package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/certbroker/certbroker/provider"
	"gopkg.in/yaml.v3"
)

// Lookup reads an environment variable, like os.LookupEnv.
type Lookup func(name string) (string, bool)

// Load reads and parses the configuration file at path. See [Parse].
func Load(path string, lookup Lookup) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(data, path, lookup)
}

// Parse parses a configuration held in memory; name is used in error
// messages. Environment references are expanded with lookup, and the result
// is validated. Errors never contain the values of secrets or variables.
func Parse(data []byte, name string, lookup Lookup) (*File, error) {
	if name == "" {
		name = "config"
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var f File
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: the file is empty; it needs an origins: section", name)
		}
		return nil, fmt.Errorf("%s: %s", name, yamlMessage(data, err))
	}
	var extra any
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: more than one YAML document; put everything in one", name)
	}
	f.Path = name
	if err := f.resolve(lookup); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &f, nil
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
		if m := syntaxError.FindStringSubmatch(err.Error()); m != nil && m[2] == msg {
			return i + 1
		}
	}
	return reported
}

// quotedValue matches the value yaml.v3 quotes in a type error.
var quotedValue = regexp.MustCompile("!![a-z]+ `[^`]*`")

// yamlTerms rewords Go type names as configuration terms.
var yamlTerms = strings.NewReplacer(
	"not found in type config.Origin", "is not a known key of an origin",
	"not found in type config.File", "is not a known top-level key (want origins)",
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

// resolve expands environment references and validates every origin.
func (f *File) resolve(lookup Lookup) error {
	if len(f.Origins) == 0 {
		return errors.New("no origins configured; add an origins: section with at least one origin")
	}
	var errs []error
	var missing []string
	for _, name := range f.Names() {
		o := f.Origins[name]
		if err := provider.ValidateOrigin(name); err != nil {
			errs = append(errs, fmt.Errorf("origin %q: bad name: lowercase letters, digits, '.', '_' or '-', starting with a letter", name))
			continue
		}
		m, err := o.expand(name, lookup)
		missing = append(missing, m...)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if len(m) == 0 {
			if err := o.validate(name); err != nil {
				errs = append(errs, err)
			}
		}
		f.Origins[name] = o
	}
	if len(missing) > 0 {
		errs = append(errs, fmt.Errorf("environment variables not set: %s", strings.Join(missing, ", ")))
	}
	return errors.Join(errs...)
}
