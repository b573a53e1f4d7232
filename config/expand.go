package config

import (
	"fmt"
	"strings"
)

// expand replaces ${NAME} references in every string field of o, the _file
// keys included. It returns the missing variables (with the key that named
// them) and an error for a malformed reference or a variable's file that
// cannot be read.
func (o *Origin) expand(origin string, e env, pos map[string]int) (missing []string, err error) {
	e.files = &o.fromFiles
	fields := []struct {
		key string
		ptr *string
	}{
		{"type", &o.Type},
		{"region", &o.Region},
		{"endpoint", &o.Endpoint},
		{"access_key_id", &o.AccessKeyID},
		{"access_key_secret", (*string)(&o.AccessKeySecret)},
		{"access_key_secret_file", &o.AccessKeySecretFile},
		{"security_token", (*string)(&o.SecurityToken)},
		{"security_token_file", &o.SecurityTokenFile},
		{"project_id", &o.ProjectID},
		{"ak", &o.AK},
		{"sk", (*string)(&o.SK)},
		{"sk_file", &o.SKFile},
	}
	for _, fd := range fields {
		path := "origins." + origin + "." + fd.key
		v, m, err := expandString(*fd.ptr, e)
		if err != nil {
			return missing, fmt.Errorf("%s%s: %w", lineOf(pos, path), path, err)
		}
		for _, name := range m {
			where := path
			if l, ok := pos[path]; ok {
				where += fmt.Sprintf(", line %d", l)
			}
			missing = append(missing, fmt.Sprintf("%s (%s)", name, where))
		}
		*fd.ptr = v
	}
	return missing, nil
}

// expandString replaces each ${NAME} in s with the variable's value, or
// with the content of the file named by NAME_FILE when NAME is not set.
// NAME is a letter or '_' followed by letters, digits or '_'. A '$' not
// followed by '{' is kept as is. Missing variables are returned by name; a
// malformed reference is an error that does not quote s (it may be a
// secret).
func expandString(s string, e env) (string, []string, error) {
	if !strings.Contains(s, "${") {
		return s, nil, nil
	}
	var b strings.Builder
	var missing []string
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		end := strings.IndexByte(s[i+2:], '}')
		if end < 0 {
			return "", nil, fmt.Errorf("unterminated ${ reference")
		}
		name := s[i+2 : i+2+end]
		if !validVarName(name) {
			return "", nil, fmt.Errorf("bad variable name in ${...}: use letters, digits and '_', not starting with a digit")
		}
		v, ok, err := e.get(name)
		if err != nil {
			return "", nil, err
		}
		if !ok {
			missing = append(missing, name)
		}
		b.WriteString(v)
		s = s[i+2+end+1:]
	}
	return b.String(), missing, nil
}

func validVarName(name string) bool {
	if name == "" {
		return false
	}
	for i, c := range name {
		switch {
		case c == '_', c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}
