package broker_test

import (
	"context"
	"testing"

	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

// lookalike is a Fake whose Status, like Alibaba's, reports a cancelled
// order as pending application. declare says whether its Capabilities own
// up to that through Cancel.ReportedAs.
type lookalike struct {
	*providertest.Fake
	declare bool
}

func (l lookalike) Status(ctx context.Context, req provider.StatusRequest) (*provider.Result, error) {
	res, err := l.Fake.Status(ctx, req)
	if err == nil && res.State == provider.StateCancelled {
		res.State = provider.StatePendingApplication
	}
	return res, err
}

func (l lookalike) Capabilities() provider.Capabilities {
	c := l.Fake.Capabilities()
	if l.declare {
		c.Cancel.ReportedAs = []provider.State{provider.StatePendingApplication}
	}
	return c
}

// TestReconcileReportedAs checks that reconciling a cancel whose first
// attempt was applied but lost trusts a look-alike state only when the
// provider declares it.
func TestReconcileReportedAs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		declare bool
		wantErr bool
	}{
		{"declared look-alike reconciles", true, false},
		{"undeclared look-alike stays an error", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b, _ := fastBroker(t)
			f := providertest.NewFake()
			register(t, b, "cloud", lookalike{Fake: f, declare: tc.declare})
			id := f.Seed(provider.StateUnderReview)
			f.InjectError(provider.OpCancel, provider.ErrOutcomeUnknown, providertest.Once(), providertest.AfterApply())

			res, err := b.Cancel(context.Background(), provider.Ref{Origin: "cloud", ID: id})
			if st, _ := f.StateOf(id); st != provider.StateCancelled {
				t.Fatalf("backend state %v, want cancelled (the first attempt applied)", st)
			}
			if tc.wantErr {
				mustKind(t, err, provider.KindInvalidState)
				return
			}
			if err != nil {
				t.Fatalf("err = %v, want success", err)
			}
			if !res.AlreadyDone || res.Op != provider.OpCancel {
				t.Errorf("result %+v, want AlreadyDone cancel", res)
			}
		})
	}
}
