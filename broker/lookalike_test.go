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

// TestReconcileReportedAs checks what reconciling a cancel concludes when
// Status shows a look-alike state: declared as such, it proves nothing and
// the outcome stays unknown, whether or not the first attempt was applied;
// undeclared, it is taken at face value as a state the cancel cannot
// reach.
func TestReconcileReportedAs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		declare  bool
		seed     provider.State
		applied  bool // the first attempt is applied before its response is lost
		wantKind provider.Kind
		wantNote string
	}{
		{"declared look-alike after an applied cancel stays unknown", true, provider.StateUnderReview, true,
			provider.KindOutcomeUnknown, "outcome unknown: the order reads pending_application, which proves nothing"},
		{"declared look-alike after a refused cancel stays unknown", true, provider.StatePendingApplication, false,
			provider.KindOutcomeUnknown, "outcome unknown: the order reads pending_application, which proves nothing"},
		{"undeclared look-alike is taken as a wrong state", false, provider.StateUnderReview, true,
			provider.KindInvalidState, "the order reads pending_application afterwards, so the cancel was not applied"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b, _ := fastBroker(t)
			f := providertest.NewFake()
			register(t, b, "cloud", lookalike{Fake: f, declare: tc.declare})
			id := f.Seed(tc.seed)
			opts := []providertest.InjectOption{providertest.Once()}
			if tc.applied {
				opts = append(opts, providertest.AfterApply())
			}
			f.InjectError(provider.OpCancel, provider.ErrOutcomeUnknown, opts...)

			res, err := b.Cancel(context.Background(), "cloud", provider.CancelRequest{ID: id})
			if res != nil {
				t.Fatalf("result %+v: a look-alike state must never count as done", res)
			}
			mustKind(t, err, tc.wantKind)
			mustContain(t, err.Error(), tc.wantNote)
			wantState := tc.seed
			if tc.applied {
				wantState = provider.StateCancelled
			}
			if st, _ := f.StateOf(id); st != wantState {
				t.Fatalf("backend state %v, want %v", st, wantState)
			}
		})
	}
}
