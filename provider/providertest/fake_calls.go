package providertest

import "slices"

// WithCallLogLimit bounds the Fake's call log to the last n calls, so that
// a long run (a bulk operation over many thousand orders, say) does not
// grow the heap by one [Call] per call. [Fake.Calls] then returns at most
// the n most recent calls, and [Fake.CallCount] still counts every call.
// n == 0 keeps no call at all. By default the log keeps every call.
// NewFake panics if n is negative.
func WithCallLogLimit(n int) FakeOption {
	return func(f *Fake) { f.calls.bounded, f.calls.limit = true, n }
}

// Calls returns a copy of the log of calls, oldest first: every call the
// Fake recorded or, with [WithCallLogLimit], the most recent ones.
func (f *Fake) Calls() []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls.snapshot()
}

// CallCount returns how many calls the Fake has recorded since it was
// made, including those [WithCallLogLimit] no longer keeps.
func (f *Fake) CallCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls.total
}

// callLog is the Fake's log of calls. Every call gets a number, from 0 in
// order of arrival; a bounded log keeps the last limit calls in a ring,
// call n at kept[n%limit]. The Fake's mutex guards it.
type callLog struct {
	bounded bool
	limit   int // calls kept when bounded
	total   int // calls recorded
	kept    []Call
}

// add records c and returns its number.
func (l *callLog) add(c Call) int {
	n := l.total
	l.total++
	switch {
	case !l.bounded || len(l.kept) < l.limit:
		l.kept = append(l.kept, c)
	case l.limit > 0:
		l.kept[n%l.limit] = c
	}
	return n
}

// at returns call n, or nil if the log no longer keeps it.
func (l *callLog) at(n int) *Call {
	if n < l.total-len(l.kept) {
		return nil
	}
	if !l.bounded {
		return &l.kept[n]
	}
	return &l.kept[n%l.limit]
}

// snapshot returns a copy of the calls kept, oldest first.
func (l *callLog) snapshot() []Call {
	if !l.bounded || l.limit == 0 || l.total <= l.limit {
		return slices.Clone(l.kept)
	}
	oldest := l.total % l.limit
	return slices.Concat(l.kept[oldest:], l.kept[:oldest])
}
