package reliability

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
)

// settled is the state a seeded state reaches once the emulator finishes
// its asynchronous work (Huawei's CANCELCHECKING and REVOKING).
func settled(s provider.State) provider.State {
	switch s {
	case provider.StateCancelling:
		return provider.StateCancelled
	case provider.StateRevoking:
		return provider.StateRevoked
	}
	return s
}

// reported is the state Status reports for an order in state s: neither
// cloud tells a cancelled order from a fresh one (both adapters declare
// it in Capabilities().Cancel.ReportedAs).
func reported(s provider.State) provider.State {
	if s == provider.StateCancelled {
		return provider.StatePendingApplication
	}
	return s
}

// target is the settled state a successful op leaves its order in; ok is
// false for Delete (gone) and for ops that leave it as it was.
func target(op provider.Op) (provider.State, bool) {
	switch op {
	case provider.OpCancel:
		return provider.StateCancelled, true
	case provider.OpRevoke:
		return provider.StateRevoked, true
	}
	return provider.StateUnknown, false
}

// ambiguous reports whether any attempt of a failed item may have been
// applied at the cloud.
func ambiguous(e *broker.OpError) bool {
	if e.Err != nil && e.Err.Kind == provider.KindOutcomeUnknown {
		return true
	}
	for _, a := range e.Attempts {
		if provider.KindOf(a) == provider.KindOutcomeUnknown {
			return true
		}
	}
	return false
}

// tally counts outcomes per backend and operation for the log.
type tally map[string]map[string]int

func (t tally) add(key, what string) {
	if t[key] == nil {
		t[key] = map[string]int{}
	}
	t[key][what]++
}

func (t tally) String() string {
	var keys []string
	for k := range t {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var sb strings.Builder
	for _, k := range keys {
		var parts []string
		for w, n := range t[k] {
			parts = append(parts, fmt.Sprintf("%s=%d", w, n))
		}
		sort.Strings(parts)
		fmt.Fprintf(&sb, "\n  %-14s %s", k, strings.Join(parts, " "))
	}
	return sb.String()
}

// checkMatrix checks every outcome against the emulators:
//
//   - a success was allowed from the seeded state and left the order in
//     the operation's state (Status: reported the seeded state and changed
//     nothing; Renew: created exactly one order, in pending application,
//     recorded as renewing this one, and left the old order as it was);
//   - a failure none of whose attempts had an unknown outcome changed
//     nothing and created nothing; an invalid-state failure came from a
//     state the operation is not allowed from;
//   - a failure with an unknown outcome left the order either as it was
//     or in the operation's state, and created at most one order;
//   - per emulator, the orders created by renewal number exactly the
//     renewals reported successful plus those reported outcome-unknown,
//     each from an order the matrix renewed, none renewed twice.
func checkMatrix(t *testing.T, backends []*backend, outcomes []outcome) {
	t.Helper()
	type renewAccount struct{ ok, unknown, refused int }
	acct := map[*backend]*renewAccount{}
	from := map[*backend]map[string][]string{} // source -> new IDs
	for _, b := range backends {
		acct[b] = &renewAccount{}
		from[b] = map[string][]string{}
		for _, r := range b.renewals() {
			from[b][r.From] = append(from[b][r.From], r.NewID)
		}
	}
	renewed := map[*backend]map[string]bool{}
	counts := tally{}
	bad, msgs := map[string]bool{}, 0
	fail := func(o outcome, format string, args ...any) {
		bad[o.b.origin+"/"+string(o.op)+"/"+o.id] = true
		if msgs++; msgs <= 20 {
			t.Errorf("%s %s %s (seeded %v): %s", o.b.origin, o.op, o.id, o.seeded, fmt.Sprintf(format, args...))
		}
	}
	lateFailures := 0
	for _, o := range outcomes {
		key := o.b.origin + "/" + string(o.op)
		if st, _ := o.b.state(o.id); failedLate(o, st) {
			counts.add(key, "then_failed_late")
			lateFailures++
		}
		if renewed[o.b] == nil {
			renewed[o.b] = map[string]bool{}
		}
		if o.op == provider.OpRenew {
			renewed[o.b][o.id] = true
		}
		if o.item.Err == nil {
			what := "ok"
			if o.item.Result.AlreadyDone {
				what = "ok_already_done"
			}
			counts.add(key, what)
			if o.op == provider.OpRenew {
				acct[o.b].ok++
			}
			checkSuccess(o, from[o.b][o.id], fail)
			continue
		}
		var oe *broker.OpError
		if !errors.As(o.item.Err, &oe) || oe.Err == nil {
			fail(o, "failure is not a *broker.OpError with a final error: %v", o.item.Err)
			continue
		}
		amb := ambiguous(oe)
		counts.add(key, oe.Err.Kind.String())
		if o.op == provider.OpRenew && oe.Err.Kind == provider.KindOutcomeUnknown {
			if o.b.p.Capabilities().For(o.op).Allows(o.seeded) {
				acct[o.b].unknown++
			} else {
				acct[o.b].refused++
			}
		}
		if amb && oe.Err.Kind != provider.KindOutcomeUnknown && o.op.Mutating() && appliedAnyway(o) {
			counts.add(key, "applied_but_reported_"+oe.Err.Kind.String())
			fail(o, "applied, but reported %v: a kind that means not applied, after an ambiguous attempt", oe.Err.Kind)
		}
		checkFailure(o, oe, amb, from[o.b][o.id], fail)
	}
	for _, b := range backends {
		created := len(b.renewals())
		a := acct[b]
		if created != a.ok+a.unknown {
			t.Errorf("%s: %d orders created by renewal, want %d reported successful + %d outcome-unknown of renewable orders",
				b.origin, created, a.ok, a.unknown)
		}
		for src, news := range from[b] {
			switch {
			case src == "":
				t.Errorf("%s: %d renewal orders whose source the emulator cannot tell", b.origin, len(news))
			case len(news) > 1:
				t.Errorf("%s: order %s renewed %d times", b.origin, src, len(news))
			case !renewed[b][src]:
				t.Errorf("%s: order %s renewed, but the matrix never renewed it", b.origin, src)
			}
		}
		t.Logf("%s: %d renewal orders = %d successful + %d outcome-unknown (and %d outcome-unknown renewals of orders "+
			"the cloud refused to renew, which created nothing)", b.origin, created, a.ok, a.unknown, a.refused)
	}
	if len(bad) > 0 {
		t.Errorf("%d of %d outcomes inconsistent with the emulators (%d messages)", len(bad), len(outcomes), msgs)
	}
	if lateFailures == 0 {
		t.Errorf("no Huawei cancel failed late: the matrix did not exercise it")
	}
	t.Logf("outcomes per origin/op:%v", counts)
}

// checkSuccess checks one successful outcome (see checkMatrix).
func checkSuccess(o outcome, news []string, fail func(outcome, string, ...any)) {
	res := o.item.Result
	if res.ID != o.id || res.Op != o.op || res.Origin != o.b.origin {
		fail(o, "result names %s:%s op %s", res.Origin, res.ID, res.Op)
	}
	st, exists := o.b.state(o.id)
	if o.unknown {
		// Only a reconciled Delete may succeed on an ID that names
		// nothing: a retry found it gone.
		if o.op != provider.OpDelete || !res.AlreadyDone || exists {
			fail(o, "succeeded on an ID that names nothing: %+v", *res)
		}
		return
	}
	if o.op.Mutating() && !o.b.p.Capabilities().For(o.op).Allows(o.seeded) {
		// Only a reconciled Cancel or Revoke may: an ambiguous first
		// attempt, then a retry refused because the order was already
		// in the operation's state (Huawei's CANCELCHECKING, REVOKING).
		want, has := target(o.op)
		if !res.AlreadyDone || !has || !exists || st != want {
			fail(o, "succeeded from a state %s does not allow: %+v", o.op, *res)
		}
	}
	switch o.op {
	case provider.OpStatus:
		if want := reported(o.seeded); res.State != want {
			fail(o, "status reported %v, want %v", res.State, want)
		}
		if !exists || st != settled(o.seeded) {
			fail(o, "status changed the order: now %v (exists %v)", st, exists)
		}
	case provider.OpDelete:
		if res.Op != provider.OpDelete || exists {
			fail(o, "delete reported success (op %v), but the order exists=%v (%v)", res.Op, exists, st)
		}
	case provider.OpRenew:
		if len(news) != 1 || news[0] != res.NewID {
			fail(o, "renew reported new order %q, emulator created %v from it", res.NewID, news)
		}
		if ns, ok := o.b.state(res.NewID); !ok || ns != provider.StatePendingApplication {
			fail(o, "new order %s is %v (exists %v), want pending_application", res.NewID, ns, ok)
		}
		if !exists || st != settled(o.seeded) {
			fail(o, "renew changed the old order: now %v (exists %v)", st, exists)
		}
	default:
		want, _ := target(o.op)
		if failedLate(o, st) && (res.State == provider.StateCancelling || res.AlreadyDone) {
			// Accepted (cancelling), then the CA had already approved:
			// what Capabilities().Cancel says can happen (H12).
			return
		}
		if !exists || st != want {
			fail(o, "%s reported success, but the order is %v (exists %v), want %v", o.op, st, exists, want)
		}
	}
}

// failedLate reports whether o is a Huawei cancel from under review whose
// order ended issued: a withdrawal that failed late.
func failedLate(o outcome, st provider.State) bool {
	return o.b.cloud == "huawei" && o.op == provider.OpCancel && o.seeded == provider.StateUnderReview &&
		(st == provider.StateIssued || st == provider.StateExpiring)
}

// checkFailure checks one failed outcome (see checkMatrix).
func checkFailure(o outcome, oe *broker.OpError, amb bool, news []string, fail func(outcome, string, ...any)) {
	st, exists := o.b.state(o.id)
	if o.unknown {
		if exists {
			fail(o, "an ID that named nothing now names an order")
		}
		proxy404 := oe.Err.Kind == provider.KindOther && oe.Err.HTTPStatus == 404 && oe.Err.Code == ""
		if k := oe.Err.Kind; !amb && !proxy404 && k != provider.KindNotFound && k != provider.KindThrottled && k != provider.KindUnavailable {
			fail(o, "unknown ID failed with kind %v, want not_found (or a transient kind, or other for a proxy's 404)", k)
		}
		return
	}
	if oe.Err.Kind == provider.KindInvalidState && !amb && o.b.p.Capabilities().For(o.op).Allows(o.seeded) {
		fail(o, "invalid_state from a state the operation is allowed from: %v", oe)
	}
	if o.op == provider.OpRenew {
		renewable := o.b.p.Capabilities().For(o.op).Allows(o.seeded)
		switch {
		case oe.Err.Kind == provider.KindOutcomeUnknown && renewable:
			if len(news) != 1 {
				fail(o, "renew with unknown outcome created %d orders; every fault on the order-creating request comes after the order exists, so want 1", len(news))
			}
		case len(news) != 0:
			fail(o, "failed renew (%v) created %v", oe.Err.Kind, news)
		}
		if !exists || st != settled(o.seeded) {
			fail(o, "failed renew changed the old order: now %v (exists %v)", st, exists)
		}
		return
	}
	unchanged := exists && st == settled(o.seeded)
	if !amb {
		if !unchanged {
			fail(o, "failed with %v (no ambiguous attempt) but the order changed: now %v (exists %v)", oe.Err.Kind, st, exists)
		}
		return
	}
	if !unchanged && !appliedAnyway(o) && !failedLate(o, st) {
		fail(o, "failed with an unknown outcome, and the order is neither as seeded nor done: now %v (exists %v)", st, exists)
	}
}

// appliedAnyway reports whether o's operation took effect at the cloud:
// its order is gone (Delete) or in the operation's state.
func appliedAnyway(o outcome) bool {
	st, exists := o.b.state(o.id)
	want, has := target(o.op)
	return (o.op == provider.OpDelete && !exists) || (has && exists && st == want && settled(o.seeded) != want)
}
