package main

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/certbroker/certbroker/config"
	"github.com/certbroker/certbroker/journal"
	"github.com/certbroker/certbroker/provider"
)

// journalExt ends the name of every run's journal file.
const journalExt = ".journal"

// stateDir is where runs are journaled: $XDG_STATE_HOME/certbroker, or
// ~/.local/state/certbroker when XDG_STATE_HOME is unset or not absolute.
func (c *cli) stateDir() (string, error) {
	if x, ok := c.env("XDG_STATE_HOME"); ok && filepath.IsAbs(x) {
		return filepath.Join(x, "certbroker"), nil
	}
	if h, ok := c.env("HOME"); ok && h != "" {
		return filepath.Join(h, ".local", "state", "certbroker"), nil
	}
	return "", errors.New("no state directory for the run's journal: set XDG_STATE_HOME or HOME, pass --journal FILE, or --no-journal")
}

// newRunID names a new run: when it started and what it does, and a
// random suffix, e.g. 20261130T180102Z-renew-k3v9.
func newRunID(op provider.Op, now time.Time) string {
	return now.UTC().Format("20060102T150405Z") + "-" + string(op) + "-" + strings.ToLower(rand.Text()[:4])
}

// openJournal opens the journal of a mutating run: --journal FILE,
// --resume RUN (which must exist), or a new file in the state directory.
// It returns the journal, the run's ID, and the flag that continues it
// ("--resume ID" for a run in the state directory, "--journal PATH" for
// any other file).
func (c *cli) openJournal(op provider.Op, f *opFlags) (*journal.File, string, string, error) {
	var path, id, cont string
	switch {
	case f.journalPath != "":
		path = f.journalPath
		id = strings.TrimSuffix(filepath.Base(path), journalExt)
		cont = "--journal " + path
	case f.resume != "":
		id = f.resume
		cont = "--resume " + id
		if isJournalPath(id) {
			id = strings.TrimSuffix(filepath.Base(f.resume), journalExt)
			cont = "--journal " + f.resume
		}
		var err error
		if path, err = c.resumeJournalPath(f.resume); err != nil {
			return nil, "", "", err
		}
		if _, err := os.Stat(path); err != nil {
			return nil, "", "", fmt.Errorf("--resume %s: no such run (%v); 'certbroker runs' lists them", f.resume, err)
		}
	default:
		dir, err := c.stateDir()
		if err != nil {
			return nil, "", "", err
		}
		id = newRunID(op, time.Now())
		path = filepath.Join(dir, id+journalExt)
		cont = "--resume " + id
	}
	j, err := journal.Open(path)
	if err != nil {
		return nil, "", "", fmt.Errorf("%v (nothing was sent; pass --journal FILE elsewhere, or --no-journal)", err)
	}
	return j, id, cont, nil
}

// isJournalPath reports whether --resume's value names a journal file
// rather than a run in the state directory.
func isJournalPath(run string) bool {
	return strings.ContainsAny(run, `/\`) || run == "." || run == ".."
}

// resumeJournalPath is the journal that --resume run names: a file, or
// the run's journal in the state directory.
func (c *cli) resumeJournalPath(run string) (string, error) {
	if isJournalPath(run) {
		return run, nil
	}
	dir, err := c.stateDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, strings.TrimSuffix(run, journalExt)+journalExt), nil
}

// fingerprint identifies the configuration a run is made with: each
// origin's name, cloud, region, endpoint and Huawei project, and whether
// it renews by purchase. Keys, secrets, rates and timeouts are left out,
// so that rotating a key or slowing down does not stop a resume; an
// Alibaba origin moved to another account in the same region and
// endpoint is not told apart (its refs would name that account's orders).
func fingerprint(cfg *config.Config) string {
	names := make([]string, 0, len(cfg.Origins))
	for n := range cfg.Origins {
		names = append(names, n)
	}
	slices.Sort(names)
	h := sha256.New()
	for _, n := range names {
		o := cfg.Origins[n]
		fmt.Fprintf(h, "%q %q %q %q %q %v\n", n, o.Type, o.Region, o.Endpoint, o.ProjectID, o.RenewByPurchase)
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

const runsUsage = `usage: certbroker runs [--limit N]

Lists the most recent journaled runs (newest first) in $XDG_STATE_HOME/certbroker
(default ~/.local/state/certbroker), with their counts: refs, done (with an
outcome), ok, failed, in doubt (may have been sent; settled on resume) and not
started. Resume one with 'certbroker OP --resume RUN' and the same refs.
`

// runRuns runs the runs command.
func (c *cli) runRuns(args []string) int {
	fset := flag.NewFlagSet("runs", flag.ContinueOnError)
	fset.SetOutput(io.Discard)
	limit := fset.Int("limit", 20, "")
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(c.stdout, runsUsage)
			return exitOK
		}
		return c.errorf("runs: %s (see 'certbroker help runs')", flagError(err))
	}
	if fset.NArg() > 0 {
		return c.errorf("runs: unexpected argument %q", fset.Arg(0))
	}
	dir, err := c.stateDir()
	if err != nil {
		return c.errorf("runs: %v", err)
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(c.stderr, "certbroker: no runs in %s\n", dir)
		return exitOK
	}
	if err != nil {
		return c.errorf("runs: %v", err)
	}
	type run struct {
		id  string
		mod time.Time
	}
	var runs []run
	for _, e := range entries {
		if !e.Type().IsRegular() || !strings.HasSuffix(e.Name(), journalExt) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		runs = append(runs, run{strings.TrimSuffix(e.Name(), journalExt), info.ModTime()})
	}
	slices.SortFunc(runs, func(a, b run) int { return b.mod.Compare(a.mod) })
	if *limit > 0 && len(runs) > *limit {
		runs = runs[:*limit]
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RUN\tOP\tSTARTED\tREFS\tDONE\tOK\tFAILED\tIN_DOUBT\tNOT_STARTED")
	for _, r := range runs {
		s, err := journal.Summarize(filepath.Join(dir, r.id+journalExt))
		if err != nil {
			fmt.Fprintf(tw, "%s\t?\t\t\t\t\t\t\t(%s)\n", r.id, escapeControls(oneLineErr(err), false))
			continue
		}
		started := ""
		if !s.Started.IsZero() {
			started = s.Started.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\n", r.id, s.Run.Op, started, s.Run.Count,
			s.Done, s.OK, s.Done-s.OK, s.InDoubt, max(0, s.Run.Count-s.Done-s.InDoubt))
	}
	if err := tw.Flush(); err != nil {
		fmt.Fprintf(c.stderr, "certbroker: runs: %v\n", err)
		return exitFailed
	}
	return exitOK
}

// oneLineErr is an error's text on one line.
func oneLineErr(err error) string { return strings.ReplaceAll(err.Error(), "\n", " ") }
