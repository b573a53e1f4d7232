package main

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
)

// outcomeOf turns one bulk item into what the CLI reports. billed says
// that op costs money at the item's origin.
func outcomeOf(op provider.Op, it broker.Item, dryRun, billed bool) outcome {
	o := outcome{Schema: schemaVersion, Ref: it.Ref.String(), Op: string(op), Attempts: it.Attempts,
		InDoubt: it.InDoubt, FromJournal: it.FromJournal}
	if it.Err != nil {
		o.Kind = provider.KindOf(it.Err).String()
		o.Message = it.Err.Error()
		var oe *broker.OpError
		if errors.As(it.Err, &oe) && oe.Err != nil {
			o.Message = failureMessage(oe)
			if dryRun {
				o.State = refusedState(oe)
			}
		}
		var pe *provider.Error
		if errors.As(it.Err, &pe) {
			o.Code, o.RequestID = pe.Code, pe.RequestID
		}
		return o
	}
	o.OK = true
	r := it.Result
	if r == nil {
		return o
	}
	o.NewID, o.RequestID, o.NativeState, o.AlreadyDone = r.NewID, r.RequestID, r.NativeState, r.AlreadyDone
	if r.State != provider.StateUnknown || r.NativeState != "" {
		o.State = r.State.String()
	}
	if !r.NotAfter.IsZero() {
		o.NotAfter = r.NotAfter.UTC().Format(time.RFC3339)
	}
	var notes []string
	switch {
	case dryRun && billed:
		notes = append(notes, "dry run: would "+string(op)+" (billed)")
	case dryRun:
		notes = append(notes, "dry run: would "+string(op))
	case r.Op == provider.OpDelete:
		notes = append(notes, "deleted")
	}
	if r.AlreadyDone {
		notes = append(notes, "already done (confirmed after an ambiguous failure)")
	}
	if it.FromJournal {
		notes = append(notes, "from the journal (done by an earlier session of this run)")
	}
	if r.State == provider.StateUnknown && r.NativeState != "" {
		notes = append(notes, "native state "+strconv.Quote(r.NativeState))
	}
	if op == provider.OpStatus && !r.NotAfter.IsZero() {
		notes = append(notes, "not after "+r.NotAfter.UTC().Format("2006-01-02"))
	}
	o.Message = strings.Join(notes, "; ")
	return o
}

// refusedState is the state the broker read before refusing an item (a
// dry run's state check) or settling it, or "" when it read none.
func refusedState(oe *broker.OpError) string {
	if oe.Read == nil {
		return ""
	}
	return oe.Read.State.String()
}

// failureMessage is the cloud's message (or the cause), the broker's note,
// and the kinds of earlier attempts.
func failureMessage(oe *broker.OpError) string {
	pe := oe.Err
	msg := pe.Message
	if msg == "" && pe.Err != nil {
		msg = pe.Err.Error()
	}
	if msg == "" {
		msg = pe.Kind.String()
	}
	if oe.Note != "" {
		msg = strings.TrimRight(msg, ". ") + " (" + oe.Note + ")"
	}
	if n := len(oe.Attempts); n > 1 {
		kinds := make([]string, 0, n-1)
		for _, a := range oe.Attempts[:n-1] {
			k := provider.KindOf(a).String()
			var ape *provider.Error
			if errors.As(a, &ape) && ape.Code != "" {
				k += " " + ape.Code
			}
			kinds = append(kinds, k)
		}
		msg += "; earlier attempts: " + strings.Join(kinds, ", ")
	}
	return msg
}
