package config

import (
	"fmt"
	"strings"
)

// expand replaces ${NAME} references in every string field of o. It returns
// the missing variables (with the key that named them) and an error for a
// malformed reference.
func (o *Origin) expand(origin string, lookup Lookup) (missing []string, err error) {
	fields := []struct {
		key string
		ptr *string
	}{
		{"type", &o.Type},
		{"region", &o.Region},
		{"endpoint", &o.Endpoint},
		{"access_key_id", &o.AccessKeyID},
		{"access_key_secret", (*string)(&o.AccessKeySecret)},
		{"security_token", (*string)(&o.SecurityToken)},
		{"project_id", &o.ProjectID},
		{"ak", &o.AK},
		{"sk", (*string)(&o.SK)},
	}
	for _, fd := range fields {
		v, m, err := expandString(*fd.ptr, lookup)
		if err != nil {
			return missing, fmt.Errorf("origins.%s.%s: %w", origin, fd.key, err)
		}
		for _, name := range m {
			missing = append(missing, fmt.Sprintf("%s (origins.%s.%s)", name, origin, fd.key))
		}
		*fd.ptr = v
	}
	return missing, nil
}

// expandString replaces each ${NAME} in s with the variable's value. NAME is
// a letter or '_' followed by letters, digits or '_'. A '$' not followed by
// '{' is kept as is. Missing variables are returned by name; a malformed
// reference is an error that does not quote s (it may be a secret).
func expandString(s string, lookup Lookup) (string, []string, error) {
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
		v, ok := lookup(name)
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
