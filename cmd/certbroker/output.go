package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// outcome is what the CLI reports for one ref. Its JSON form is the
// --output json line.
type outcome struct {
	Ref       string `json:"ref"`
	Op        string `json:"op"`
	OK        bool   `json:"ok"`
	State     string `json:"state"`
	NewID     string `json:"new_id"`
	Kind      string `json:"kind"`
	Code      string `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"request_id"`
}

// resultWord is the RESULT column of the table.
func (o outcome) resultWord() string {
	if o.OK {
		return "ok"
	}
	return "FAILED"
}

// writeJSONLines writes one JSON object per outcome.
func writeJSONLines(w io.Writer, outs []outcome) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, o := range outs {
		if err := enc.Encode(o); err != nil {
			return err
		}
	}
	return nil
}

// writeTable writes the outcomes as an aligned table.
func writeTable(w io.Writer, outs []outcome) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "REF\tOP\tRESULT\tSTATE\tNEW ID\tDETAIL")
	for _, o := range outs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n",
			cell(o.Ref), o.Op, o.resultWord(), dash(o.State), dash(o.NewID), cell(o.detail()))
	}
	return tw.Flush()
}

// detail is the DETAIL column: the message, and for failures the kind, code
// and request ID.
func (o outcome) detail() string {
	var parts []string
	if !o.OK {
		k := o.Kind
		if o.Code != "" {
			k += " (" + o.Code + ")"
		}
		parts = append(parts, k)
	}
	if o.Message != "" {
		parts = append(parts, o.Message)
	}
	if !o.OK && o.RequestID != "" {
		parts = append(parts, "request "+o.RequestID)
	}
	return strings.Join(parts, ": ")
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// cell flattens s to one line with no tabs, so it cannot break the table.
func cell(s string) string {
	s = strings.Join(strings.Fields(strings.NewReplacer("\n", "; ", "\t", " ").Replace(s)), " ")
	return dash(s)
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
