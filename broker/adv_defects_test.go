package broker_test

// Adversarial tests: each one breaks a promise of the broker. They fail
// against the current code; see the report on branch "adversarial".

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

// inChild runs the calling test in a child process when it may crash the
// process, and reports the child's crash as a failure of the test.
// It returns true in the child, which must then run the body.
func inChild(t *testing.T) bool {
	t.Helper()
	if os.Getenv("ADV_CHILD") == t.Name() {
		return true
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "ADV_CHILD="+t.Name())
	out, err := cmd.CombinedOutput()
	if err != nil {
		s := string(out)
		if i := strings.Index(s, "panic:"); i >= 0 {
			s = s[i:min(len(s), i+1500)]
		}
		t.Errorf("the child process failed (%v): the panic was not contained:\n%s", err, s)
	}
	return false
}

// panickyChecker is a Fake whose provider.Checker and IDChecker panic.
type panickyChecker struct {
	*providertest.Fake
	inCheckID bool
}

func (p panickyChecker) CheckID(id string) error {
	if p.inCheckID {
		panic("CheckID boom")
	}
	return p.Fake.CheckID(id)
}

func (p panickyChecker) Check(provider.Request) error { panic("Check boom") }

// TestAdvDryRunCheckerPanicCrashes: a provider whose Check (or CheckID)
// panics during a dry run. Promise 3: a provider panic never crashes the
// process from a worker goroutine; it should become the item's error.
// Actual: dryRun (broker/dryrun.go) calls o.idChecker.CheckID and
// o.reqChecker.Check on a worker goroutine with no recover, so the whole
// process dies.
func TestAdvDryRunCheckerPanicCrashes(t *testing.T) {
	for _, inCheckID := range []bool{false, true} {
		name := "Check"
		if inCheckID {
			name = "CheckID"
		}
		t.Run(name, func(t *testing.T) {
			if !inChild(t) {
				return
			}
			b, _ := fastBroker(t, broker.WithConcurrency(4))
			f := providertest.NewFake()
			register(t, b, "cloud", panickyChecker{Fake: f, inCheckID: inCheckID})
			refs := []provider.Ref{{Origin: "cloud", ID: f.Seed(provider.StateIssued)}}
			items, _ := advDo(b, context.Background(), provider.OpRevoke, refs, broker.BulkOptions{DryRun: true})
			if items[0].Err == nil {
				t.Errorf("a panicking Checker approved the dry run")
			}
		})
	}
}

// panickyAdvisor is a Fake (not Paced) whose RateAdvisor panics.
type panickyAdvisor struct{ *providertest.Fake }

func (panickyAdvisor) SuggestedRate(string) (float64, int) { panic("SuggestedRate boom") }

// TestAdvRateAdvisorPanicCrashes: a provider whose SuggestedRate panics,
// not Paced (so the broker paces per operation, outside the provider
// call). Promise 3 again: the panic once killed the process; now the
// broker treats it as no advice (the origin's shared limit applies) and
// the call goes on.
func TestAdvRateAdvisorPanicCrashes(t *testing.T) {
	if !inChild(t) {
		return
	}
	b, _ := fastBroker(t, broker.WithConcurrency(4))
	f := providertest.NewFake()
	register(t, b, "cloud", panickyAdvisor{f})
	refs := []provider.Ref{{Origin: "cloud", ID: f.Seed(provider.StateIssued)}}
	items, _ := advDo(b, context.Background(), provider.OpStatus, refs, broker.BulkOptions{})
	if items[0].Err != nil || items[0].Result == nil {
		t.Errorf("a panicking advisor is no advice, yet the status failed: %v", items[0].Err)
	}
}

// cancelOnSleep is a jump clock whose next Sleep behaves as if the
// caller's context ended during the wait (a deadline expiring while the
// request waits for a rate-limit token).
type cancelOnSleep struct {
	*jumpClock
	mu     sync.Mutex
	cancel context.CancelFunc
}

func (c *cancelOnSleep) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	cancel := c.cancel
	c.cancel = nil
	c.mu.Unlock()
	if cancel != nil {
		cancel()
		return ctx.Err()
	}
	return c.jumpClock.Sleep(ctx, d)
}

// TestAdvAuthGateTrustsOriginAfterPacingWaitCancelled: an origin whose
// credentials are bad. One single call whose context ends while it waits
// for a rate-limit token (nothing sent) makes the auth gate trust the
// origin, so the next bulk run sends a request per worker instead of at
// most 3. Promise 5: at most 3 requests reach an origin with bad
// credentials in a bulk run.
// Cause: try (broker/call.go) calls leave(nil) when admit or pc.Wait
// fails; authGate.leave(nil) means "success": trusted = true, failures = 0.
// An attempt that sent nothing is treated as proof that the credentials work.
func TestAdvAuthGateTrustsOriginAfterPacingWaitCancelled(t *testing.T) {
	clk := &cancelOnSleep{jumpClock: newJumpClock()}
	b := broker.New(broker.WithClock(clk), broker.WithRetry(func(p *broker.RetryPolicy) { p.Jitter = noJitter }), broker.WithConcurrency(16))
	bad := fakeAt("bad", nil)
	register(t, b, "bad", bad, broker.WithRate(1000, 1))
	bad.InjectError(providertest.AllOps, provider.ErrUnauthorized)
	bad.SetLatency(providertest.AllOps, 30*time.Millisecond)
	var refs []provider.Ref
	for range 64 {
		refs = append(refs, provider.Ref{Origin: "bad", ID: bad.Seed(provider.StateIssued)})
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// First call takes the only burst token; it is sent and fails
	// unauthorized (1 request).
	if _, err := advStatus(b, context.Background(), refs[0]); provider.KindOf(err) != provider.KindUnauthorized {
		t.Fatalf("first status: %v", err)
	}
	// Second call waits for a token; its context ends during the wait.
	// Nothing is sent.
	if os.Getenv("ADV_CONTROL") == "" {
		clk.mu.Lock()
		clk.cancel = cancel
		clk.mu.Unlock()
		_, err := advStatus(b, ctx, refs[1])
		mustKind(t, err, provider.KindCanceled)
	}
	before := bad.CallCount()

	_, _ = advDo(b, context.Background(), provider.OpStatus, refs, broker.BulkOptions{})
	if n := bad.CallCount() - before; n > broker.DefaultAuthFailureLimit {
		t.Errorf("the bulk run sent %d requests to the origin with bad credentials, want at most %d "+
			"(a cancelled rate-limit wait made the gate trust the origin)", n, broker.DefaultAuthFailureLimit)
	}
}

// typedNil is a Fake whose Revoke applies and then returns its result
// with a typed nil *provider.Error as the error (the classic Go mistake:
// "var perr *provider.Error; ...; return res, perr").
type typedNil struct{ *providertest.Fake }

func (p typedNil) Revoke(ctx context.Context, r provider.RevokeRequest) (*provider.Result, error) {
	res, _ := p.Fake.Revoke(ctx, r)
	var perr *provider.Error
	return res, perr
}

// TestAdvTypedNilErrorCrashes: a provider returns (result, typed-nil
// *provider.Error). Promise 3: nothing a provider does crashes the
// process from a worker goroutine. Actual: try (broker/call.go) sees
// err != nil and calls asProviderError (broker/errors.go), whose
// "cp := *pe" dereferences the nil pointer on the worker goroutine,
// outside Broker.call's recover: the process dies (and the origin's auth
// probe is never released).
func TestAdvTypedNilErrorCrashes(t *testing.T) {
	if !inChild(t) {
		return
	}
	b, _ := fastBroker(t, broker.WithConcurrency(4))
	f := providertest.NewFake()
	register(t, b, "cloud", typedNil{f})
	refs := []provider.Ref{{Origin: "cloud", ID: f.Seed(provider.StateIssued)}}
	items, _ := advDo(b, context.Background(), provider.OpRevoke, refs, broker.BulkOptions{})
	if items[0].Err == nil && items[0].Result == nil {
		t.Errorf("no outcome")
	}
}
