package main

import (
	"context"
	"fmt"
	"io"

	"github.com/certbroker/certbroker/cmd/certbroker/internal/config"
	"github.com/certbroker/certbroker/provider"
)

// Exit codes.
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
}

// run is the whole command: main calls it with the process's streams and
// environment; tests call it with their own. isTerminal reports whether a
// stream (stdin or stderr) is a terminal.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer,
	env func(string) (string, bool), isTerminal func(stream any) bool) int {
	c := &cli{stdin: stdin, stdout: stdout, stderr: stderr, env: env, isTerminal: isTerminal}
	if len(args) == 0 {
		c.usage(c.stderr)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	if op, err := provider.ParseOp(cmd); err == nil {
		return c.runOp(ctx, op, rest)
	}
	switch cmd {
	case "demo":
		return c.runDemo(ctx, rest)
	case "emulate":
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

// errorf prints a usage or configuration error and returns exitUsage.
func (c *cli) errorf(format string, args ...any) int {
	fmt.Fprintf(c.stderr, "certbroker: "+format+"\n", args...)
	return exitUsage
}
