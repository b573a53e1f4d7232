package config

import (
	"os"
	"path/filepath"
)

// DefaultName is the configuration file looked for in the working directory.
const DefaultName = "certbroker.yaml"

// Candidates lists, in order, the paths where the configuration is looked
// for when none is given: ./certbroker.yaml, then
// $XDG_CONFIG_HOME/certbroker/config.yaml, or ~/.config/certbroker/config.yaml
// when XDG_CONFIG_HOME is unset or not absolute.
func Candidates(lookup Lookup) []string {
	paths := []string{DefaultName}
	if x, ok := lookup("XDG_CONFIG_HOME"); ok && filepath.IsAbs(x) {
		paths = append(paths, filepath.Join(x, "certbroker", "config.yaml"))
	} else if h, ok := lookup("HOME"); ok && h != "" {
		paths = append(paths, filepath.Join(h, ".config", "certbroker", "config.yaml"))
	}
	return paths
}

// Find returns the first of [Candidates] that exists, or "" when none does.
func Find(lookup Lookup) string {
	for _, p := range Candidates(lookup) {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	return ""
}
