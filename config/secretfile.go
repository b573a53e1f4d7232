package config

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// FileSuffix is appended to a variable's name, or to a secret key of the
// file, to name a file holding the value instead: ALIBABA_CLOUD_ACCESS_KEY_SECRET_FILE,
// sk_file.
const FileSuffix = "_FILE"

// maxSecretFile bounds a secret file; a larger one is refused, since it is
// certainly not a key.
const maxSecretFile = 64 << 10

// readSecretFile reads a secret from path, dropping one trailing newline
// ("\n" or "\r\n"), which editors and `echo` add. An empty secret is an
// error. Errors name the file, never its content.
func readSecretFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSecretFile+1))
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", path, err)
	}
	if len(data) > maxSecretFile {
		return "", fmt.Errorf("%s: larger than %d KiB; not a secret", path, maxSecretFile>>10)
	}
	s := string(data)
	if strings.HasSuffix(s, "\n") {
		s = strings.TrimSuffix(strings.TrimSuffix(s, "\n"), "\r")
	}
	if s == "" {
		return "", fmt.Errorf("%s: empty", path)
	}
	return s, nil
}

// errBothSet is the error for a value given both directly and as a file.
var errBothSet = errors.New("set both directly and as a file; use one")

// env resolves environment variables with the _FILE convention: NAME is
// read from the environment; when NAME is not set and NAME_FILE is, the
// value is the content of that file. Both set is an error.
type env struct {
	lookup Lookup
	// files, when set, collects every value read from a NAME_FILE file.
	files *[]string
}

// get returns the value of name, whether it is set, and an error when it
// is set twice or its file cannot be read.
func (e env) get(name string) (string, bool, error) {
	v, ok := e.lookup(name)
	path, fok := e.lookup(name + FileSuffix)
	switch {
	case ok && fok:
		return "", false, fmt.Errorf("%s and %s%s are both set; use one", name, name, FileSuffix)
	case fok:
		s, err := readSecretFile(path)
		if err != nil {
			return "", false, fmt.Errorf("%s%s: %w", name, FileSuffix, err)
		}
		if e.files != nil && s != "" {
			*e.files = append(*e.files, s)
		}
		return s, true, nil
	}
	return v, ok, nil
}

// secretFiles pairs each secret of o with its _file key.
func (o *Origin) secretFiles() []struct {
	key  string
	file *string
	val  *Secret
} {
	return []struct {
		key  string
		file *string
		val  *Secret
	}{
		{"access_key_secret", &o.AccessKeySecretFile, &o.AccessKeySecret},
		{"security_token", &o.SecurityTokenFile, &o.SecurityToken},
		{"sk", &o.SKFile, &o.SK},
	}
}

// readFiles sets each secret that o names a file for, resolving relative
// paths against dir. at formats an error for a key.
func (o *Origin) readFiles(dir string, at func(key string, err error) error) []error {
	var errs []error
	for _, s := range o.secretFiles() {
		if *s.file == "" {
			continue
		}
		if *s.val != "" {
			errs = append(errs, at(s.key+"_file", fmt.Errorf("%s is set too: %w", s.key, errBothSet)))
			continue
		}
		path := *s.file
		if !filepath.IsAbs(path) && dir != "" {
			path = filepath.Join(dir, path)
		}
		v, err := readSecretFile(path)
		if err != nil {
			errs = append(errs, at(s.key+"_file", err))
			continue
		}
		*s.val = Secret(v)
	}
	return errs
}
