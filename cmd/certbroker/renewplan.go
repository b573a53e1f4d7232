package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/journal"
	"github.com/certbroker/certbroker/provider"
)

// renewExpiringUsage is the --expiring-within paragraph of renew's help.
const renewExpiringUsage = `Renewing what expires: with --expiring-within DUR, renew takes no REFs. It
lists every configured origin that can renew (or the ORIGINs named), keeps the
certificates in their renewal window (state expiring: issued, within 30 days
of expiry on both clouds) whose validity ends within DUR, and renews them as
if they had been given as REFs: the same confirmation (--yes), output, exit
status and journal. A DUR longer than the renewal window finds no more: a
certificate outside it cannot be renewed yet. --domain keeps one domain and
the names under it. An origin that cannot renew (Huawei without
renew_by_purchase) is left out with a note on stderr; naming it is an error.

  - The plan comes first, before anything is sent: each ref with its
    not_after and whether it is billed, and per origin how many. With
    --output json it is one line per listed certificate on stdout, with
    "plan": "renew" or "skip", before the outcome lines; the counts go to
    stderr.
  - A certificate past its not_after is skipped, never renewed: neither
    cloud renews an expired certificate (Huawei may still show one as
    issued). So is one whose state or ID its origin cannot renew.
  - When an origin's listing fails, what it holds is unknown: renew prints
    the failure on stderr, renews nothing and exits 1. With --partial it
    renews what was listed (the other origins', and the failed one's up to
    the failure) and still exits 1, so that the origin left out is noticed.
  - Nothing to renew: it says so, sends nothing and exits 0.
  - Earlier runs are checked. A renewal leaves the old certificate as it
    was, still expiring, so a new listing finds the renewed ones again.
    Before showing the plan, renew reads the renew journals of the state
    directory from the last 60 days (by when each run began, or a resumed
    one sent the renewal) and skips each certificate that an earlier run
    renewed, "renewed by run RUN (new order ID)", or left in doubt (it may
    have been sent), "in doubt in run RUN: resume it with certbroker renew
    --resume RUN -f PLAN". --again renews them anyway: each one is renewed,
    and where billed bought, again (a billed plan still needs --yes).
  - The check sees only this machine's state directory: not runs made with
    --no-journal (they leave no journal), with a --journal FILE elsewhere,
    on another machine or at the console. Two renew --expiring-within runs
    on one machine cannot overlap: the second fails at once (exit 1,
    nothing listed or sent) while the first holds the state directory's
    renew-expiring-within.lock.
  - A journal in the state directory that cannot be read (damaged, not a
    journal, no permission) may record renewals: it is named on stderr and
    nothing is renewed (exit 1, nothing sent) until it is fixed or moved
    out of the directory, or --again is given. Not so for one whose name is
    another operation's run ID (20261130T180102Z-revoke-k3v9), for an empty
    file (nothing was sent under it), or one last written over 60 days ago.
  - The plan is saved next to the run's journal (RUN.plan, one ref a line)
    before anything is sent, and an interrupted run continues from it, like
    any renew:
      certbroker renew --resume RUN -f PLAN
    --expiring-within with --resume, or with a --journal FILE that already
    holds a run, is refused (exit 2): a new listing is not the run's plan.
  - REFs or -f with --expiring-within, or a bad DUR, are usage errors (exit
    2), found before anything is sent.

`

// planExt ends the name of a plan saved next to its run's journal.
const planExt = ".plan"

// planHeader starts every saved plan; an existing file without it is
// never overwritten.
const planHeader = "# certbroker renew plan"

// planItem is one certificate a renew --expiring-within listing found.
type planItem struct {
	ref   provider.Ref
	entry provider.ListEntry
	// billed: renewing it costs money at its origin.
	billed bool
	// skip says why it is not renewed; "" when it is.
	skip string
	// earlier: skipped because an earlier run renewed it or left it in
	// doubt (skip says which).
	earlier bool
	// again: renewed with --again although an earlier run renewed it or
	// left it in doubt, as this says.
	again string
}

// listFailure is an origin whose listing ended with an error.
type listFailure struct {
	origin string
	err    error
}

// renewPlan is what renew --expiring-within found: the refs to renew and
// the ones skipped, in listing order (origins by name), and the origins
// whose listing failed.
type renewPlan struct {
	within   string // the --expiring-within value as given
	domain   string
	origins  []string
	listedAt time.Time
	items    []planItem
	failed   []listFailure
}

// refs are the refs to renew, in listing order.
func (p *renewPlan) refs() []provider.Ref {
	var out []provider.Ref
	for _, it := range p.items {
		if it.skip == "" {
			out = append(out, it.ref)
		}
	}
	return out
}

// failedOrigins names the origins whose listing failed.
func (p *renewPlan) failedOrigins() string {
	names := make([]string, len(p.failed))
	for i, f := range p.failed {
		names[i] = f.origin
	}
	return strings.Join(slices.Compact(names), ", ")
}

// runRenewExpiring runs renew --expiring-within: it lists, shows the plan,
// and renews the planned refs through runRefs, the path of renew REF...
func (c *cli) runRenewExpiring(ctx context.Context, f *opFlags, args []string, req provider.Request, opts broker.BulkOptions) int {
	const op = provider.OpRenew
	lreq, err := f.expiringRequest()
	if err != nil {
		return c.errorf("renew: %v", err)
	}
	if err := c.expiringConflicts(f, args); err != nil {
		return c.errorf("renew: %v", err)
	}
	env, err := c.newOpEnv(f)
	if err != nil {
		return c.errorf("%v", err)
	}
	names, err := renewOrigins(env.reg, args, env.stderr)
	if err != nil {
		return c.errorf("renew: %v", err)
	}
	// One run at a time on this machine: a run sees what another has
	// renewed only once that one has journaled it.
	release, err := c.lockRenewExpiring()
	if err != nil {
		fmt.Fprintln(env.stderr, "certbroker: renew: "+escapeControls(err.Error(), false))
		return exitFailed
	}
	defer func() { _ = release() }()
	plan := listPlan(ctx, env, names, lreq, env.stderr)
	plan.within, plan.domain = f.expiring, f.domain
	if ctx.Err() != nil {
		fmt.Fprintln(env.stderr, "certbroker: renew: interrupted while listing; nothing was sent")
		return exitFailed
	}
	// Earlier runs: a renewal leaves the old certificate expiring, so the
	// listing finds what they renewed again.
	hist := c.earlierRenewals(f.journalPath, time.Now())
	earlier := skipEarlier(plan, hist, f.again)
	if err := writePlan(c.stdout, plan, f.output); err != nil {
		fmt.Fprintf(env.stderr, "certbroker: writing output: %v\n", err)
		return exitFailed
	}
	fmt.Fprint(env.stderr, planSummary(plan))
	for _, l := range earlierNotes(hist, earlier, f.again) {
		fmt.Fprintln(env.stderr, escapeControls(l, false))
	}
	refs := plan.refs()
	if len(plan.failed) > 0 && !f.partial {
		fmt.Fprintln(env.stderr, escapeControls(fmt.Sprintf(
			"certbroker: renew: refusing to renew: the listing of %s failed, so the plan may be incomplete; nothing was sent. "+
				"Run again once the cause is fixed, or pass --partial to renew the %d certificate%s listed.",
			plan.failedOrigins(), len(refs), plural(len(refs))), false))
		return exitFailed
	}
	if len(hist.unreadable) > 0 && len(refs) > 0 && !f.again {
		fmt.Fprintln(env.stderr, escapeControls(unreadableRefusal(hist, len(refs)), false))
		return exitFailed
	}
	code := exitOK
	switch {
	case len(refs) == 0 && len(plan.failed) > 0:
		// What the failed origins hold is unknown: never "nothing expires".
		fmt.Fprintln(env.stderr, escapeControls(fmt.Sprintf(
			"certbroker: renew: nothing to renew among what was listed; the listing of %s failed, so what it holds "+
				"is unknown; nothing was sent", plan.failedOrigins()), false))
	case len(refs) == 0 && earlier > 0:
		fmt.Fprintln(env.stderr, escapeControls(fmt.Sprintf(
			"certbroker: renew: nothing to renew: every certificate in its renewal window that expires within %s%s "+
				"was renewed or is in doubt in an earlier run (see the plan); nothing was sent",
			f.expiring, domainText(f.domain)), false))
	case len(refs) == 0:
		fmt.Fprintln(env.stderr, escapeControls(fmt.Sprintf(
			"certbroker: renew: nothing to renew: no certificate in its renewal window expires within %s%s; nothing was sent",
			f.expiring, domainText(f.domain)), false))
	default:
		code = c.runRefs(ctx, op, f, req, opts, env, refs, false, plan)
	}
	if len(plan.failed) > 0 {
		fmt.Fprintln(env.stderr, escapeControls(fmt.Sprintf(
			"certbroker: renew: --partial: the listing of %s failed; what it did not list was not renewed", plan.failedOrigins()), false))
		if code == exitOK {
			code = exitFailed
		}
	}
	return code
}

// expiringRequest turns --expiring-within and --domain into a listing
// request (States are set per origin), refusing bad values before
// anything is read or sent.
func (f *opFlags) expiringRequest() (provider.ListRequest, error) {
	var req provider.ListRequest
	d, err := parseDays(f.expiring)
	if err != nil {
		return req, fmt.Errorf("--expiring-within %q: %v", f.expiring, err)
	}
	req.ExpiringWithin, req.Domain = d, f.domain
	if err := req.Validate(); err != nil {
		return req, fmt.Errorf("--domain %q: %v", f.domain, refProblem(err, ""))
	}
	return req, nil
}

// expiringConflicts refuses what --expiring-within cannot go with: refs,
// and resuming a run (see renewExpiringUsage).
func (c *cli) expiringConflicts(f *opFlags, args []string) error {
	for _, a := range args {
		if strings.Contains(a, ":") {
			return fmt.Errorf("--expiring-within renews what a listing finds and takes no refs (%s): "+
				"give refs without --expiring-within, or origin names with it", refText(a))
		}
	}
	if len(f.files) > 0 {
		return errors.New("-f and --expiring-within exclude each other: renew either the refs of a file or what a listing finds")
	}
	if f.resume != "" {
		return fmt.Errorf("--expiring-within starts a new run from a new listing and cannot resume one "+
			"(renewed certificates still list as expiring, and the listing changes with time); nothing was sent. "+
			"Continue run %s from the plan it saved: certbroker renew --resume %s -f %s",
			f.resume, f.resume, c.resumePlanPath(f.resume))
	}
	if f.journalPath != "" {
		if fi, err := os.Stat(f.journalPath); err == nil && fi.Size() > 0 {
			return fmt.Errorf("--journal %s already holds a run, and --expiring-within starts a new one from a new listing; nothing was sent. "+
				"Continue that run from the plan it saved: certbroker renew --journal %s -f %s; or pass another --journal FILE",
				f.journalPath, f.journalPath, planPath(f.journalPath))
		}
	}
	if f.resendInDoubt {
		return errors.New("--resend-in-doubt applies to a resumed run: resume it with its saved plan (-f PLAN), without --expiring-within")
	}
	return nil
}

// renewOrigins picks the origins to list: the ones named, each of which
// must exist and renew, or every configured origin that renews (the
// others are named on warn).
func renewOrigins(reg origins, named []string, warn io.Writer) ([]string, error) {
	all := make([]string, 0, len(reg))
	for n := range reg {
		all = append(all, n)
	}
	slices.Sort(all)
	if len(named) > 0 {
		names := slices.Compact(slices.Sorted(slices.Values(named)))
		for _, n := range names {
			p, ok := reg[n]
			if !ok {
				return nil, fmt.Errorf("unknown origin %s (configured: %s); with --expiring-within the arguments name origins",
					refText(n), strings.Join(all, ", "))
			}
			if !p.Capabilities().Renew.Supported {
				return nil, fmt.Errorf("origin %s cannot renew (%s)", n, renewOffText)
			}
		}
		return names, nil
	}
	var names []string
	for _, n := range all {
		if !reg[n].Capabilities().Renew.Supported {
			fmt.Fprintf(warn, "certbroker: renew: %s not listed: it cannot renew (%s)\n", n, renewOffText)
			continue
		}
		names = append(names, n)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no configured origin can renew (%s)", renewOffText)
	}
	return names, nil
}

// renewOffText says why an origin may not renew.
const renewOffText = "its adapter does not renew; a Huawei origin renews only with renew_by_purchase: true"

// renewListStates are the states a renew listing asks an origin for: the
// states it renews from, and expired, so that expired certificates are
// counted as skipped rather than passed over in silence.
func renewListStates(c provider.OpCapability) []provider.State {
	states := slices.Clone(c.From)
	if !slices.Contains(states, provider.StateExpired) {
		states = append(states, provider.StateExpired)
	}
	return states
}

// listPlan lists each origin in turn, asking for its renewable states,
// and sorts what it finds into refs to renew and refs skipped. Listing
// failures are printed on warn as they come.
func listPlan(ctx context.Context, env *opEnv, names []string, lreq provider.ListRequest, warn io.Writer) *renewPlan {
	plan := &renewPlan{origins: names, listedAt: time.Now()}
	seen := map[provider.Ref]bool{}
	for _, name := range names {
		p := env.reg[name]
		req := lreq
		req.States = renewListStates(p.Capabilities().Renew)
		billed := billable(env.reg, provider.OpRenew, name)
		for it := range env.b.List(ctx, req, name) {
			if it.Err != nil {
				plan.failed = append(plan.failed, listFailure{origin: name, err: it.Err})
				fmt.Fprintln(warn, "certbroker: renew: listing failed: "+escapeControls(it.Err.Error(), false))
				continue
			}
			ref := it.Ref()
			if seen[ref] {
				continue
			}
			seen[ref] = true
			item := planItem{ref: ref, entry: it.Entry, skip: skipReason(p, it.Entry, time.Now())}
			item.billed = item.skip == "" && billed
			plan.items = append(plan.items, item)
		}
	}
	return plan
}

// renewExpiringLock names the lock file, in the state directory, that
// renew --expiring-within holds for the whole run.
const renewExpiringLock = "renew-expiring-within.lock"

// lockRenewExpiring takes the lock of renew --expiring-within runs; a
// second run fails at once. Without a usable state directory there is no
// journal to share with another run, and it locks nothing (with a
// warning when the directory exists but cannot hold the lock).
func (c *cli) lockRenewExpiring() (release func() error, err error) {
	dir, err := c.stateDir()
	if err != nil {
		return func() error { return nil }, nil
	}
	path := filepath.Join(dir, renewExpiringLock)
	release, err = journal.Lock(path)
	switch {
	case errors.Is(err, journal.ErrInUse):
		return nil, fmt.Errorf("another renew --expiring-within is running on this machine (it holds %s); "+
			"nothing was listed or sent: wait for it to end, then run again (it skips what that run renewed)", path)
	case err != nil:
		// A state directory that cannot hold the lock cannot hold
		// journals either: the check of earlier runs reports it and
		// refuses to renew unless --again.
		fmt.Fprintf(c.stderr, "certbroker: warning: renew: runs on this machine are not kept apart: %s\n",
			escapeControls(oneLineErr(err), false))
		return func() error { return nil }, nil
	}
	return release, nil
}

// skipReason says why a listed certificate is not renewed, or "" when it
// is: an ID its origin would refuse, no known expiry, past its expiry,
// or a state its origin does not renew from.
func skipReason(p provider.Provider, e provider.ListEntry, now time.Time) string {
	err := provider.ValidateID(e.ID)
	if ck, ok := p.(provider.IDChecker); ok && err == nil {
		err = ck.CheckID(e.ID)
	}
	switch {
	case err != nil:
		return "ID refused: " + refProblem(err, "")
	case e.NotAfter.IsZero():
		return "no not_after: its expiry is not known"
	case !e.NotAfter.After(now):
		return "expired: neither cloud renews a certificate past its not_after"
	}
	switch c := provider.CapabilitiesFor(p, e.ID).Renew; {
	case !c.Supported:
		// An Alibaba instance-model certificate, for one.
		why := "its origin cannot renew this certificate"
		if c.Note != "" {
			why += ": " + escapeControls(c.Note, false)
		}
		return why
	case !c.Allows(e.State):
		return "its origin does not renew from state " + e.State.String()
	}
	return ""
}

// planLine is one JSON line of a renew --expiring-within plan (schema 1;
// see README): one per listed certificate, before the outcome lines,
// which it tells apart by its "plan" key.
type planLine struct {
	Schema int `json:"schema"`
	// Plan is "renew" or "skip".
	Plan        string   `json:"plan"`
	Ref         string   `json:"ref"`
	State       string   `json:"state"`
	NativeState string   `json:"native_state"`
	NotAfter    string   `json:"not_after"`
	Domains     []string `json:"domains"`
	Billed      bool     `json:"billed"`
	// Reason says why a skipped certificate is not renewed.
	Reason string `json:"reason"`
}

// writePlan prints the plan on w: a table, or one JSON line per listed
// certificate. The refs to renew come first, then the skipped ones (in
// the table, at most maxListed of them).
func writePlan(w io.Writer, plan *renewPlan, format outputFlag) error {
	ordered := make([]planItem, 0, len(plan.items))
	for _, skipped := range []bool{false, true} {
		for _, it := range plan.items {
			if (it.skip != "") == skipped {
				ordered = append(ordered, it)
			}
		}
	}
	if format == outputJSON {
		for _, it := range ordered {
			l := planLine{Schema: schemaVersion, Plan: "renew", Ref: it.ref.String(), State: it.entry.State.String(),
				NativeState: it.entry.NativeState, NotAfter: rfc3339OrEmpty(it.entry.NotAfter),
				Domains: nonNil(it.entry.Domains), Billed: it.billed, Reason: it.skip}
			if it.skip != "" {
				l.Plan = "skip"
			}
			if err := writeJSONLine(w, l); err != nil {
				return err
			}
		}
		return nil
	}
	if len(ordered) == 0 {
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PLAN\tREF\tSTATE\tNOT AFTER\tDOMAINS\tNOTE")
	skipped := 0
	for _, it := range ordered {
		action, note := "renew", ""
		if it.billed {
			note = "billed"
		}
		if it.again != "" {
			note = strings.TrimPrefix(note+"; again: "+it.again, "; ")
		}
		if it.skip != "" {
			if skipped++; skipped > maxListed {
				continue
			}
			action, note = "skip", it.skip
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", action, cell(it.ref.String()), it.entry.State,
			dash(rfc3339OrEmpty(it.entry.NotAfter)), cell(strings.Join(it.entry.Domains, ",")), cell(note))
	}
	if skipped > maxListed {
		fmt.Fprintf(tw, "skip\t... and %d more\t\t\t\t\n", skipped-maxListed)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w)
	return err
}

// planSummary counts the plan per origin, on the lines of a dry run's
// summary:
//
//	certbroker: renew: plan (expiring within 30d): renew 3 (billed: 1), skip 3 (earlier runs: 2)
//	  alibaba: renew 2 (billed: 0), skip 1
//	  huawei: renew 1 (billed: 1), skip 2 (earlier runs: 2); listing failed
//
// "(earlier runs: N)" counts the skips of refs that earlier runs renewed
// or left in doubt.
func planSummary(plan *renewPlan) string {
	counts, billed, skips, earlier := map[string]int{}, billing{}, map[string]int{}, map[string]int{}
	for _, o := range plan.origins {
		counts[o] = 0
	}
	for _, it := range plan.items {
		o := it.ref.Origin
		switch {
		case it.skip != "":
			skips[o]++
			skips[""]++
			if it.earlier {
				earlier[o]++
				earlier[""]++
			}
		case it.billed:
			billed[o]++
			fallthrough
		default:
			counts[o]++
		}
	}
	extra := map[string]string{}
	for o, n := range skips {
		extra[o] = fmt.Sprintf(", skip %d", n)
		if earlier[o] > 0 {
			extra[o] += fmt.Sprintf(" (earlier runs: %d)", earlier[o])
		}
	}
	for _, f := range plan.failed {
		if !strings.HasSuffix(extra[f.origin], "; listing failed") {
			extra[f.origin] += "; listing failed"
		}
	}
	head := fmt.Sprintf("certbroker: renew: plan (expiring within %s%s): ", plan.within, domainText(plan.domain))
	return escapeControls(head+originCounts("renew", counts, billed, true, extra), true)
}

// domainText is " for DOMAIN" when a domain filter is set.
func domainText(domain string) string {
	if domain == "" {
		return ""
	}
	return " for " + domain
}

// resumePlanPath is where run's plan was saved (see planPath): next to
// the journal that --resume run names.
func (c *cli) resumePlanPath(run string) string {
	path, err := c.resumeJournalPath(run)
	if err != nil {
		return strings.TrimSuffix(run, journalExt) + planExt
	}
	return planPath(path)
}

// planPath is the plan saved next to the journal at journalPath:
// RUN.journal's is RUN.plan, and FILE's (any other name) FILE.plan.
func planPath(journalPath string) string {
	return strings.TrimSuffix(journalPath, journalExt) + planExt
}

// planFile renders the plan as a refs file for -f: the refs to renew, one
// a line, in the plan's order, after comments that say where they come
// from and how to continue the run.
func planFile(plan *renewPlan, cont string) []byte {
	refs := plan.refs()
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s: %d ref%s to renew, listed %s from %s, expiring within %s%s.\n", planHeader,
		len(refs), plural(len(refs)), plan.listedAt.UTC().Format(time.RFC3339), strings.Join(plan.origins, ", "),
		plan.within, domainText(plan.domain))
	fmt.Fprintf(&b, "# It is the run's list of refs: continue the run with: certbroker renew %s\n", cont)
	for _, it := range plan.items {
		if it.skip != "" {
			continue
		}
		note := ""
		if it.billed {
			note = ", billed"
		}
		fmt.Fprintf(&b, "%s # %s, not_after %s%s\n", it.ref, it.entry.State, rfc3339OrEmpty(it.entry.NotAfter), note)
	}
	return b.Bytes()
}

// savePlan writes data to path durably (a temporary file, fsynced, then
// renamed), refusing to replace a file that is not a saved plan.
func savePlan(path string, data []byte) error {
	if f, err := os.Open(path); err == nil {
		head := make([]byte, len(planHeader))
		_, rerr := io.ReadFull(f, head)
		f.Close()
		if rerr != nil || string(head) != planHeader {
			return fmt.Errorf("%s exists and is not a certbroker plan: refusing to overwrite it", path)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".plan-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after the rename, there is nothing to remove
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // the new name; not every system can
		d.Close()
	}
	return nil
}
