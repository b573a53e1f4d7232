package broker_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

// TestAmbiguityIsNeverForgotten checks the outcome rule (package provider):
// once an attempt may have been applied, whatever a later attempt answers,
// the outcome is success only with proof, "not applied" only with proof,
// and outcome_unknown otherwise.
func TestAmbiguityIsNeverForgotten(t *testing.T) {
	t.Parallel()
	later := []provider.Kind{
		provider.KindThrottled, provider.KindUnavailable, provider.KindForbidden, provider.KindNotFound,
		provider.KindUnauthorized, provider.KindInvalidState, provider.KindOutcomeUnknown, provider.KindOther,
	}
	for _, op := range []provider.Op{provider.OpRevoke, provider.OpCancel} {
		seed := provider.StateIssued
		if op == provider.OpCancel {
			seed = provider.StateUnderReview
		}
		for _, k := range later {
			for _, applied := range []bool{true, false} {
				name := string(op) + "/then_" + k.String() + "/applied"
				if !applied {
					name = string(op) + "/then_" + k.String() + "/not_applied"
				}
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					b, _ := fastBroker(t)
					f := providertest.NewFake()
					register(t, b, "cloud", f)
					id := f.Seed(seed)
					first := []providertest.InjectOption{providertest.Once()}
					if applied {
						first = append(first, providertest.AfterApply())
					}
					f.InjectError(op, provider.ErrOutcomeUnknown, first...)
					f.InjectError(op, k, providertest.Times(3))

					res, err := call(context.Background(), b, op, provider.Ref{Origin: "cloud", ID: id})
					if applied {
						if err != nil {
							t.Fatalf("applied, then %v: err = %v, want success proved by the state", k, err)
						}
						if !res.AlreadyDone {
							t.Errorf("result %+v: want AlreadyDone", res)
						}
						return
					}
					want := k
					if k == provider.KindOutcomeUnknown {
						want = provider.KindUnavailable // proved not applied
					}
					mustKind(t, err, want)
					mustContain(t, err.Error(), "so the "+string(op)+" was not applied")
					var oe *broker.OpError
					if !errors.As(err, &oe) || oe.Read == nil || oe.Read.State != seed {
						t.Errorf("OpError.Read does not carry the state that proved it: %#v", oe)
					}
					if st, _ := f.StateOf(id); st != seed {
						t.Errorf("backend state %v, want %v", st, seed)
					}
				})
			}
		}
	}
}

// unreadable is a Fake whose Status cannot recognise any state, like an
// Alibaba BUY order that DescribeCertificateState answers unknow for.
type unreadable struct{ *providertest.Fake }

func (u unreadable) Status(ctx context.Context, req provider.StatusRequest) (*provider.Result, error) {
	res, err := u.Fake.Status(ctx, req)
	if err == nil {
		res.State, res.NativeState = provider.StateUnknown, "unknow"
	}
	return res, err
}

// TestUnknownStateProvesNothing: after an ambiguous attempt, a state read
// that answers unknown leaves the outcome unknown, whether or not the
// operation was applied.
func TestUnknownStateProvesNothing(t *testing.T) {
	t.Parallel()
	for _, applied := range []bool{true, false} {
		for _, then := range []provider.Kind{provider.KindInvalidState, provider.KindThrottled} {
			name := then.String() + "/applied"
			if !applied {
				name = then.String() + "/not_applied"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				b, _ := fastBroker(t)
				f := providertest.NewFake()
				register(t, b, "cloud", unreadable{f})
				id := f.Seed(provider.StateIssued)
				first := []providertest.InjectOption{providertest.Once()}
				if applied {
					first = append(first, providertest.AfterApply())
				}
				f.InjectError(provider.OpRevoke, provider.ErrOutcomeUnknown, first...)
				f.InjectError(provider.OpRevoke, then, providertest.Times(3))
				_, err := b.Revoke(context.Background(), "cloud", provider.RevokeRequest{ID: id})
				mustKind(t, err, provider.KindOutcomeUnknown)
				mustContain(t, err.Error(), "could not be recognised")
			})
		}
	}
}

// TestSettleWithoutRetry: with retries off, an ambiguous cancel, revoke
// or delete is still settled by one state read.
func TestSettleWithoutRetry(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		op       provider.Op
		seed     provider.State
		applied  bool
		wantKind provider.Kind // KindOther: success
	}{
		{provider.OpCancel, provider.StateUnderReview, true, provider.KindOther},
		{provider.OpCancel, provider.StateUnderReview, false, provider.KindUnavailable},
		{provider.OpRevoke, provider.StateIssued, true, provider.KindOther},
		{provider.OpDelete, provider.StateReviewFailed, true, provider.KindOther},
		{provider.OpDelete, provider.StateReviewFailed, false, provider.KindUnavailable},
		// The Fake is a RenewalFinder: the renewal's mark proves the
		// order it created.
		{provider.OpRenew, provider.StateExpiring, true, provider.KindOther},
		{provider.OpRenew, provider.StateExpiring, false, provider.KindOutcomeUnknown},
	} {
		t.Run(fmt.Sprintf("%s/applied=%v", tc.op, tc.applied), func(t *testing.T) {
			t.Parallel()
			b, _ := fastBroker(t, broker.WithRetry(func(p *broker.RetryPolicy) { p.MaxAttempts = 1 }))
			f := providertest.NewFake()
			register(t, b, "cloud", f)
			id := f.Seed(tc.seed)
			opts := []providertest.InjectOption{providertest.Once()}
			if tc.applied {
				opts = append(opts, providertest.AfterApply())
			}
			f.InjectError(tc.op, provider.ErrOutcomeUnknown, opts...)
			res, err := call(context.Background(), b, tc.op, provider.Ref{Origin: "cloud", ID: id})
			if got := callsOf(f)[tc.op]; got != 1 {
				t.Errorf("%s sent %d times, want 1", tc.op, got)
			}
			if tc.wantKind == provider.KindOther {
				if err != nil || !res.AlreadyDone {
					t.Fatalf("res %+v, err %v: want a success proved by the state read", res, err)
				}
				if tc.op == provider.OpRenew && (len(f.Renewals()) != 1 || res.NewID != f.Renewals()[0].NewID) {
					t.Errorf("renew proved %q, created %v", res.NewID, f.Renewals())
				}
				return
			}
			mustKind(t, err, tc.wantKind)
			if tc.op == provider.OpRenew && callsOf(f)[provider.OpStatus] != 0 {
				t.Errorf("a renew's state read proves nothing, yet it was made")
			}
		})
	}
}
