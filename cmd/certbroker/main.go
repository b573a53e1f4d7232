// Command certbroker cancels, revokes, deletes, renews and inspects
// certificate orders on Alibaba Cloud CAS and Huawei Cloud SCM through one
// interface.
//
// Usage:
//
//	certbroker cancel|revoke|delete|renew|status [flags] REF...
//	certbroker demo        # everything, against in-process emulators
//	certbroker emulate     # run both emulators and print a config for them
//	certbroker version
//	certbroker help [COMMAND]
//
// A REF is "origin:id" (for example alibaba:123451222), or a bare ID that the
// broker resolves from its shape. Refs come from the arguments or, with
// -f FILE, one per line (- for stdin; blank lines and # comments skipped).
// Flags may come before or after the refs; "--" ends the flags.
//
// Configuration comes from --config FILE, ./certbroker.yaml or
// $XDG_CONFIG_HOME/certbroker/config.yaml (default ~/.config), and without a
// file from the clouds' standard environment variables. See the README.
//
// Exit status: 0 when every item succeeded, 1 when any failed (or a
// confirmation was declined), 2 for a usage or configuration error.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.LookupEnv, isTerminal)
	stop()
	os.Exit(code)
}

// isTerminal reports whether stream is a file descriptor attached to a
// terminal.
func isTerminal(stream any) bool {
	f, ok := stream.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}
