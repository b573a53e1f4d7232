package main

import (
	"flag"
	"fmt"
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
