package broker

import "github.com/certbroker/certbroker/provider"

// Progress is reported after each item of a bulk operation finishes: the
// overall counts, and the counts of the finished item's origin.
type Progress struct {
	// Total is the number of references, or -1 when unknown (Stream).
	Total int
	// Done counts finished items, failed ones included; Failed counts
	// those that failed.
	Done, Failed int
	// Origin is the origin of the item that just finished, or "" when
	// its reference names no registered origin.
	Origin string
	// OriginTotal is the number of references to Origin, or -1 when
	// unknown (Stream). OriginDone and OriginFailed count Origin's
	// finished and failed items.
	OriginTotal, OriginDone, OriginFailed int
}

// tracker counts finished items for the Progress callback. It is used
// under the window's lock.
type tracker struct {
	fn     func(Progress)
	reg    *registry
	totals map[string]int // nil when unknown
	total  int
	done   int
	failed int
	per    map[string]*[2]int // origin -> done, failed
}

func newTracker(b *Broker, totals map[string]int, total int, fn func(Progress)) *tracker {
	return &tracker{fn: fn, reg: b.origins.Load(), totals: totals, total: total, per: map[string]*[2]int{}}
}

// key is the origin name progress is counted under: registered origins by
// name, anything else under "". It keeps the map bounded.
func (t *tracker) key(ref provider.Ref) string {
	if _, ok := t.reg.byName[ref.Origin]; ok {
		return ref.Origin
	}
	return ""
}

func (t *tracker) finished(it Item) {
	if t.fn == nil {
		return
	}
	name := t.key(it.Ref)
	c := t.per[name]
	if c == nil {
		c = new([2]int)
		t.per[name] = c
	}
	t.done++
	c[0]++
	if it.Err != nil {
		t.failed++
		c[1]++
	}
	originTotal := -1
	if t.totals != nil {
		originTotal = t.totals[name]
	}
	t.fn(Progress{Total: t.total, Done: t.done, Failed: t.failed,
		Origin: name, OriginTotal: originTotal, OriginDone: c[0], OriginFailed: c[1]})
}

// originTotals counts refs per origin as the tracker keys them.
func (b *Broker) originTotals(refs []provider.Ref) map[string]int {
	t := tracker{reg: b.origins.Load()}
	m := map[string]int{}
	for _, r := range refs {
		m[t.key(r)]++
	}
	return m
}
