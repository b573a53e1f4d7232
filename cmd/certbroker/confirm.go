package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/certbroker/certbroker/provider"
)

// maxListed is how many refs the confirmation prompt lists by name.
const maxListed = 10

// billing counts, per origin, the refs whose operation costs money: the
// origin's capability for the operation is supported and billable.
type billing map[string]int

// total is the number of billed refs.
func (b billing) total() int {
	n := 0
	for _, c := range b {
		n += c
	}
	return n
}

// billedRefs counts the refs of op that would be billed, per origin.
func billedRefs(reg origins, op provider.Op, refs []provider.Ref) billing {
	out := billing{}
	for _, r := range refs {
		if billable(reg, op, r.Origin) {
			out[r.Origin]++
		}
	}
	return out
}

// billable reports whether op costs money at origin.
func billable(reg origins, op provider.Op, origin string) bool {
	p, ok := reg[origin]
	if !ok {
		return false
	}
	c := p.Capabilities().For(op)
	return c.Supported && c.Billable
}

// perOrigin renders counts as "a: 1, b: 2", origins sorted.
func perOrigin(counts map[string]int) string {
	origins := make([]string, 0, len(counts))
	for o := range counts {
		origins = append(origins, o)
	}
	sort.Strings(origins)
	per := make([]string, len(origins))
	for i, o := range origins {
		per[i] = fmt.Sprintf("%s: %d", o, counts[o])
	}
	return strings.Join(per, ", ")
}

// confirm asks on out whether to apply op to refs and reads the answer from
// in. Only "y" or "yes" (any case) agrees. billed counts the refs that cost
// money; the prompt says so. When ctx ends first (Ctrl-C at the prompt),
// it returns false at once: the read is left to the process's end.
func confirm(ctx context.Context, in io.Reader, out io.Writer, op provider.Op, refs []provider.Ref, billed billing) bool {
	counts := map[string]int{}
	for _, r := range refs {
		counts[r.Origin]++
	}
	fmt.Fprintf(out, "About to %s %d certificate order%s (%s)", op, len(refs), plural(len(refs)), perOrigin(counts))
	if n := billed.total(); n > 0 {
		fmt.Fprintf(out, "; %d of them billed (%s): each success is a purchase", n, perOrigin(billed))
	}
	fmt.Fprintln(out, ":")
	for i, r := range refs {
		if i == maxListed {
			fmt.Fprintf(out, "  ... and %d more\n", len(refs)-maxListed)
			break
		}
		note := ""
		if billed[r.Origin] > 0 {
			note = " (billed)"
		}
		fmt.Fprintf(out, "  %s%s\n", r, note)
	}
	if billed.total() > 0 {
		fmt.Fprintf(out, "Billed operations cost money and cannot be undone. Continue? [y/N] ")
	} else {
		fmt.Fprintf(out, "This cannot be undone. Continue? [y/N] ")
	}
	answer := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(in).ReadString('\n')
		answer <- line
	}()
	select {
	case <-ctx.Done():
		fmt.Fprintln(out)
		return false
	case line := <-answer:
		if ctx.Err() != nil {
			return false // interrupted, then answered: the interruption wins
		}
		switch strings.ToLower(strings.TrimSpace(line)) {
		case "y", "yes":
			return true
		}
		return false
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
