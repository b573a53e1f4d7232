package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode"
)

// schemaVersion is the "schema" of every JSON line. Keys may be added
// without changing it; it changes only when a key is removed, renamed or
// changes meaning. README.md documents the schema.
const schemaVersion = 1

// outcome is what the CLI reports for one ref. Its JSON form is the
// --output json line; every key is always present, with "", 0 or false
// when not known.
type outcome struct {
	Schema int    `json:"schema"`
	Ref    string `json:"ref"`
	Op     string `json:"op"`
	OK     bool   `json:"ok"`
	// State is the normalized state after the operation, or, for an item
	// a dry run refused, the state it read.
	State       string `json:"state"`
	NativeState string `json:"native_state"`
	// NotAfter is the end of the certificate's validity, RFC 3339 in UTC.
	NotAfter    string `json:"not_after"`
	NewID       string `json:"new_id"`
	AlreadyDone bool   `json:"already_done"`
	Attempts    int    `json:"attempts"`
	Kind        string `json:"kind"`
	Code        string `json:"code"`
	Message     string `json:"message"`
	RequestID   string `json:"request_id"`
	// InDoubt: the item may have been sent and its outcome could not be
	// settled; the run's journal holds it for a resume to settle.
	InDoubt bool `json:"in_doubt"`
	// FromJournal: the outcome was recorded by an earlier session of the
	// run and is reported again; nothing was sent for it now.
	FromJournal bool `json:"from_journal"`
	// Reserved for the broker's coming reports, added as a key when it
	// has it (the schema stays 1): "duplicate" (a renew that found an
	// order it had already created). Until then it is not emitted.
}

// resultWord is the RESULT column of the table.
func (o outcome) resultWord() string {
	if o.OK {
		return "ok"
	}
	return "FAILED"
}

// writeJSONLines writes one JSON object per outcome. Besides the control
// characters JSON escapes anyway, DEL, the C1 controls and the
// bidirectional overrides are written as \u escapes, so the lines are safe
// on a terminal and decode to the same strings.
func writeJSONLines(w io.Writer, outs []outcome) error {
	for _, o := range outs {
		if err := writeJSONLine(w, o); err != nil {
			return err
		}
	}
	return nil
}

// writeJSONLine writes v as one JSON line, escaped as writeJSONLines
// escapes.
func writeJSONLine(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := io.WriteString(w, jsonTerminalSafe(buf.String()))
	return err
}

// jsonTerminalSafe rewrites, in encoded JSON, the characters that
// encoding/json leaves raw but a terminal may act on.
func jsonTerminalSafe(s string) string {
	if isPlain(s, true) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r == '\n' || (!unicode.IsControl(r) && !unsafeFormat(r)) {
			b.WriteRune(r)
			continue
		}
		fmt.Fprintf(&b, `\u%04x`, r)
	}
	return b.String()
}

// writeTable writes the outcomes as an aligned table.
func writeTable(w io.Writer, outs []outcome) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "REF\tOP\tRESULT\tSTATE\tNEW ID\tDETAIL")
	for _, o := range outs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n",
			cell(o.Ref), o.Op, o.resultWord(), cell(o.State), cell(o.NewID), cell(o.detail()))
	}
	return tw.Flush()
}

// detail is the DETAIL column: the message, and for failures the kind, code
// and request ID.
func (o outcome) detail() string {
	var kind, req string
	if !o.OK {
		kind = o.Kind
		if o.Code != "" {
			kind += " (" + o.Code + ")"
		}
		if o.RequestID != "" {
			req = "request " + o.RequestID
		}
	}
	return joinDetail(kind, o.Message, req)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// cell flattens s to one line with no tabs, so it cannot break the table,
// and escapes control characters, so a cloud's message cannot drive the
// terminal.
func cell(s string) string {
	s = strings.Join(strings.Fields(strings.NewReplacer("\r\n", "; ", "\n", "; ", "\t", " ").Replace(s)), " ")
	return dash(escapeControls(s, false))
}

// summary counts successes and failures.
func summary(outs []outcome) (ok, failed int) {
	for _, o := range outs {
		if o.OK {
			ok++
		} else {
			failed++
		}
	}
	return ok, failed
}
