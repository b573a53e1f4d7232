package main

import (
	"flag"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// parseInterspersed parses args with fs, allowing flags and positional
// arguments in any order: flag parsing resumes after each positional
// argument. A "--" ends the flags; everything after it is positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// outputFlag is the --output flag: table or json.
type outputFlag string

const (
	outputTable outputFlag = "table"
	outputJSON  outputFlag = "json"
)

func (o *outputFlag) String() string { return string(*o) }
func (o *outputFlag) Set(v string) error {
	switch outputFlag(v) {
	case outputTable, outputJSON:
		*o = outputFlag(v)
		return nil
	}
	return fmt.Errorf("want table or json")
}

// flagName is how help and errors write a flag: "-f" and "-v" for
// single-letter flags, "--config" for the others, as in the README.
func flagName(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// printFlags lists fs's flags the way the README writes them (--config
// FILE, -f FILE), with their defaults when set.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(fl *flag.Flag) {
		arg, usage := flag.UnquoteUsage(fl)
		head := "  " + flagName(fl.Name)
		if arg != "" {
			head += " " + arg
		}
		switch fl.DefValue {
		case "", "0", "false", "[]":
		default:
			usage += fmt.Sprintf(" (default %s)", fl.DefValue)
		}
		fmt.Fprintf(w, "%s\n    \t%s\n", head, usage)
	})
}

// singleDashFlag matches a multi-letter flag written with one dash in the
// flag package's errors.
var singleDashFlag = regexp.MustCompile(`(^|[\s:])-([A-Za-z][A-Za-z0-9-]+)`)

// flagError rewrites the flag package's error to name flags as the help
// does ("flag provided but not defined: --bogus").
func flagError(err error) string {
	return singleDashFlag.ReplaceAllString(err.Error(), "$1--$2")
}
