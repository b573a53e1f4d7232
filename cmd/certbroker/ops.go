package main

import (
	"context"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
)

// maxBadRefs is how many bad refs are listed before the rest are counted.
const maxBadRefs = 10

// runOp runs one of cancel, revoke, delete, renew and status.
func (c *cli) runOp(ctx context.Context, op provider.Op, args []string) int {
	fs, f := newOpFlagSet(op)
	pos, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		printOpUsage(c.stdout, op, fs)
		return exitOK
	}
	if err != nil {
		return c.errorf("%s: %v (see 'certbroker help %s')", op, flagError(err), op)
	}
	fs.Visit(func(fl *flag.Flag) {
		f.concurrencySet = f.concurrencySet || fl.Name == "concurrency"
		f.expiringSet = f.expiringSet || fl.Name == "expiring-within"
	})
	req, opts, err := bulkOptions(op, f)
	if err != nil {
		return c.errorf("%s: %v", op, err)
	}
	if f.expiringSet {
		return c.runRenewExpiring(ctx, f, pos, req, opts)
	}
	if f.again {
		return c.errorf("%s: --again goes with --expiring-within: it renews again what earlier runs renewed (see 'certbroker help renew')", op)
	}
	if f.domain != "" || f.partial {
		return c.errorf("%s: --domain and --partial go with --expiring-within (see 'certbroker help %s')", op, op)
	}
	srcs, usedStdin, err := collectRefs(pos, f.files, c.stdin)
	if err != nil {
		return c.errorf("%s: %v", op, err)
	}
	if len(srcs) == 0 {
		return c.errorf("%s: no refs given; pass origin:id arguments or -f FILE (see 'certbroker help %s')", op, op)
	}
	env, err := c.newOpEnv(f)
	if err != nil {
		return c.errorf("%v", err)
	}
	refs, err := resolveRefs(env.b, env.reg, srcs, c.stderr)
	if err != nil {
		return c.errorf("%s: %v", op, err)
	}
	return c.runRefs(ctx, op, f, req, opts, env, refs, usedStdin, nil)
}

// opEnv is what an operation command runs with: the broker built from the
// configuration, its origins, the configuration's fingerprint (for a
// journal), and stderr behind a lock, since the -v log and the progress
// lines are written from different goroutines.
type opEnv struct {
	b      *broker.Broker
	reg    origins
	fp     string
	stderr io.Writer
}

// newOpEnv builds the broker with the command's settings.
func (c *cli) newOpEnv(f *opFlags) (*opEnv, error) {
	stderr := &lockedWriter{w: c.stderr}
	settings := brokerSettings{concurrency: f.concurrency}
	if f.verbose {
		settings.logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	b, reg, fp, err := c.newBroker(f.config, settings)
	if err != nil {
		return nil, err
	}
	return &opEnv{b: b, reg: reg, fp: fp, stderr: stderr}, nil
}

// runRefs asks for confirmation where needed, opens the run's journal,
// applies op to refs and reports: the part of every operation command
// after its refs are known. plan is the listing refs came from (renew
// --expiring-within), saved next to the journal; nil when the refs were
// given.
func (c *cli) runRefs(ctx context.Context, op provider.Op, f *opFlags, req provider.Request, opts broker.BulkOptions,
	env *opEnv, refs []provider.Ref, usedStdin bool, plan *renewPlan) int {
	b, reg, stderr := env.b, env.reg, env.stderr
	if code, ok := c.confirmDestructive(ctx, op, f, reg, refs, usedStdin); !ok {
		return code
	}
	if op.Mutating() && !f.dryRun && !f.noJournal {
		j, id, cont, err := c.openJournal(op, f)
		if err != nil {
			return c.errorf("%s: %v", op, err)
		}
		how := "and the same refs"
		if plan != nil {
			// The saved plan is the run's list of refs: a resume reads
			// it instead of listing again.
			pp := planPath(j.Path())
			cont += " -f " + pp
			if err := savePlan(pp, planFile(plan, cont)); err != nil {
				_ = j.Close()
				if f.journalPath == "" {
					// The new run's own file, still empty.
					_ = os.Remove(j.Path())
				}
				return c.errorf("%s: saving the plan: %v (nothing was sent; pass --journal FILE elsewhere, or --no-journal)", op, err)
			}
			how = "(its saved plan; not --expiring-within, which would list anew)"
			fmt.Fprintln(c.stderr, escapeControls(fmt.Sprintf("certbroker: renew: plan (%d ref%s) saved to %s", len(refs), plural(len(refs)), pp), false))
		}
		defer func() {
			if err := j.Close(); err != nil {
				fmt.Fprintf(c.stderr, "certbroker: closing the journal: %v\n", err)
			}
		}()
		opts.Journal, opts.Fingerprint, opts.ResendInDoubtRenewals = j, env.fp, f.resendInDoubt
		if c.journalWrap != nil {
			opts.Journal = c.journalWrap(j)
		}
		fmt.Fprintln(c.stderr, escapeControls(fmt.Sprintf("certbroker: run %s (journal %s); if it is interrupted, continue it with: certbroker %s %s %s",
			id, j.Path(), op, cont, how), false))
	}

	var finish func()
	if c.isTerminal(c.stderr) {
		opts.Progress, finish = progressBar(stderr, len(refs), string(op))
	} else {
		every := c.progressEvery
		if every <= 0 {
			every = defaultProgressEvery
		}
		pl := newProgressLog(stderr, string(op), refs, every)
		opts.Progress, finish = pl.update, pl.finish
	}
	items, err := b.Do(ctx, req, refs, opts)
	finish()
	if items == nil && err != nil {
		return c.errorf("%s: %v", op, err)
	}
	outs := make([]outcome, len(items))
	for i, it := range items {
		outs[i] = outcomeOf(op, it, f.dryRun, billable(reg, op, it.Ref.Origin))
	}
	code := c.report(outs, f.output, f.dryRun, ctx.Err())
	if f.dryRun {
		fmt.Fprint(c.stderr, dryRunSummary(op, reg, items))
	}
	if opts.Journal != nil {
		fmt.Fprintln(c.stderr, journalSummary(items))
		if msg := journalFailures(items); msg != "" {
			// The run's outcomes stand, but its journal holds these in
			// doubt: the exit status says something needs a look.
			fmt.Fprintln(c.stderr, escapeControls(msg, false))
			if code == exitOK {
				code = exitFailed
			}
		}
	}
	return code
}

// journalFailures says how many items' outcomes the journal could not
// record, or "" when none: the journal holds them in doubt.
func journalFailures(items []broker.Item) string {
	n := 0
	var first broker.Item
	for _, it := range items {
		if it.JournalErr != nil {
			if n == 0 {
				first = it
			}
			n++
		}
	}
	if n == 0 {
		return ""
	}
	them := "them"
	if n == 1 {
		them = "it"
	}
	return fmt.Sprintf("certbroker: journal: the outcome of %d item%s could not be written (first: %s: %s); "+
		"the journal holds %s in doubt, and a resume or a later renew --expiring-within treats %s so: "+
		"fix the cause (a full disk?), then resume the run to settle %s",
		n, plural(n), first.Ref, oneLineErr(first.JournalErr), them, them, them)
}

// journalSummary counts a journaled run's items reported from the journal
// and in doubt.
func journalSummary(items []broker.Item) string {
	from, doubt := 0, 0
	for _, it := range items {
		if it.FromJournal {
			from++
		}
		if it.InDoubt {
			doubt++
		}
	}
	s := fmt.Sprintf("certbroker: journal: %d from earlier sessions, %d in doubt", from, doubt)
	if doubt > 0 {
		s += " (may have been sent; resume the run to settle them)"
	}
	return s
}

// bulkOptions turns the flags into the request to send to every ref (its
// ID is filled per ref) and the broker options, reading the CSR file.
func bulkOptions(op provider.Op, f *opFlags) (provider.Request, broker.BulkOptions, error) {
	opts := broker.BulkOptions{DryRun: f.dryRun, CheckState: f.dryRun}
	if n := btoi(f.resume != "") + btoi(f.journalPath != "") + btoi(f.noJournal); n > 1 {
		return nil, opts, errors.New("--resume, --journal and --no-journal exclude each other")
	}
	if f.dryRun && (f.resume != "" || f.journalPath != "") {
		return nil, opts, errors.New("a dry run is not journaled: drop --resume/--journal, or --dry-run")
	}
	if f.resendInDoubt && f.resume == "" && f.journalPath == "" {
		return nil, opts, errors.New("--resend-in-doubt needs --resume RUN or --journal FILE")
	}
	if f.concurrencySet && f.concurrency < 1 {
		return nil, opts, fmt.Errorf("--concurrency must be at least 1, got %d (leave it out for the broker's default)", f.concurrency)
	}
	var renew provider.RenewRequest
	if f.csr != "" {
		data, err := os.ReadFile(f.csr)
		if err != nil {
			return nil, opts, fmt.Errorf("--csr: %w", err)
		}
		if b, _ := pem.Decode(data); b == nil || !strings.Contains(b.Type, "CERTIFICATE REQUEST") {
			return nil, opts, fmt.Errorf("--csr %s: not a PEM certificate signing request", f.csr)
		}
		renew.CSR = string(data)
	}
	for _, t := range f.tags {
		k, v, ok := strings.Cut(t, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, opts, fmt.Errorf("--tag %q: want KEY=VALUE", t)
		}
		renew.Tags = append(renew.Tags, provider.Tag{Key: k, Value: v})
	}
	switch op {
	case provider.OpRevoke:
		return provider.RevokeRequest{Reason: f.reason}, opts, nil
	case provider.OpRenew:
		return renew, opts, nil
	}
	req := provider.NewRequest(op, "", provider.RequestInputs{})
	if req == nil {
		return nil, opts, fmt.Errorf("unknown operation %q", op)
	}
	return req, opts, nil
}

// resolveRefs resolves every ref with the broker and checks its ID against
// the provider's own shape (provider.IDChecker), dropping duplicates with a
// warning. All bad refs are reported at once.
func resolveRefs(b *broker.Broker, reg origins, srcs []refSource, warn io.Writer) ([]provider.Ref, error) {
	var refs []provider.Ref
	var bad []string
	nbad := 0
	seen := map[provider.Ref]string{}
	for _, s := range srcs {
		r, err := b.Resolve(s.text)
		if ck, ok := reg[r.Origin].(provider.IDChecker); ok && err == nil {
			err = ck.CheckID(r.ID)
		}
		if err != nil {
			nbad++
			if nbad <= maxBadRefs {
				bad = append(bad, "  "+joinDetail(s.where, refText(s.text), refProblem(err, s.text)))
			}
			continue
		}
		if first, dup := seen[r]; dup {
			fmt.Fprintln(warn, escapeControls(fmt.Sprintf("certbroker: %s: %s was already given at %s; doing it once", s.where, r, first), false))
			continue
		}
		seen[r] = s.where
		refs = append(refs, r)
	}
	if nbad > 0 {
		msg := strings.Join(bad, "\n")
		if nbad > maxBadRefs {
			msg += fmt.Sprintf("\n  ... and %d more", nbad-maxBadRefs)
		}
		return nil, fmt.Errorf("%d bad ref%s (nothing was done):\n%s", nbad, plural(nbad), msg)
	}
	return refs, nil
}

// confirmDestructive asks before revoke and delete, and before a renew
// that is billed at any origin (Capabilities().Renew.Billable). It returns
// ok == false and the exit code when the command must stop.
func (c *cli) confirmDestructive(ctx context.Context, op provider.Op, f *opFlags, reg origins, refs []provider.Ref, usedStdin bool) (int, bool) {
	if f.dryRun || f.yes {
		return exitOK, true
	}
	billed := billedRefs(reg, op, refs)
	if op != provider.OpRevoke && op != provider.OpDelete && billed.total() == 0 {
		return exitOK, true
	}
	what := fmt.Sprintf("%s %d order%s", op, len(refs), plural(len(refs)))
	if n := billed.total(); n > 0 {
		what += fmt.Sprintf(" (billed: %d)", n)
	}
	switch {
	case usedStdin:
		return c.errorf("%s: refs were read from stdin, so there is no way to confirm; pass --yes to %s",
			op, what), false
	case !c.isTerminal(c.stdin):
		return c.errorf("%s: refusing to %s without confirmation: stdin is not a terminal; pass --yes (or --dry-run to check first)",
			op, what), false
	}
	if !confirm(ctx, c.stdin, c.stderr, op, refs, billed) {
		if ctx.Err() != nil {
			fmt.Fprintln(c.stderr, "certbroker: interrupted at the prompt; nothing was done")
		} else {
			fmt.Fprintln(c.stderr, "certbroker: aborted; nothing was done")
		}
		return exitFailed, false
	}
	return exitOK, true
}

// report prints the outcomes and a summary, and returns the exit code.
func (c *cli) report(outs []outcome, format outputFlag, dryRun bool, ctxErr error) int {
	var err error
	if format == outputJSON {
		err = writeJSONLines(c.stdout, outs)
	} else {
		err = writeTable(c.stdout, outs)
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "certbroker: writing output: %v\n", err)
		return exitFailed
	}
	ok, failed := summary(outs)
	what := "succeeded"
	if dryRun {
		what = "would be attempted (dry run; nothing was changed)"
	}
	fmt.Fprintf(c.stderr, "%d of %d %s", ok, len(outs), what)
	if failed > 0 {
		fmt.Fprintf(c.stderr, ", %d failed", failed)
	}
	if ctxErr != nil {
		fmt.Fprint(c.stderr, " (interrupted)")
	}
	fmt.Fprintln(c.stderr)
	if failed > 0 {
		return exitFailed
	}
	return exitOK
}

// dryRunSummary tells, per origin, how many items a dry run found ready,
// and how many of them would be billed:
//
//	would renew 3 (billed: 1)
//	  alibaba: would renew 2
//	  huawei: would renew 1 (billed: 1)
func dryRunSummary(op provider.Op, reg origins, items []broker.Item) string {
	ready := map[string]int{}
	billed := billing{}
	for _, it := range items {
		if it.Err != nil {
			continue
		}
		ready[it.Ref.Origin]++
		if billable(reg, op, it.Ref.Origin) {
			billed[it.Ref.Origin]++
		}
	}
	showBilled := op == provider.OpRenew || billed.total() > 0
	return originCounts("would "+string(op), ready, billed, showBilled, nil)
}

// originCounts renders a total line, then one line per origin (the keys
// of counts and extra but ""), in name order:
//
//	VERB N (billed: M)EXTRA
//	  origin: VERB n (billed: m)EXTRA
//
// "(billed: ...)" only when showBilled; EXTRA is extra[origin], and
// extra[""] on the total line.
func originCounts(verb string, counts map[string]int, billed billing, showBilled bool, extra map[string]string) string {
	line := func(n, m int) string {
		s := fmt.Sprintf("%s %d", verb, n)
		if showBilled {
			s += fmt.Sprintf(" (billed: %d)", m)
		}
		return s
	}
	total := 0
	names := make([]string, 0, len(counts))
	for o, n := range counts {
		total += n
		names = append(names, o)
	}
	for o := range extra {
		if _, ok := counts[o]; !ok && o != "" {
			names = append(names, o)
		}
	}
	slices.Sort(names)
	var b strings.Builder
	b.WriteString(line(total, billed.total()) + extra[""] + "\n")
	for _, o := range names {
		fmt.Fprintf(&b, "  %s: %s%s\n", o, line(counts[o], billed[o]), extra[o])
	}
	return b.String()
}

// refText is a ref as the user wrote it, for a message: quoted when it is
// empty, starts or ends with ':', or holds spaces or unprintable characters,
// and shortened when long.
func refText(s string) string {
	t := truncate(s, 80)
	if t == "" || strings.HasPrefix(t, ":") || strings.HasSuffix(t, ":") || strings.ContainsFunc(t, func(r rune) bool { return !unicode.IsGraphic(r) || unicode.IsSpace(r) }) {
		return strconv.Quote(t)
	}
	return t
}

// refProblem is what is wrong with a ref, without the origin or ID the
// error repeats from the ref itself: "invalid argument: ID \"\" is empty".
func refProblem(err error, text string) string {
	var pe *provider.Error
	if errors.As(err, &pe) {
		kind := pe.Kind.Error()
		if pe.Code != "" {
			kind += " (" + pe.Code + ")"
		}
		msg := pe.Message
		if msg == "" && pe.Err != nil {
			msg = pe.Err.Error()
		}
		return joinDetail(kind, msg)
	}
	return strings.TrimPrefix(err.Error(), text+": ")
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
