package providertest_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

// call invokes op on p.
func call(ctx context.Context, p provider.Provider, op provider.Op, id string) (*provider.Result, error) {
	switch op {
	case provider.OpCancel:
		return p.Cancel(ctx, provider.CancelRequest{ID: id})
	case provider.OpRevoke:
		return p.Revoke(ctx, provider.RevokeRequest{ID: id})
	case provider.OpDelete:
		return p.Delete(ctx, provider.DeleteRequest{ID: id})
	case provider.OpRenew:
		return p.Renew(ctx, provider.RenewRequest{ID: id})
	}
	return p.Status(ctx, provider.StatusRequest{ID: id})
}

// kindIs fails the test unless err is a *provider.Error of kind want.
func kindIs(t *testing.T, err error, want provider.Kind) *provider.Error {
	t.Helper()
	var pe *provider.Error
	if !errors.As(err, &pe) || !errors.Is(err, want) {
		t.Fatalf("error %v (%T), want a *provider.Error of kind %s", err, err, want.String())
	}
	return pe
}

func TestFakeTransitions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		op    provider.Op
		from  provider.State
		lands provider.State // for Renew: the new order's state
	}{
		{provider.OpCancel, provider.StateUnderReview, provider.StateCancelled},
		{provider.OpRevoke, provider.StateIssued, provider.StateRevoked},
		{provider.OpRevoke, provider.StateExpiring, provider.StateRevoked},
		{provider.OpDelete, provider.StateReviewFailed, provider.StateUnknown},
		{provider.OpDelete, provider.StateCancelled, provider.StateUnknown},
		{provider.OpRenew, provider.StateExpiring, provider.StatePendingApplication},
	}
	allowed := func(op provider.Op, s provider.State) (provider.State, bool) {
		for _, tt := range tests {
			if tt.op == op && tt.from == s {
				return tt.lands, true
			}
		}
		return 0, false
	}
	for _, op := range []provider.Op{provider.OpCancel, provider.OpRevoke, provider.OpDelete, provider.OpRenew} {
		for _, from := range provider.States() {
			t.Run(fmt.Sprintf("%s/from_%s", op, from), func(t *testing.T) {
				t.Parallel()
				f := providertest.NewFake(providertest.WithOrigin("test-origin"))
				id := f.Seed(from)
				res, err := call(t.Context(), f, op, id)
				lands, ok := allowed(op, from)
				if !ok {
					pe := kindIs(t, err, provider.KindInvalidState)
					if pe.Op != op || pe.Origin != "test-origin" || pe.ID != id || pe.RequestID == "" {
						t.Errorf("error fields: %+v", pe)
					}
					if got, _ := f.StateOf(id); got != from {
						t.Errorf("state after a refused %s: %s, want %s", op, got, from)
					}
					return
				}
				if err != nil {
					t.Fatalf("%s from %s: %v", op, from, err)
				}
				if res.Origin != "test-origin" || res.ID != id || res.Op != op || !strings.HasPrefix(res.RequestID, "fake-req-") {
					t.Errorf("result: %+v", res)
				}
				got, exists := f.StateOf(id)
				switch op {
				case provider.OpDelete:
					if exists || res.Op != provider.OpDelete || res.State != provider.StateUnknown {
						t.Errorf("after delete: exists=%t, result %+v", exists, res)
					}
					_, err := f.Status(t.Context(), provider.StatusRequest{ID: id})
					kindIs(t, err, provider.KindNotFound)
				case provider.OpRenew:
					newState, _ := f.StateOf(res.NewID)
					if got != from || newState != lands || res.State != from {
						t.Errorf("after renew: old %s, new %s, result %+v", got, newState, res)
					}
					want := []providertest.Renewal{{From: id, NewID: res.NewID}}
					if r := f.Renewals(); len(r) != 1 || r[0].From != want[0].From || r[0].NewID != want[0].NewID {
						t.Errorf("Renewals() = %v, want %v", r, want)
					}
				default:
					if got != lands || res.State != lands || res.NativeState != lands.String() {
						t.Errorf("after %s: state %s, result %+v; want %s", op, got, res, lands)
					}
				}
			})
		}
	}
}

func TestFakeCapabilitiesMatchTransitions(t *testing.T) {
	t.Parallel()
	f := providertest.NewFake()
	c := f.Capabilities()
	c.Revoke.From[0] = provider.StateHosted // a caller's change must not reach the Fake
	if f.Capabilities().Revoke.Allows(provider.StateHosted) {
		t.Errorf("Capabilities returned shared slices")
	}
	for _, op := range provider.Ops() {
		oc := f.Capabilities().For(op)
		if !oc.Supported || oc.Lands != oc.Settles {
			t.Errorf("%s: %+v; want supported and synchronous", op, oc)
		}
	}
}

func TestFakeStatusAndUnknown(t *testing.T) {
	t.Parallel()
	f := providertest.NewFake()
	for _, s := range provider.States() {
		id := f.Seed(s)
		res, err := f.Status(t.Context(), provider.StatusRequest{ID: id})
		if err != nil || res.State != s || res.NativeState != s.String() {
			t.Errorf("status of %s: %+v, %v", s, res, err)
		}
	}
	id := f.Seed(provider.StateIssued)
	res, _ := f.Status(t.Context(), provider.StatusRequest{ID: id})
	if d := time.Until(res.NotAfter); d < 89*24*time.Hour || d > 91*24*time.Hour {
		t.Errorf("NotAfter of an issued certificate is %v away, want about 90 days", d)
	}
	for _, op := range provider.Ops() {
		_, err := call(t.Context(), f, op, "fake-424242")
		kindIs(t, err, provider.KindNotFound)
	}
}

func TestFakeInvalidIDs(t *testing.T) {
	t.Parallel()
	f := providertest.NewFake()
	for _, id := range []string{"", "fake-", "fake-1/../2", "fake-1 ", "FAKE-1", "fake-1234567890123456789", "1", "fake-x"} {
		if err := f.CheckID(id); !errors.Is(err, provider.ErrInvalidArgument) {
			t.Errorf("CheckID(%q) = %v, want invalid argument", id, err)
		}
		for _, op := range provider.Ops() {
			_, err := call(t.Context(), f, op, id)
			pe := kindIs(t, err, provider.KindInvalidArgument)
			if pe.Op != op || strings.ContainsAny(pe.Error(), "\n\x00") {
				t.Errorf("%s(%q): %q", op, id, pe.Error())
			}
		}
	}
	for _, id := range []string{"fake-1", "fake-000", "fake-123456789012345678"} {
		if err := f.CheckID(id); err != nil {
			t.Errorf("CheckID(%q) = %v, want nil", id, err)
		}
	}
	if n := len(f.Calls()); n != 0 {
		t.Errorf("invalid IDs were recorded as %d calls", n)
	}
}

func TestFakeCanceledContext(t *testing.T) {
	t.Parallel()
	f := providertest.NewFake()
	id := f.Seed(provider.StateIssued)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := f.Revoke(ctx, provider.RevokeRequest{ID: id})
	pe := kindIs(t, err, provider.KindCanceled)
	if !errors.Is(err, context.Canceled) || pe.Err != context.Canceled {
		t.Errorf("error %v does not wrap context.Canceled", err)
	}
	if st, _ := f.StateOf(id); st != provider.StateIssued || len(f.Calls()) != 0 {
		t.Errorf("a cancelled call changed state to %s or was recorded (%d calls)", st, len(f.Calls()))
	}
}

// waitingCtx is a context that reports when a callee starts waiting on it.
type waitingCtx struct {
	context.Context
	once    sync.Once
	waiting chan struct{}
}

func newWaitingCtx(ctx context.Context) *waitingCtx {
	return &waitingCtx{Context: ctx, waiting: make(chan struct{})}
}

func (c *waitingCtx) Done() <-chan struct{} {
	c.once.Do(func() { close(c.waiting) })
	return c.Context.Done()
}

func TestFakeLatencyCancelled(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		op   provider.Op
		from provider.State
		kind provider.Kind
	}{
		{provider.OpRevoke, provider.StateIssued, provider.KindOutcomeUnknown},
		{provider.OpRenew, provider.StateExpiring, provider.KindOutcomeUnknown},
		{provider.OpStatus, provider.StateIssued, provider.KindUnavailable},
	} {
		t.Run(string(tt.op), func(t *testing.T) {
			t.Parallel()
			f := providertest.NewFake()
			f.SetLatency(providertest.AllOps, -1)
			id := f.Seed(tt.from)
			cctx, cancel := context.WithCancel(t.Context())
			ctx := newWaitingCtx(cctx)
			errc := make(chan error, 1)
			go func() {
				_, err := call(ctx, f, tt.op, id)
				errc <- err
			}()
			<-ctx.waiting
			cancel()
			err := <-errc
			kindIs(t, err, tt.kind)
			if !errors.Is(err, context.Canceled) {
				t.Errorf("error %v lacks context.Canceled", err)
			}
			calls := f.Calls()
			if st, _ := f.StateOf(id); st != tt.from || len(calls) != 1 || calls[0].Err != err || calls[0].End.IsZero() {
				t.Errorf("state %s, calls %+v", st, calls)
			}
			if len(f.Renewals()) != 0 {
				t.Errorf("an aborted renew created an order")
			}
		})
	}
}

// holdRevoke seeds an issued order in f and starts a revoke of it that f
// holds (latency -1 for Revoke) until SetLatency(OpRevoke, 0). It returns
// once the revoke is waiting, with the order's ID and the channel that
// will carry the revoke's error.
func holdRevoke(t *testing.T, f *providertest.Fake) (string, <-chan error) {
	t.Helper()
	f.SetLatency(provider.OpRevoke, -1)
	id := f.Seed(provider.StateIssued)
	ctx := newWaitingCtx(t.Context())
	errc := make(chan error, 1)
	go func() {
		_, err := f.Revoke(ctx, provider.RevokeRequest{ID: id})
		errc <- err
	}()
	<-ctx.waiting
	return id, errc
}

func TestFakeLatencyReleased(t *testing.T) {
	t.Parallel()
	f := providertest.NewFake()
	id, errc := holdRevoke(t, f)
	// Other operations are not held.
	if _, err := f.Status(t.Context(), provider.StatusRequest{ID: id}); err != nil {
		t.Fatalf("status during a held revoke: %v", err)
	}
	if calls := f.Calls(); len(calls) != 2 || calls[0].Op != provider.OpRevoke || !calls[0].End.IsZero() {
		t.Errorf("calls while a revoke is held: %+v", calls)
	}
	f.SetLatency(provider.OpRevoke, 0)
	if err := <-errc; err != nil {
		t.Fatalf("released revoke: %v", err)
	}
	if st, _ := f.StateOf(id); st != provider.StateRevoked {
		t.Errorf("state after a released revoke: %s", st)
	}
}

func TestFakeLatencyDelays(t *testing.T) {
	t.Parallel()
	f := providertest.NewFake()
	const d = 5 * time.Millisecond
	f.SetLatency(providertest.AllOps, d)
	id := f.Seed(provider.StateIssued)
	start := time.Now()
	if _, err := f.Status(t.Context(), provider.StatusRequest{ID: id}); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took < d {
		t.Errorf("a call with latency %v took %v", d, took)
	}
}

func TestFakeInjectError(t *testing.T) {
	t.Parallel()
	cause := errors.New("disk on fire")
	tests := []struct {
		name     string
		inject   func(f *providertest.Fake, id string)
		op       provider.Op
		calls    int   // calls made
		fail     []int // which of them fail
		kind     provider.Kind
		applied  bool // whether the failing call still changed state
		wantErr  error
		wantCode string
	}{
		{"always", func(f *providertest.Fake, _ string) { f.InjectError(provider.OpStatus, provider.ErrThrottled) },
			provider.OpStatus, 3, []int{0, 1, 2}, provider.KindThrottled, false, nil, ""},
		{"once", func(f *providertest.Fake, _ string) {
			f.InjectError(provider.OpStatus, provider.ErrUnavailable, providertest.Once())
		}, provider.OpStatus, 2, []int{0}, provider.KindUnavailable, false, nil, ""},
		{"times 2", func(f *providertest.Fake, _ string) {
			f.InjectError(providertest.AllOps, provider.ErrUnavailable, providertest.Times(2))
		}, provider.OpStatus, 3, []int{0, 1}, provider.KindUnavailable, false, nil, ""},
		{"other op untouched", func(f *providertest.Fake, _ string) { f.InjectError(provider.OpCancel, provider.ErrThrottled) },
			provider.OpStatus, 1, nil, 0, false, nil, ""},
		{"other ID untouched", func(f *providertest.Fake, _ string) {
			f.InjectError(provider.OpStatus, provider.ErrThrottled, providertest.ForID("fake-77"))
		}, provider.OpStatus, 1, nil, 0, false, nil, ""},
		{"for this ID", func(f *providertest.Fake, id string) {
			f.InjectError(provider.OpRevoke, provider.ErrThrottled, providertest.ForID(id))
		}, provider.OpRevoke, 1, []int{0}, provider.KindThrottled, false, nil, ""},
		{"before apply", func(f *providertest.Fake, _ string) { f.InjectError(provider.OpRevoke, provider.ErrOutcomeUnknown) },
			provider.OpRevoke, 1, []int{0}, provider.KindOutcomeUnknown, false, nil, ""},
		{"after apply", func(f *providertest.Fake, _ string) {
			f.InjectError(provider.OpRevoke, provider.ErrOutcomeUnknown, providertest.AfterApply(), providertest.Once())
		}, provider.OpRevoke, 1, []int{0}, provider.KindOutcomeUnknown, true, nil, ""},
		{"plain error kept as cause", func(f *providertest.Fake, _ string) { f.InjectError(provider.OpRevoke, cause) },
			provider.OpRevoke, 1, []int{0}, provider.KindOther, false, cause, ""},
		{"wrapped kind", func(f *providertest.Fake, _ string) {
			f.InjectError(provider.OpRevoke, fmt.Errorf("quota: %w", provider.ErrQuotaExceeded))
		}, provider.OpRevoke, 1, []int{0}, provider.KindQuotaExceeded, false, nil, ""},
		{"context error", func(f *providertest.Fake, _ string) { f.InjectError(provider.OpRevoke, context.DeadlineExceeded) },
			provider.OpRevoke, 1, []int{0}, provider.KindCanceled, false, context.DeadlineExceeded, ""},
		{"provider error completed", func(f *providertest.Fake, _ string) {
			f.InjectError(provider.OpRevoke, &provider.Error{Kind: provider.KindForbidden, Code: "NoPermission"})
		}, provider.OpRevoke, 1, []int{0}, provider.KindForbidden, false, nil, "NoPermission"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := providertest.NewFake()
			from := provider.StateIssued
			id := f.Seed(from)
			tt.inject(f, id)
			for i := range tt.calls {
				_, err := call(t.Context(), f, tt.op, id)
				if !slices.Contains(tt.fail, i) {
					if err != nil {
						t.Fatalf("call %d: %v, want success", i, err)
					}
					continue
				}
				pe := kindIs(t, err, tt.kind)
				if pe.Op != tt.op || pe.Origin != "fake" || pe.ID != id || pe.RequestID == "" || pe.Code != tt.wantCode {
					t.Errorf("call %d: error fields %+v", i, pe)
				}
				if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
					t.Errorf("call %d: %v does not wrap %v", i, err, tt.wantErr)
				}
				if calls := f.Calls(); calls[len(calls)-1].Err != err {
					t.Errorf("call %d: the log has error %v", i, calls[len(calls)-1].Err)
				}
			}
			st, _ := f.StateOf(id)
			if changed := st != from; tt.op == provider.OpRevoke && len(tt.fail) > 0 && changed != tt.applied {
				t.Errorf("state after the failed revoke: %s; applied=%t", st, tt.applied)
			}
		})
	}
}

func TestFakeInjectErrorAfterApplyRenew(t *testing.T) {
	t.Parallel()
	f := providertest.NewFake()
	id := f.Seed(provider.StateExpiring)
	f.InjectError(provider.OpRenew, provider.ErrOutcomeUnknown, providertest.AfterApply(), providertest.Once())
	_, err := f.Renew(t.Context(), provider.RenewRequest{ID: id})
	kindIs(t, err, provider.KindOutcomeUnknown)
	r := f.Renewals()
	if len(r) != 1 || r[0].From != id {
		t.Fatalf("Renewals() = %v, want one from %s", r, id)
	}
	if st, ok := f.StateOf(r[0].NewID); !ok || st != provider.StatePendingApplication {
		t.Errorf("the hidden new order is in %s (exists: %t)", st, ok)
	}
	f.InjectError(provider.OpRenew, provider.ErrThrottled)
	f.ClearErrors()
	if _, err := f.Renew(t.Context(), provider.RenewRequest{ID: id}); err != nil {
		t.Errorf("renew after ClearErrors: %v", err)
	}
}

func TestFakeCallsLog(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	f := providertest.NewFake(providertest.WithClock(func() time.Time { return now }))
	id := f.Seed(provider.StateIssued)
	if _, err := f.Revoke(t.Context(), provider.RevokeRequest{ID: id, Reason: "key compromise"}); err != nil {
		t.Fatal(err)
	}
	_, err := f.Cancel(t.Context(), provider.CancelRequest{ID: id})
	want := []providertest.Call{
		{Op: provider.OpRevoke, ID: id, RequestID: "fake-req-1", Start: now, End: now},
		{Op: provider.OpCancel, ID: id, RequestID: "fake-req-2", Start: now, End: now, Err: err},
	}
	got := f.Calls()
	if len(got) != len(want) {
		t.Fatalf("Calls() = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("call %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	got[0].ID = "changed"
	if f.Calls()[0].ID != id {
		t.Errorf("Calls returned the Fake's own slice")
	}
}

func TestFakeSeedID(t *testing.T) {
	t.Parallel()
	f := providertest.NewFake()
	f.SeedID("fake-1", provider.StateUnderReview)
	if id := f.Seed(provider.StateIssued); id == "fake-1" {
		t.Errorf("Seed reused the ID of a SeedID order")
	}
	f.SeedID("fake-1", provider.StateIssued)
	if st, ok := f.StateOf("fake-1"); !ok || st != provider.StateIssued {
		t.Errorf("SeedID did not move the order: %s %t", st, ok)
	}
	if _, ok := f.StateOf("fake-2"); !ok {
		t.Errorf("Seed after SeedID(fake-1) did not create fake-2")
	}
}

func TestFakePanics(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		f    func()
		msg  string
	}{
		{"bad origin", func() { providertest.NewFake(providertest.WithOrigin("Bad Origin")) }, "must start with a lowercase letter"},
		{"nil clock", func() { providertest.NewFake(providertest.WithClock(nil)) }, "WithClock(nil)"},
		{"negative call log limit", func() { providertest.NewFake(providertest.WithCallLogLimit(-1)) }, "WithCallLogLimit(-1)"},
		{"seed bad state", func() { providertest.NewFake().Seed(provider.State(99)) }, "State(99) is not a normalized state"},
		{"seed bad ID", func() { providertest.NewFake().SeedID("x/y", provider.StateIssued) }, "malformed"},
		{"nil error", func() { providertest.NewFake().InjectError(provider.OpCancel, nil) }, "nil error"},
		{"times 0", func() {
			providertest.NewFake().InjectError(provider.OpCancel, provider.ErrThrottled, providertest.Times(0))
		}, "Times(0)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			defer func() {
				p := recover()
				if s, _ := p.(string); !strings.Contains(s, tt.msg) {
					t.Errorf("panic %v, want one containing %q", p, tt.msg)
				}
			}()
			tt.f()
		})
	}
}

func TestFakeConcurrent(t *testing.T) {
	t.Parallel()
	f := providertest.NewFake()
	const n = 32
	id := f.Seed(provider.StateExpiring)
	var wg sync.WaitGroup
	newIDs := make([]string, n)
	for i := range n {
		wg.Go(func() {
			res, err := f.Renew(t.Context(), provider.RenewRequest{ID: id})
			if err != nil {
				t.Errorf("renew %d: %v", i, err)
				return
			}
			newIDs[i] = res.NewID
		})
	}
	wg.Wait()
	seen := make(map[string]bool)
	for _, id := range newIDs {
		if seen[id] {
			t.Errorf("NewID %s given twice", id)
		}
		seen[id] = true
	}
	if len(f.Renewals()) != n || len(f.Calls()) != n {
		t.Errorf("%d renewals, %d calls; want %d", len(f.Renewals()), len(f.Calls()), n)
	}
}
