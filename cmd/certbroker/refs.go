package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
)

// refSource is one ref as the user wrote it, with where it came from, for
// error messages.
type refSource struct {
	text  string
	where string // "argument 2", "refs.txt:14"
}

// maxRefLine bounds one line of a refs file.
const maxRefLine = 4096

// readRefs reads refs from r, one per line. Blank lines and lines starting
// with '#' are skipped, and so is a " #" comment after a ref. A line with
// more than one word is an error.
func readRefs(r io.Reader, name string) ([]refSource, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 256), maxRefLine)
	var out []refSource
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if i := strings.Index(text, "#"); i == 0 || (i > 0 && (text[i-1] == ' ' || text[i-1] == '\t')) {
			text = text[:i]
		}
		fields := strings.Fields(text)
		switch len(fields) {
		case 0:
			continue
		case 1:
			out = append(out, refSource{text: fields[0], where: fmt.Sprintf("%s:%d", name, line)})
		default:
			return nil, fmt.Errorf("%s:%d: one ref per line, found %d words", name, line, len(fields))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}

// collectRefs gathers refs from the positional arguments and from each -f
// file ("-" is stdin). It reports whether stdin was read.
func collectRefs(args, files []string, stdin io.Reader) (refs []refSource, usedStdin bool, err error) {
	for i, a := range args {
		refs = append(refs, refSource{text: a, where: fmt.Sprintf("argument %d", i+1)})
	}
	for _, f := range files {
		var rs []refSource
		if f == "-" {
			if usedStdin {
				return nil, false, fmt.Errorf("-f - given twice")
			}
			usedStdin = true
			rs, err = readRefs(stdin, "stdin")
		} else {
			rs, err = readRefFile(f)
		}
		if err != nil {
			return nil, false, err
		}
		refs = append(refs, rs...)
	}
	return refs, usedStdin, nil
}

func readRefFile(path string) ([]refSource, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readRefs(f, path)
}
