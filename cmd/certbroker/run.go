package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/config"
	"github.com/certbroker/certbroker/provider"
)

// Exit codes. An interrupted run exits with 128 plus the signal's number
// (see interruptedCode).
const (
	exitOK     = 0 // every item succeeded
	exitFailed = 1 // at least one item failed, or the user declined
	exitUsage  = 2 // bad flags, refs or configuration
)

// cli holds the process's streams and environment, so that tests can run the
// whole command in process.
type cli struct {
	stdin      io.Reader
	stdout     io.Writer
	stderr     io.Writer
	env        config.Lookup
	isTerminal func(stream any) bool
	// progressEvery is how often a bulk run reports progress on a stderr
	// that is not a terminal; zero means defaultProgressEvery. Tests set
	// it short.
	progressEvery time.Duration
	// journalWrap, when set (by tests), wraps the journal of each
	// journaled run: a test seam to fail its writes as a full disk does.
	journalWrap func(broker.Journal) broker.Journal
}

// run is the whole command: main calls it with the process's streams and
// environment; tests call it with their own. isTerminal reports whether a
// stream (stdin or stderr) is a terminal.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer,
	env func(string) (string, bool), isTerminal func(stream any) bool) int {
	c := &cli{stdin: stdin, stdout: stdout, stderr: stderr, env: env, isTerminal: isTerminal}
	return c.run(ctx, args)
}

// run runs the command named by args[0].
func (c *cli) run(ctx context.Context, args []string) int {
	if len(args) == 0 {
		c.usage(c.stderr)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	if op, err := provider.ParseOp(cmd); err == nil {
		return interruptedCode(ctx, c.runOp(ctx, op, rest))
	}
	switch cmd {
	case "runs":
		return c.runRuns(rest)
	case "list":
		return interruptedCode(ctx, c.runList(ctx, rest))
	case "demo":
		return interruptedCode(ctx, c.runDemo(ctx, rest))
	case "emulate":
		// Interrupting is how emulate is meant to stop: it exits 0.
		return c.runEmulate(ctx, rest)
	case "version", "-version", "--version":
		fmt.Fprintln(c.stdout, versionString())
		return exitOK
	case "help", "-h", "-help", "--help":
		return c.help(rest)
	}
	fmt.Fprintf(c.stderr, "certbroker: unknown command %q\n\n", cmd)
	c.usage(c.stderr)
	return exitUsage
}

// interruption is the cause of the context's end when a signal stopped
// the command.
type interruption struct{ sig os.Signal }

func (i interruption) Error() string { return "interrupted by " + i.sig.String() }

// interruptedCode returns code, or 128 plus the signal's number when a
// signal ended ctx (130 for SIGINT, 143 for SIGTERM): the shells'
// convention, so a script can tell an interrupted run from a failed one.
func interruptedCode(ctx context.Context, code int) int {
	var i interruption
	if !errors.As(context.Cause(ctx), &i) {
		return code
	}
	if n, ok := i.sig.(syscall.Signal); ok {
		return 128 + int(n)
	}
	return 128 + int(syscall.SIGINT)
}

// errorf prints a usage or configuration error and returns exitUsage.
// Control characters in it (from a file name, a ref or a cloud) are
// escaped.
func (c *cli) errorf(format string, args ...any) int {
	fmt.Fprintln(c.stderr, "certbroker: "+escapeControls(fmt.Sprintf(format, args...), true))
	return exitUsage
}
