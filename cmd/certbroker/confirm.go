package main

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/certbroker/certbroker/provider"
)

// maxListed is how many refs the confirmation prompt lists by name.
const maxListed = 10

// confirm asks on out whether to apply op to refs and reads the answer from
// in. Only "y" or "yes" (any case) agrees.
func confirm(in io.Reader, out io.Writer, op provider.Op, refs []provider.Ref) bool {
	counts := map[string]int{}
	for _, r := range refs {
		counts[r.Origin]++
	}
	origins := make([]string, 0, len(counts))
	for o := range counts {
		origins = append(origins, o)
	}
	sort.Strings(origins)
	per := make([]string, len(origins))
	for i, o := range origins {
		per[i] = fmt.Sprintf("%s: %d", o, counts[o])
	}
	fmt.Fprintf(out, "About to %s %d certificate order%s (%s):\n", op, len(refs), plural(len(refs)), strings.Join(per, ", "))
	for i, r := range refs {
		if i == maxListed {
			fmt.Fprintf(out, "  ... and %d more\n", len(refs)-maxListed)
			break
		}
		fmt.Fprintf(out, "  %s\n", r)
	}
	fmt.Fprintf(out, "This cannot be undone. Continue? [y/N] ")
	line, _ := bufio.NewReader(in).ReadString('\n')
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true
	}
	return false
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
