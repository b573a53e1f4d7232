package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/certbroker/certbroker/journal"
	"github.com/certbroker/certbroker/provider"
)

// earlierWindow is how far back renew --expiring-within looks for the
// renewals of earlier runs. A renewal leaves the old certificate in its
// renewal window (expiring), which lasts 30 days on both clouds; after it
// the certificate is past its not_after, and the plan skips it as
// expired. Twice the window leaves a margin for clocks and slow runs.
const earlierWindow = 60 * 24 * time.Hour

// earlierRenewal is what an earlier run's journal says about a ref: it
// was renewed (newID, "" when the journal does not say), or the renewal
// may have been sent and its outcome is not known.
type earlierRenewal struct {
	run     string // the run's ID: its journal's name without .journal
	plan    string // the run's saved plan, "" when it has none
	inDoubt bool
	newID   string
	at      time.Time // when it was sent (its intent), or else the run began
}

// reason is the plan's skip reason for a ref an earlier run renewed.
func (e earlierRenewal) reason() string {
	if e.inDoubt {
		how := "certbroker renew --resume " + e.run + " and that run's refs"
		if e.plan != "" {
			how = "certbroker renew --resume " + e.run + " -f " + e.plan
		}
		return "in doubt in run " + e.run + ": resume it with " + how
	}
	order := "new order not recorded"
	if e.newID != "" {
		order = "new order " + e.newID
	}
	return "renewed by run " + e.run + " (" + order + ")"
}

// better reports whether e should be named rather than other, for
// the same ref: a renewal rather than a doubt, then the latest.
func (e earlierRenewal) better(other earlierRenewal) bool {
	if e.inDoubt != other.inDoubt {
		return !e.inDoubt
	}
	if !e.at.Equal(other.at) {
		return e.at.After(other.at)
	}
	return e.run > other.run
}

// renewHistory is what the journals in the state directory say about
// recent renewals.
type renewHistory struct {
	dir  string
	refs map[provider.Ref]earlierRenewal
	// warnings are printed on stderr, one line each: journals that
	// cannot be read, and why the check could not run.
	warnings []string
	// unreadable names the journals that cannot be read and may record
	// a renewal of a planned ref: renewing is refused unless --again.
	unreadable []string
}

// earlierRenewals reads the journals of the state directory for the
// renewals of earlier runs made since now less earlierWindow: each ref
// whose renewal succeeded, or may have been sent (an intent without a
// settled outcome, or an outcome marked in doubt). Nothing is written,
// and no journal is locked: a run in progress elsewhere is read as far
// as it has got.
//
//   - Journals of other operations, a file without a run record (nothing
//     was sent under it) and files that are not regular (Open refuses
//     them, so no run was journaled in one) do not count.
//   - A journal last modified before the window is not read: each record
//     was written before that. A renewal counts when the run began, or
//     its intent was recorded (a run resumed later), within the window;
//     a journal that records neither time counts.
//   - ownJournal (--journal FILE, "" without it) is the new run's own
//     journal, which does not count even when it is in the state
//     directory. --journal files elsewhere are not read at all.
//   - A journal that cannot be read is a warning; it is unreadable (and
//     stops the renewal unless --again) unless its name is the run ID of
//     another operation (20261130T180102Z-revoke-k3v9), whose journal
//     cannot hold a renew.
func (c *cli) earlierRenewals(ownJournal string, now time.Time) *renewHistory {
	h := &renewHistory{refs: map[provider.Ref]earlierRenewal{}}
	dir, err := c.stateDir()
	if err != nil {
		// No journaled run could have been made in this environment
		// without --journal FILE, which is not read anyway.
		h.warnings = append(h.warnings, "earlier runs not checked: there is no state directory (set XDG_STATE_HOME or HOME)")
		return h
	}
	h.dir = dir
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return h
	}
	if err != nil {
		h.warnings = append(h.warnings, fmt.Sprintf("cannot read the state directory %s: %v", dir, oneLineErr(err)))
		h.unreadable = append(h.unreadable, dir)
		return h
	}
	var own os.FileInfo
	if ownJournal != "" {
		own, _ = os.Stat(ownJournal)
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, journalExt) {
			continue
		}
		path := filepath.Join(dir, name)
		id := strings.TrimSuffix(name, journalExt)
		unreadable := func(err error) {
			why := strings.TrimPrefix(oneLineErr(err), path+": ") // Read's errors name the file
			if op, ok := runIDOp(id); ok && op != provider.OpRenew {
				h.warnings = append(h.warnings, fmt.Sprintf("cannot read journal %s: %s (by its name, a %s run: not counted)", path, why, op))
				return
			}
			h.warnings = append(h.warnings, fmt.Sprintf("cannot read journal %s: %s; it may record renewals", path, why))
			h.unreadable = append(h.unreadable, path)
		}
		fi, err := os.Stat(path) // through a symbolic link
		switch {
		case err != nil:
			unreadable(err)
			continue
		case !fi.Mode().IsRegular(), own != nil && os.SameFile(fi, own), now.Sub(fi.ModTime()) > earlierWindow:
			continue
		}
		s, recorded, err := journal.Read(path)
		if errors.Is(err, journal.ErrNoRun) {
			continue
		}
		if err != nil {
			unreadable(err)
			continue
		}
		if s.Run.Op != provider.OpRenew {
			continue
		}
		plan := planPath(path)
		if _, err := os.Stat(plan); err != nil {
			plan = ""
		}
		for ref, je := range recorded {
			renewed := je.Outcome != nil && !je.Outcome.InDoubt && je.Outcome.OK
			doubt := (je.Intent && je.Outcome == nil) || (je.Outcome != nil && je.Outcome.InDoubt)
			if !renewed && !doubt {
				continue // never sent, withdrawn, or failed (proved not applied)
			}
			at := s.Started
			if je.IntentAt.After(at) {
				at = je.IntentAt
			}
			if !at.IsZero() && now.Sub(at) > earlierWindow {
				continue
			}
			er := earlierRenewal{run: id, plan: plan, inDoubt: !renewed, at: at}
			if renewed {
				er.newID = je.Outcome.NewID
			}
			if prev, ok := h.refs[ref]; !ok || er.better(prev) {
				h.refs[ref] = er
			}
		}
	}
	return h
}

// runIDOp is the operation a run ID made by newRunID names
// (20261130T180102Z-renew-k3v9).
func runIDOp(id string) (provider.Op, bool) {
	parts := strings.Split(id, "-")
	if len(parts) != 3 || len(parts[2]) != 4 {
		return "", false
	}
	if _, err := time.Parse("20060102T150405Z", parts[0]); err != nil {
		return "", false
	}
	op, err := provider.ParseOp(parts[1])
	return op, err == nil
}

// skipEarlier applies the history to the plan: each ref to renew that an
// earlier run renewed or left in doubt is skipped with the reason, or
// with again, kept and noted. It returns how many refs it skipped or
// noted.
func skipEarlier(plan *renewPlan, h *renewHistory, again bool) int {
	n := 0
	for i := range plan.items {
		it := &plan.items[i]
		e, ok := h.refs[it.ref]
		if !ok || it.skip != "" {
			continue
		}
		n++
		if again {
			it.again = e.reason()
			continue
		}
		it.skip, it.earlier, it.billed = e.reason(), true, false
	}
	return n
}

// earlierNotes are the lines renew --expiring-within prints on stderr
// about earlier runs, after the plan: the journals it could not read,
// and what it skipped or renews again.
func earlierNotes(h *renewHistory, found int, again bool) []string {
	var out []string
	for _, w := range h.warnings {
		out = append(out, "certbroker: renew: warning: "+w)
	}
	switch {
	case found > 0 && again:
		out = append(out, fmt.Sprintf("certbroker: renew: --again: %d certificate%s that earlier runs renewed or left in doubt %s renewed again "+
			"(noted in the plan); where billed, each is bought again", found, plural(found), isAre(found)))
	case found > 0:
		out = append(out, fmt.Sprintf("certbroker: renew: skipped %d certificate%s that earlier runs renewed or left in doubt "+
			"(a renewal leaves the old certificate expiring); --again renews them anyway, buying each again where billed", found, plural(found)))
	}
	return out
}

// unreadableRefusal is the message that stops a renewal when journals
// that may record renewals cannot be read.
func unreadableRefusal(h *renewHistory, refs int) string {
	n := len(h.unreadable)
	return fmt.Sprintf("certbroker: renew: refusing to renew: %s cannot be read (see the warning%s above), and may record renewals of "+
		"the %d certificate%s planned; nothing was sent. Check what %s, then fix %s or move %s out of the state directory; "+
		"or pass --again to renew anyway (a certificate an unread journal records as renewed is renewed, and where billed bought, again)",
		strings.Join(h.unreadable, ", "), plural(n), refs, plural(refs),
		pick(n == 1, "it holds", "they hold"), pick(n == 1, "it", "them"), pick(n == 1, "it", "them"))
}

func isAre(n int) string { return pick(n == 1, "is", "are") }

func pick(cond bool, a, b string) string {
	if cond {
		return a
	}
	return b
}
