package main

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// joinDetail joins the parts of a message with ": ", dropping empty parts
// and the full stop that ends a part followed by another ("does not
// exist." + "request 1" reads "does not exist: request 1", not
// "exist.: request 1").
func joinDetail(parts ...string) string {
	kept := make([]string, 0, len(parts))
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			kept = append(kept, p)
		}
	}
	for i := 0; i < len(kept)-1; i++ {
		kept[i] = strings.TrimRight(kept[i], ". ")
	}
	return strings.Join(kept, ": ")
}

// escapeControls makes s safe to print on a terminal: control characters
// (C0, DEL and C1, so ESC and CSI), bidirectional overrides and invalid
// UTF-8 are written as Go escapes (\x1b, \u202e), so a message from a
// cloud cannot move the cursor, recolour or hide text. Newlines are kept
// when keepNewlines is set; tabs become a space.
func escapeControls(s string, keepNewlines bool) string {
	if isPlain(s, keepNewlines) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n' && keepNewlines:
			b.WriteByte('\n')
		case r == '\t':
			b.WriteByte(' ')
		case r < 0x100 && unicode.IsControl(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeFormat(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

// isPlain reports whether s needs no escaping.
func isPlain(s string, keepNewlines bool) bool {
	for _, r := range s {
		switch {
		case r == '\n' && keepNewlines:
		case r == utf8.RuneError, r < 0x100 && unicode.IsControl(r), unsafeFormat(r):
			return false
		}
	}
	return true
}

// unsafeFormat reports the invisible format characters that reorder or hide
// text on a terminal: bidirectional embeddings, overrides and isolates,
// and the line and paragraph separators.
func unsafeFormat(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f ||
		r == 0x061c || r == 0x2028 || r == 0x2029
}
