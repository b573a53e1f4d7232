package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/certbroker/certbroker/provider"
)

const listUsage = `usage: certbroker list [flags] [ORIGIN ...]

Lists the certificates of every configured origin (or of the ORIGINs named),
page by page, paced like every other request. An origin whose adapter cannot
list, or whose listing fails, is reported on stderr; the others go on.

Flags:
  --config FILE            configuration file (default ./certbroker.yaml, then
                           $XDG_CONFIG_HOME/certbroker/config.yaml)
  --state STATE            keep certificates in STATE (repeatable): issued,
                           expiring, pending_application, ...
  --expiring-within DUR    keep certificates whose validity ends within DUR
                           (already expired ones included): 30d, 72h, 90m
  --domain DOMAIN          keep certificates for DOMAIN or a name under it
  --output FORMAT          table or json (one JSON object per line)
  -v                       log requests to stderr

Exit status: 0 every origin listed, 1 an origin failed, 2 usage or
configuration error (an ORIGIN that is not configured included), with
nothing sent.
`

// listFlags are the list command's flags.
type listFlags struct {
	config   string
	states   listFlag
	expiring string
	domain   string
	output   outputFlag
	verbose  bool
}

// runList runs the list command.
func (c *cli) runList(ctx context.Context, args []string) int {
	f := listFlags{output: outputTable}
	fs := flag.NewFlagSet("list", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&f.config, "config", "", "")
	fs.Var(&f.states, "state", "")
	fs.StringVar(&f.expiring, "expiring-within", "", "")
	fs.StringVar(&f.domain, "domain", "", "")
	fs.Var(&f.output, "output", "")
	fs.BoolVar(&f.verbose, "v", false, "")
	origins, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(c.stdout, listUsage)
		return exitOK
	}
	if err != nil {
		return c.errorf("list: %s (see 'certbroker help list')", flagError(err))
	}
	req, err := f.request()
	if err != nil {
		return c.errorf("list: %v", err)
	}
	var settings brokerSettings
	if f.verbose {
		settings.logger = slog.New(slog.NewTextHandler(c.stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	b, _, _, err := c.newBroker(f.config, settings)
	if err != nil {
		return c.errorf("%v", err)
	}
	// An origin that is not configured is a usage error, found before
	// anything is sent (a typo is not an outage).
	for _, n := range origins {
		if !slices.Contains(b.Origins(), n) {
			return c.errorf("list: unknown origin %s (configured: %s)", refText(n), strings.Join(b.Origins(), ", "))
		}
	}
	var tw *tabwriter.Writer
	if f.output == outputTable {
		tw = tabwriter.NewWriter(c.stdout, 2, 8, 2, ' ', 0)
		fmt.Fprintln(tw, "REF\tSTATE\tNOT AFTER\tDOMAINS\tTYPE")
	}
	code, count := exitOK, 0
	for it := range b.List(ctx, req, origins...) {
		if it.Err != nil {
			code = exitFailed
			fmt.Fprintln(c.stderr, "certbroker: list: "+escapeControls(it.Err.Error(), false))
			continue
		}
		count++
		e := it.Entry
		if tw != nil {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", escapeControls(e.Ref(it.Origin).String(), false), e.State,
				dateOrDash(e.NotAfter), escapeControls(strings.Join(e.Domains, ","), false), escapeControls(orDash(e.Type), false))
			continue
		}
		// Escaped like every JSON line (writeJSONLine): a cloud's text may
		// hold what a terminal acts on.
		_ = writeJSONLine(c.stdout, listLine{Schema: 1, Ref: e.Ref(it.Origin).String(), State: e.State.String(),
			NativeState: e.NativeState, NotAfter: rfc3339OrEmpty(e.NotAfter), Domains: nonNil(e.Domains), Type: e.Type})
	}
	if tw != nil {
		_ = tw.Flush()
	}
	fmt.Fprintf(c.stderr, "certbroker: list: %d certificates\n", count)
	return code
}

// listLine is one JSON line of the list command (schema 1, like the
// operations' lines; see README).
type listLine struct {
	Schema      int      `json:"schema"`
	Ref         string   `json:"ref"`
	State       string   `json:"state"`
	NativeState string   `json:"native_state"`
	NotAfter    string   `json:"not_after"`
	Domains     []string `json:"domains"`
	Type        string   `json:"type"`
}

// request turns the flags into a listing request, refusing bad values
// before anything is sent.
func (f listFlags) request() (provider.ListRequest, error) {
	var req provider.ListRequest
	for _, s := range f.states {
		st, err := provider.ParseState(s)
		if err != nil {
			return req, fmt.Errorf("--state %q: %v", s, err)
		}
		req.States = append(req.States, st)
	}
	if f.expiring != "" {
		d, err := parseDays(f.expiring)
		if err != nil {
			return req, fmt.Errorf("--expiring-within %q: %v", f.expiring, err)
		}
		req.ExpiringWithin = d
	}
	req.Domain = f.domain
	return req, req.Validate()
}

// parseDays parses a duration that may be given in days ("30d") as well
// as in Go's units ("72h", "90m"). It must be positive.
func parseDays(s string) (time.Duration, error) {
	var d time.Duration
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days <= 0 || days > 3650 {
			return 0, errors.New("want a whole number of days from 1 to 3650, like 30d")
		}
		d = time.Duration(days) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, errors.New("want a duration like 30d, 72h or 90m")
		}
	}
	if d <= 0 {
		return 0, errors.New("must be positive")
	}
	return d, nil
}

func dateOrDash(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02")
}

func rfc3339OrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
