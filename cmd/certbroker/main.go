// Command certbroker cancels, revokes, deletes, renews and inspects
// certificate orders on Alibaba Cloud CAS and Huawei Cloud SCM through one
// interface.
//
// Usage:
//
//	certbroker cancel|revoke|delete|renew|status [flags] REF...
//	certbroker renew --expiring-within DUR [flags] [ORIGIN...]
//	certbroker runs        # recent journaled runs, to --resume one
//	certbroker demo        # everything, against in-process emulators
//	certbroker emulate     # run both emulators and print a config for them
//	certbroker version
//	certbroker help [COMMAND]
//
// A REF is "origin:id" (for example alibaba:123451222), or a bare ID that the
// broker resolves from its shape. Refs come from the arguments or, with
// -f FILE, one per line (- for stdin; blank lines and # comments skipped).
// Flags may come before or after the refs; "--" ends the flags.
// renew --expiring-within DUR takes no refs: it lists the origins, shows
// the plan, and renews the certificates in their renewal window that
// expire within DUR, skipping those that earlier runs journaled in the
// state directory renewed or left in doubt (--again renews them too).
//
// cancel, revoke, delete and renew journal each run under
// $XDG_STATE_HOME/certbroker (default ~/.local/state/certbroker) and print
// its ID; --resume RUN continues an interrupted run without sending
// anything twice.
//
// Configuration comes from --config FILE, ./certbroker.yaml or
// $XDG_CONFIG_HOME/certbroker/config.yaml (default ~/.config), and without a
// file from the clouds' standard environment variables. See the README.
//
// Exit status: 0 when every item succeeded, 1 when any failed (or a
// confirmation was declined), 2 for a usage or configuration error, and
// 128 plus the signal's number when interrupted: 130 for Ctrl-C (SIGINT),
// 143 for SIGTERM.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"
)

func main() {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		s := <-sigs
		// A second signal gets the default action: the process ends
		// at once.
		signal.Stop(sigs)
		cancel(interruption{s})
	}()
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.LookupEnv, isTerminal)
	os.Exit(code)
}

// isTerminal reports whether stream is a file descriptor attached to a
// terminal.
func isTerminal(stream any) bool {
	f, ok := stream.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}
