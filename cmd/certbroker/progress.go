package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
	"github.com/schollz/progressbar/v3"
)

// progressBar returns a bulk progress callback that draws a bar on w, and a
// function that finishes it. The broker calls the callback one item at a
// time.
func progressBar(w io.Writer, total int, description string) (func(broker.Progress), func()) {
	bar := progressbar.NewOptions(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(description),
		progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
	update := func(p broker.Progress) { _ = bar.Set(p.Done) }
	finish := func() { _ = bar.Finish() }
	return update, finish
}

// defaultProgressEvery is how often a run whose stderr is not a terminal
// reports its progress.
const defaultProgressEvery = 5 * time.Second

// progressLog reports a bulk run's progress as lines on a stderr that is
// not a terminal (a CI log, a file): nothing for a run shorter than the
// interval, then a line every interval and a last one at the end, so a
// slow run paced by the origins' rate limits says what it is doing:
//
//	certbroker: status: 120/204 done, 3 failed, 84 remaining; alibaba: 60/102, 10.0/s; huawei: 60/102, 10.0/s
//
// The rate of an origin is its items finished per second since the
// previous line (since the start, on the last line).
type progressLog struct {
	w       io.Writer
	op      string
	every   time.Duration
	mu      sync.Mutex
	total   int
	done    int
	failed  int
	origins []string // sorted
	per     map[string]*originProgress
	start   time.Time
	last    time.Time
	printed bool
	stop    chan struct{}
	stopped sync.WaitGroup
}

// originProgress counts one origin's items.
type originProgress struct {
	total, done, failed, doneAtLast int
}

// newProgressLog starts reporting the progress of op over refs to w every
// interval. Call update from the broker's Progress callback and finish once
// the run has ended.
func newProgressLog(w io.Writer, op string, refs []provider.Ref, every time.Duration) *progressLog {
	p := &progressLog{w: w, op: op, every: every, total: len(refs), per: map[string]*originProgress{},
		stop: make(chan struct{})}
	for _, r := range refs {
		c := p.per[r.Origin]
		if c == nil {
			c = &originProgress{}
			p.per[r.Origin] = c
			p.origins = append(p.origins, r.Origin)
		}
		c.total++
	}
	sort.Strings(p.origins)
	p.start = time.Now()
	p.last = p.start
	p.stopped.Add(1)
	go p.tick()
	return p
}

func (p *progressLog) tick() {
	defer p.stopped.Done()
	t := time.NewTicker(p.every)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.mu.Lock()
			p.printLocked(time.Now(), false)
			p.mu.Unlock()
		}
	}
}

// update records one finished item; it is the broker's Progress callback.
func (p *progressLog) update(pr broker.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done, p.failed = pr.Done, pr.Failed
	if c := p.per[pr.Origin]; c != nil {
		c.done, c.failed = pr.OriginDone, pr.OriginFailed
	}
}

// finish stops the ticker and, when the run lasted at least one interval,
// prints the last line.
func (p *progressLog) finish() {
	close(p.stop)
	p.stopped.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	if now := time.Now(); p.printed || now.Sub(p.start) >= p.every {
		p.printLocked(now, true)
	}
}

// printLocked writes one line. With final set, rates are averages over the
// whole run.
func (p *progressLog) printLocked(now time.Time, final bool) {
	var b strings.Builder
	fmt.Fprintf(&b, "certbroker: %s: %d/%d done, %d failed, %d remaining", p.op, p.done, p.total, p.failed, p.total-p.done)
	since := p.last
	if final {
		since = p.start
	}
	secs := now.Sub(since).Seconds()
	for _, o := range p.origins {
		c := p.per[o]
		n := c.done - c.doneAtLast
		if final {
			n = c.done
		}
		rate := 0.0
		if secs > 0 {
			rate = float64(n) / secs
		}
		fmt.Fprintf(&b, "; %s: %d/%d, %.1f/s", o, c.done, c.total, rate)
		c.doneAtLast = c.done
	}
	if final {
		d := now.Sub(p.start)
		if d < time.Second {
			d = d.Round(time.Millisecond)
		} else {
			d = d.Round(100 * time.Millisecond)
		}
		fmt.Fprintf(&b, " (in %s)", d)
	}
	p.last = now
	p.printed = true
	fmt.Fprintln(p.w, b.String())
}

// lockedWriter serializes writes, so the progress lines and the -v log,
// written from different goroutines, never interleave within a line.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}
