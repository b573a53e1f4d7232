package main

import (
	"fmt"
	"io"
	"runtime/debug"

	"github.com/certbroker/certbroker/provider"
)

const usageText = `certbroker manages certificate orders on Alibaba Cloud CAS and Huawei Cloud SCM.

Usage:
  certbroker cancel  [flags] REF...   withdraw applications under review
  certbroker revoke  [flags] REF...   revoke issued certificates (asks first)
  certbroker delete  [flags] REF...   delete orders or certificates (asks first)
  certbroker renew   [flags] REF...   create renewal orders for expiring certificates
  certbroker renew --expiring-within 30d [ORIGIN...]
                                      renew every certificate in its renewal window that
                                      expires within 30 days, listed first (plan shown),
                                      skipping what earlier runs renewed
  certbroker status  [flags] REF...   show the state of orders
  certbroker runs                     list recent journaled runs and their counts
  certbroker list                     list the certificates of every origin (filters: state, expiry, domain)
  certbroker demo                     run every operation against in-process emulators
  certbroker emulate                  run both emulators and print a config for them
  certbroker version                  print the version
  certbroker help [COMMAND]           show help

A REF is origin:id (alibaba:123451222, huawei:scs1481110651012) or a bare ID,
resolved to an origin by its shape. Use -f FILE (or -f - for stdin) to read
refs one per line. Run "certbroker help COMMAND" for the flags of a command.

cancel, revoke, delete and renew journal each run to a file under
$XDG_STATE_HOME/certbroker (default ~/.local/state/certbroker) and print its ID;
an interrupted run continues with --resume RUN and the same refs.

Exit status: 0 all succeeded, 1 some item failed (or the journal could not
record an outcome), 2 usage or configuration error, 130 interrupted (Ctrl-C).
`

const versionUsage = `usage: certbroker version

Prints the module version of the binary and, when it was built from a git
checkout, the first 12 characters of the commit it was built from.
`

const helpUsage = `usage: certbroker help [COMMAND]

Without a command, prints the overview of every command. With one, prints
that command's usage and flags; "certbroker COMMAND -h" does the same.
`

func (c *cli) usage(w io.Writer) { fmt.Fprint(w, usageText) }

// help prints the general usage, or a command's flags.
func (c *cli) help(args []string) int {
	if len(args) == 0 {
		c.usage(c.stdout)
		return exitOK
	}
	if op, err := provider.ParseOp(args[0]); err == nil {
		fs, _ := newOpFlagSet(op)
		printOpUsage(c.stdout, op, fs)
		return exitOK
	}
	switch args[0] {
	case "demo":
		fmt.Fprint(c.stdout, demoUsage)
		return exitOK
	case "emulate":
		fmt.Fprint(c.stdout, emulateUsage)
		return exitOK
	case "runs":
		fmt.Fprint(c.stdout, runsUsage)
		return exitOK
	case "list":
		fmt.Fprint(c.stdout, listUsage)
		return exitOK
	case "version":
		fmt.Fprint(c.stdout, versionUsage)
		return exitOK
	case "help":
		fmt.Fprint(c.stdout, helpUsage)
		return exitOK
	}
	return c.errorf("help: unknown command %q", args[0])
}

// versionString reports the module version and VCS revision of the binary.
func versionString() string {
	v, rev := "(devel)", ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				rev = " " + s.Value[:12]
			}
		}
	}
	return "certbroker " + v + rev
}
