package reliability

import (
	"context"
	"strings"
	"testing"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

// hostileIDs are IDs that must never reach a request, for either cloud:
// providertest.HostileIDs (path and query tricks, encodings, control,
// invisible and bidirectional characters, lengths) around a valid ID of
// each cloud, and the look-alikes that both clouds' ID shapes rule out
// (Alibaba: decimal order numbers; Huawei: "scs" and 13 digits).
func hostileIDs() map[string]string {
	ids := map[string]string{
		"fullwidth_digits":    "１２３",
		"fullwidth_hw":        "scs１４８１１１０６５１０１２",
		"arabic_indic_digits": "١٢٣٤",
		"math_bold_digits":    "𝟏𝟐𝟑",
		"cyrillic_scs":        "ѕсѕ1481110651012",
		"cyrillic_c":          "sсs1481110651012",
		"negative":            "-1",
		"plus":                "+1",
		"hex":                 "0x1F",
		"exponent":            "1e9",
		"leading_zero":        "0123",
		"int64_overflow":      "9223372036854775808",
		"hw_short":            "scs148111065101",
		"hw_upper":            "SCS1481110651012",
		"colon":               "123:456",
		"unicode_slash":       "123\u2215456",
		"fullwidth_slash":     "123／456",
		"combining_dot":       "123\u0307",
		"long_129":            strings.Repeat("7", provider.MaxIDLen+1),
	}
	for _, valid := range []string{"123", "scs1481110651012"} {
		for label, id := range providertest.HostileIDs(valid) {
			ids[valid+"/"+label] = id
		}
	}
	return ids
}

// TestHostileIDsRejectedBeforeAnyRequest sends every hostile ID, for
// every operation, to both adapters directly and through the broker, and
// checks that each call fails with provider.KindInvalidArgument and that
// neither emulator received a single request. A well-formed unknown ID is
// sent last to prove that the request count does move.
func TestHostileIDsRejectedBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	ali, _ := newAlibaba(t, aliOptions{origin: "alibaba"})
	hw, _ := newHuawei(t, hwOptions{origin: "huawei"})
	backends := []*backend{ali, hw}
	br := broker.New(broker.WithRetry(func(p *broker.RetryPolicy) { p.MaxAttempts = 1 }))
	for _, b := range backends {
		if err := br.Register(b.origin, b.p, broker.WithRate(broker.Unlimited, 1)); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	ids := hostileIDs()

	for _, b := range backends {
		before := b.requests()
		for label, id := range ids {
			for _, op := range provider.Ops() {
				if err := callOp(ctx, b.p, op, id); provider.KindOf(err) != provider.KindInvalidArgument {
					t.Errorf("%s %s %s %q: kind %v (%v), want invalid_argument", b.origin, op, label, id, provider.KindOf(err), err)
				}
			}
			if c, ok := b.p.(provider.IDChecker); ok && c.CheckID(id) == nil {
				t.Errorf("%s CheckID(%s %q) = nil", b.origin, label, id)
			}
		}
		var refs []provider.Ref
		for _, id := range ids {
			refs = append(refs, provider.Ref{Origin: b.origin, ID: id})
		}
		for _, op := range provider.Ops() {
			items, _ := br.Do(ctx, provider.NewRequest(op, "", provider.RequestInputs{Reason: "bad input"}), refs, broker.BulkOptions{})
			if len(items) != len(refs) {
				t.Fatalf("broker %s: %d items for %d refs", op, len(items), len(refs))
			}
			for _, it := range items {
				// Attempts may be 1: the broker hands IDs that pass the
				// generic rules to the adapter, which refuses them
				// without a request (checked by the count below).
				if provider.KindOf(it.Err) != provider.KindInvalidArgument {
					t.Errorf("broker %s %q: kind %v, want invalid_argument", op, it.Ref.ID, provider.KindOf(it.Err))
				}
			}
		}
		for label, id := range ids {
			// Resolve makes no call and applies the generic rules to
			// "origin:id"; the adapter's own shape is checked when the
			// reference is used (above).
			if provider.ValidateID(id) == nil {
				continue
			}
			if _, err := br.Resolve(b.origin + ":" + id); provider.KindOf(err) != provider.KindInvalidArgument {
				t.Errorf("broker Resolve(%s:%s): %v, want invalid_argument", b.origin, label, err)
			}
		}
		if n := b.requests(); n != before {
			t.Errorf("%s: hostile IDs sent %d requests, want none", b.origin, n-before)
		}
		if _, err := b.p.Status(ctx, provider.StatusRequest{ID: b.unknownID}); provider.KindOf(err) != provider.KindNotFound {
			t.Errorf("%s: status of a well-formed unknown ID: %v, want not_found", b.origin, err)
		}
		if n := b.requests(); n == before {
			t.Errorf("%s: a well-formed ID sent no request; the request count proves nothing", b.origin)
		}
	}
}

// callOp calls op on p for id.
func callOp(ctx context.Context, p provider.Provider, op provider.Op, id string) error {
	var err error
	switch op {
	case provider.OpCancel:
		_, err = p.Cancel(ctx, provider.CancelRequest{ID: id})
	case provider.OpRevoke:
		_, err = p.Revoke(ctx, provider.RevokeRequest{ID: id, Reason: "bad input"})
	case provider.OpDelete:
		_, err = p.Delete(ctx, provider.DeleteRequest{ID: id})
	case provider.OpRenew:
		_, err = p.Renew(ctx, provider.RenewRequest{ID: id})
	case provider.OpStatus:
		_, err = p.Status(ctx, provider.StatusRequest{ID: id})
	}
	return err
}
