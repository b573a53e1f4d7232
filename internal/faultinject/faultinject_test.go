package faultinject

import (
	"testing"
)

func TestPickIsReproducibleForASeed(t *testing.T) {
	t.Parallel()
	draw := func() []bool {
		in := New(42)
		in.Add(Fault{Kind: ServerError, Probability: 0.3})
		out := make([]bool, 200)
		for i := range out {
			_, out[i] = in.Pick("X")
		}
		return out
	}
	a, b := draw(), draw()
	hits := 0
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("draw %d differs between two injectors with the same seed", i)
		}
		if a[i] {
			hits++
		}
	}
	if hits < 30 || hits > 90 {
		t.Fatalf("probability 0.3 over 200 draws hit %d times; want roughly 60", hits)
	}
}

func TestPickRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		faults []Fault
		action string
		want   []bool
		kind   Kind
	}{
		{"no rules", nil, "A", []bool{false, false}, 0},
		{"other action", []Fault{{Action: "B", Kind: Reset}}, "A", []bool{false}, 0},
		{"times limits hits", []Fault{{Action: "A", Kind: Hang, Times: 2}}, "A", []bool{true, true, false}, Hang},
		{"empty action matches all", []Fault{{Kind: Malformed}}, "Z", []bool{true, true}, Malformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := New(1)
			for _, f := range tt.faults {
				in.Add(f)
			}
			for i, want := range tt.want {
				f, got := in.Pick(tt.action)
				if got != want {
					t.Fatalf("pick %d: got %v, want %v", i, got, want)
				}
				if got && f.Kind != tt.kind {
					t.Fatalf("pick %d: kind %v, want %v", i, f.Kind, tt.kind)
				}
			}
		})
	}
}

func TestThrottleIsNeverAfterApply(t *testing.T) {
	t.Parallel()
	in := New(1)
	in.Add(Fault{Kind: Throttle, AfterApply: true})
	f, ok := in.Pick("A")
	if !ok || f.AfterApply {
		t.Fatalf("got %+v, %v; want a throttle fault before apply", f, ok)
	}
}

func TestQPS(t *testing.T) {
	t.Parallel()
	in := New(1)
	in.SetQPS("A", 0.001, 2)
	got := []bool{in.OverQPS("A"), in.OverQPS("A"), in.OverQPS("A"), in.OverQPS("B")}
	want := []bool{false, false, true, false}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("call %d: over=%v, want %v", i, got[i], want[i])
		}
	}
	in.Clear()
	if in.OverQPS("A") {
		t.Fatal("limit survived Clear")
	}
}
