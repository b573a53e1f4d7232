package providertest

import (
	"fmt"
	"strings"

	"github.com/certbroker/certbroker/provider"
)

// checkCase is one request the "check" subtest sends for real and asks
// provider.Checker about.
type checkCase struct {
	label string
	req   func(id string) provider.Request
}

// checkCases are requests with hostile inputs beyond the ID (and one
// plain request per operation), for the "check" subtest.
func checkCases() []checkCase {
	plain := func(op provider.Op) checkCase {
		return checkCase{"plain_" + string(op), func(id string) provider.Request {
			return provider.NewRequest(op, id, provider.RequestInputs{})
		}}
	}
	reason := func(label, r string) checkCase {
		return checkCase{"reason_" + label, func(id string) provider.Request { return provider.RevokeRequest{ID: id, Reason: r} }}
	}
	csr := func(label, c string) checkCase {
		return checkCase{"csr_" + label, func(id string) provider.Request { return provider.RenewRequest{ID: id, CSR: c} }}
	}
	tags := func(label string, tt []provider.Tag) checkCase {
		return checkCase{"tags_" + label, func(id string) provider.Request { return provider.RenewRequest{ID: id, Tags: tt} }}
	}
	many := func(n int) []provider.Tag {
		out := make([]provider.Tag, n)
		for i := range out {
			out[i] = provider.Tag{Key: fmt.Sprintf("k%d", i), Value: "v"}
		}
		return out
	}
	return []checkCase{
		plain(provider.OpCancel), plain(provider.OpRevoke), plain(provider.OpDelete),
		plain(provider.OpRenew), plain(provider.OpStatus),
		reason("63", strings.Repeat("r", 63)),
		reason("64", strings.Repeat("r", 64)),
		reason("1000", strings.Repeat("r", 1000)),
		reason("newline", "key\ncompromise"),
		reason("nul", "a\x00b"),
		reason("invalid_utf8", "\xff\xfe"),
		reason("bidi", "abc\u202edef"),
		csr("garbage", "not a csr"),
		csr("empty_pem", "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"),
		csr("huge", strings.Repeat("A", 100_000)),
		tags("one", many(1)),
		tags("20", many(20)),
		tags("21", many(21)),
		tags("100", many(100)),
		tags("empty_key", []provider.Tag{{Key: "", Value: "v"}}),
		tags("long_key", []provider.Tag{{Key: strings.Repeat("k", 200), Value: "v"}}),
		tags("long_value", []provider.Tag{{Key: "k", Value: strings.Repeat("v", 1000)}}),
		tags("nul_key", []provider.Tag{{Key: "a\x00b", Value: "v"}}),
		tags("duplicate_key", []provider.Tag{{Key: "k", Value: "1"}, {Key: "k", Value: "2"}}),
	}
}

// checkTest holds a provider.Checker to its promise: for every request of
// checkCases, and for every hostile ID, Check refuses exactly what the
// real call refuses without sending anything, with the same kind, and
// accepts everything else.
func (s *suite[T]) checkTest(t T) {
	t.Parallel()
	probe := s.newHarness(t)
	if _, ok := probe.Provider().(provider.Checker); !ok {
		return // an optional interface; nothing to check
	}
	for _, c := range checkCases() {
		t.Run(c.label, func(t T) {
			t.Parallel()
			h := s.newHarness(t)
			checker := h.Provider().(provider.Checker)
			op := c.req("x").Op()
			from, ok := s.allowedState(op)
			if !ok && len(s.states) > 0 {
				from = s.states[0]
			}
			id := h.Seed(t, from)
			req := c.req(id)
			checkErr := checker.Check(req)
			before := h.Requests(t)
			_, realErr := provider.Call(t.Context(), h.Provider(), req)
			sent := h.Requests(t) != before
			compareCheck(t, fmt.Sprintf("%s [%s] on an order in state %s", op, c.label, from), checkErr, realErr, sent)
		})
	}
	t.Run("invalid_ids", func(t T) {
		t.Parallel()
		h := s.newHarness(t)
		checker := h.Provider().(provider.Checker)
		ids := hostileIDs(h.UnknownID(t))
		for i, id := range s.invalidIDs {
			ids = append(ids, hostileID{fmt.Sprintf("harness_%d", i), id})
		}
		for _, op := range provider.Ops() {
			for _, c := range ids {
				req := provider.NewRequest(op, c.id, provider.RequestInputs{})
				checkErr := checker.Check(req)
				before := h.Requests(t)
				_, realErr := provider.Call(t.Context(), h.Provider(), req)
				compareCheck(t, fmt.Sprintf("%s with invalid ID [%s]", op, c.label), checkErr, realErr, h.Requests(t) != before)
			}
		}
	})
}

// compareCheck compares what Check said with what the real call did.
func compareCheck(t interface {
	Helper()
	Errorf(string, ...any)
}, what string, checkErr, realErr error, sent bool) {
	t.Helper()
	refusedBeforeSending := realErr != nil && !sent &&
		(provider.KindOf(realErr) == provider.KindInvalidArgument || provider.KindOf(realErr) == provider.KindUnsupported)
	switch {
	case checkErr != nil && !refusedBeforeSending:
		t.Errorf("%s: Check refused it (%v), but the real call did not refuse it before sending (err %v, sent %v)",
			what, checkErr, realErr, sent)
	case checkErr == nil && refusedBeforeSending:
		t.Errorf("%s: Check accepted it, but the real call refused it before sending: %v", what, realErr)
	case checkErr != nil && !sameRefusal(provider.KindOf(checkErr), provider.KindOf(realErr)):
		t.Errorf("%s: Check refused it as %v, the real call as %v", what, provider.KindOf(checkErr), provider.KindOf(realErr))
	}
}

// sameRefusal reports whether two refusals before sending agree. The
// suite accepts either kind for an unsupported operation given invalid
// input, so it does so here too.
func sameRefusal(a, b provider.Kind) bool {
	refusal := func(k provider.Kind) bool { return k == provider.KindInvalidArgument || k == provider.KindUnsupported }
	return a == b || (refusal(a) && refusal(b))
}
