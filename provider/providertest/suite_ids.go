package providertest

import (
	"fmt"
	"strings"

	"github.com/certbroker/certbroker/provider"
)

// unknownIDs checks every operation on a well-formed ID that names no
// order.
func (s *suite[T]) unknownIDs(t T) {
	t.Parallel()
	for _, op := range provider.Ops() {
		t.Run(string(op), func(t T) {
			t.Parallel()
			h := s.newHarness(t)
			id := h.UnknownID(t)
			if _, ok := h.State(t, id); ok {
				t.Fatalf("Harness.UnknownID returned %q, which names an order", id)
			}
			checkID(t, h, "Harness.UnknownID", id)
			what := fmt.Sprintf("%s of unknown order %s", op, id)
			_, err := call(t.Context(), h.Provider(), op, id)
			if s.caps.For(op).Supported {
				expectKind(t, what, err, provider.KindNotFound)
			} else {
				expectKind(t, what+" (unsupported)", err, provider.KindUnsupported)
			}
			expectGone(t, h, what, id)
		})
	}
}

// hostileID is an ID no provider may accept, with a label for the subtest
// name.
type hostileID struct {
	label, id string
}

// HostileIDs returns the IDs every provider must refuse with
// [provider.KindInvalidArgument] before sending anything, by label: path,
// query and encoding tricks, control, invisible and bidirectional
// characters, broken UTF-8 and excessive lengths, alone and around valid,
// a well-formed ID of the provider. [Run] checks them all; tests of a
// provider can add the look-alikes that only its own ID shape rules out.
func HostileIDs(valid string) map[string]string {
	m := make(map[string]string)
	for _, h := range hostileIDs(valid) {
		m[h.label] = h.id
	}
	return m
}

// hostileIDs is HostileIDs in a fixed order.
func hostileIDs(valid string) []hostileID {
	mid := len(valid) / 2
	inside := func(s string) string { return valid[:mid] + s + valid[mid:] }
	return []hostileID{
		{"empty", ""},
		{"dot", "."},
		{"dotdot", ".."},
		{"dotdot_slash", "../x"},
		{"slash", "a/b"},
		{"percent_2F", "%2F"},
		{"percent_encoded_dots", "%2e%2e"},
		{"question", "a?b"},
		{"hash", "a#b"},
		{"nul", "a\x00b"},
		{"space", "a b"},
		{"newline", "a\nb"},
		{"backslash", `a\b`},
		{"invalid_utf8", "\xff"},
		{"long_200", strings.Repeat("9", 200)},
		{"long_10000", strings.Repeat("1", 10_000)},
		{"valid_then_dotdot", valid + "/../x"},
		{"valid_then_slash", valid + "/"},
		{"valid_then_query", valid + "?x=1"},
		{"valid_then_fragment", valid + "#x"},
		{"valid_then_percent", valid + "%2F"},
		{"valid_then_encoded_nul", valid + "%00"},
		{"valid_then_space", valid + " "},
		{"space_then_valid", " " + valid},
		{"valid_then_newline", valid + "\n"},
		{"valid_then_tab", valid + "\t"},
		{"valid_then_nul", valid + "\x00"},
		{"valid_then_backslash", valid + `\x`},
		{"valid_then_line_separator", valid + "\u2028"},
		{"valid_then_invalid_utf8", valid + "\xff"},
		{"rtl_override_then_valid", "\u202e" + valid},
		{"valid_then_rtl_override", valid + "\u202e"},
		{"bom_then_valid", "\ufeff" + valid},
		{"zero_width_space_inside", inside("\u200b")},
		{"zero_width_joiner_inside", inside("\u200d")},
		{"slash_inside", inside("/")},
		{"valid_padded_to_200", valid + strings.Repeat("0", max(0, 200-len(valid)))},
	}
}

// invalidIDsTest checks that every operation refuses invalid IDs with
// KindInvalidArgument before sending anything, and that CheckID agrees.
func (s *suite[T]) invalidIDsTest(t T) {
	t.Parallel()
	cases := func(t T, h Harness) []hostileID {
		ids := hostileIDs(h.UnknownID(t))
		for i, id := range s.invalidIDs {
			ids = append(ids, hostileID{fmt.Sprintf("harness_%d", i), id})
		}
		return ids
	}
	for _, op := range provider.Ops() {
		t.Run(string(op), func(t T) {
			t.Parallel()
			h := s.newHarness(t)
			want := []provider.Kind{provider.KindInvalidArgument}
			if !s.caps.For(op).Supported {
				want = append(want, provider.KindUnsupported)
			}
			for _, c := range cases(t, h) {
				t.Run(c.label, func(t T) {
					what := fmt.Sprintf("%s with invalid ID %q", op, c.id)
					before := h.Requests(t)
					_, err := call(t.Context(), h.Provider(), op, c.id)
					expectKind(t, what, err, want...)
					expectNoRequests(t, h, what, before)
				})
			}
		})
	}
	t.Run("check_id", func(t T) {
		t.Parallel()
		h := s.newHarness(t)
		checker, ok := h.Provider().(provider.IDChecker)
		if !ok {
			return // an optional interface; nothing to check
		}
		for _, c := range cases(t, h) {
			err := checker.CheckID(c.id)
			expectKind(t, fmt.Sprintf("CheckID(%q) [%s]", c.id, c.label), err, provider.KindInvalidArgument)
		}
		if len(s.states) > 0 {
			checkID(t, h, "seeded ID", h.Seed(t, s.states[0]))
		}
	})
}
