package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
)

// checkStep compares what happened with what the step expects.
func checkStep(w *demoWorld, s demoStep, it broker.Item) []string {
	var p []string
	if s.wantOK {
		if it.Err != nil {
			return []string{"expected success, got " + it.Err.Error()}
		}
		r := it.Result
		if s.wantState != provider.StateUnknown && r.State != s.wantState {
			p = append(p, fmt.Sprintf("state %s, want %s", r.State, s.wantState))
		}
		if s.wantNewID && r.NewID == "" {
			p = append(p, "no new ID")
		}
		if s.wantNewID && r.NewID != "" {
			if st, ok := w.state(s.origin, r.NewID); !ok || st != provider.StatePendingApplication {
				p = append(p, fmt.Sprintf("new order %s is %s (exists %v), want pending_application", r.NewID, st, ok))
			}
		}
		if r.AlreadyDone != s.wantAlreadyDone {
			p = append(p, fmt.Sprintf("already done %v, want %v", r.AlreadyDone, s.wantAlreadyDone))
		}
	} else {
		if it.Err == nil {
			return []string{"expected " + s.wantKind.String() + ", got success"}
		}
		if k := provider.KindOf(it.Err); k != s.wantKind {
			p = append(p, fmt.Sprintf("kind %s, want %s", k, s.wantKind))
		}
	}
	if s.wantAttempts != 0 && it.Attempts != s.wantAttempts {
		p = append(p, fmt.Sprintf("%d attempts, want %d", it.Attempts, s.wantAttempts))
	}
	if s.seed == seedUnknown {
		return p
	}
	st, exists := w.state(it.Ref.Origin, it.Ref.ID)
	switch {
	case s.gone && exists:
		p = append(p, fmt.Sprintf("still exists in %s", st))
	case !s.gone && !exists:
		p = append(p, "is gone")
	case !s.gone && st != s.after:
		p = append(p, fmt.Sprintf("emulator says %s, want %s", st, s.after))
	}
	return p
}

// expected renders what the step expects.
func (s demoStep) expected() string {
	if !s.wantOK {
		return s.wantKind.String()
	}
	var parts []string
	switch {
	case s.wantState != provider.StateUnknown:
		parts = append(parts, "ok, "+s.wantState.String())
	case s.op == provider.OpDelete:
		parts = append(parts, "ok, deleted")
	default:
		parts = append(parts, "ok")
	}
	if s.wantNewID {
		parts = append(parts, "new order")
	}
	if s.wantAlreadyDone {
		parts = append(parts, "already done")
	}
	if s.wantAttempts > 1 {
		parts = append(parts, fmt.Sprintf("%d attempts", s.wantAttempts))
	}
	return strings.Join(parts, ", ")
}

// gotText renders what happened.
func gotText(it broker.Item) string {
	var parts []string
	if it.Err != nil {
		k := provider.KindOf(it.Err).String()
		var pe *provider.Error
		if errors.As(it.Err, &pe) && pe.Code != "" {
			k += " (" + pe.Code + ")"
		}
		parts = append(parts, k)
	} else {
		r := it.Result
		switch {
		case r.Op == provider.OpDelete:
			parts = append(parts, "ok, deleted")
		case r.State != provider.StateUnknown:
			parts = append(parts, "ok, "+r.State.String())
		default:
			parts = append(parts, "ok")
		}
		if r.NewID != "" {
			parts = append(parts, "new order "+r.NewID)
		}
		if r.AlreadyDone {
			parts = append(parts, "already done")
		}
	}
	if it.Attempts > 1 {
		parts = append(parts, fmt.Sprintf("%d attempts", it.Attempts))
	}
	return strings.Join(parts, ", ")
}

// thenText is the emulator's own view of the order after the step.
func thenText(w *demoWorld, s demoStep, ref provider.Ref) string {
	if s.seed == seedUnknown {
		return "-"
	}
	st, ok := w.state(ref.Origin, ref.ID)
	if !ok {
		return "gone"
	}
	if s.settle {
		return "settled: " + st.String()
	}
	return st.String()
}

func seedName(st provider.State) string {
	if st == seedUnknown {
		return "(no such order)"
	}
	return st.String()
}
