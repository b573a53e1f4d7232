package providertest

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
)

// recorder stands in for *testing.T when the suite's own tests run the
// suite against deliberately broken providers: it records failures instead
// of reporting them, so a test can assert that the suite failed, where and
// why. It runs subtests one after another (Parallel is a no-op), each in
// its own goroutine so that FailNow can end it with runtime.Goexit as
// testing does, and runs their cleanups when they end.
type recorder struct {
	// TB is the real test, for the methods the recorder does not
	// override (TempDir, Setenv, Output, ...).
	testing.TB
	name   string
	log    *failureLog
	ctx    context.Context
	cancel context.CancelFunc

	mu       sync.Mutex
	failed   bool
	cleanups []func()
}

// failure is one failure recorded by a recorder.
type failure struct {
	test, msg string
}

func (f failure) String() string { return f.test + ": " + f.msg }

// failureLog is shared by a recorder and all its subtests.
type failureLog struct {
	mu       sync.Mutex
	tests    []string
	failures []failure
}

// newRecorder returns a root recorder whose unrecorded methods go to t.
func newRecorder(t testing.TB) *recorder {
	ctx, cancel := context.WithCancel(t.Context())
	return &recorder{TB: t, log: &failureLog{}, ctx: ctx, cancel: cancel}
}

// Failures returns every failure recorded so far.
func (r *recorder) Failures() []failure {
	r.log.mu.Lock()
	defer r.log.mu.Unlock()
	return slices.Clone(r.log.failures)
}

// Tests returns the names of every subtest run so far.
func (r *recorder) Tests() []string {
	r.log.mu.Lock()
	defer r.log.mu.Unlock()
	return slices.Clone(r.log.tests)
}

// Run runs f as a subtest named name and reports whether it passed.
func (r *recorder) Run(name string, f func(t *recorder)) bool {
	full := name
	if r.name != "" {
		full = r.name + "/" + name
	}
	ctx, cancel := context.WithCancel(r.ctx)
	c := &recorder{TB: r.TB, name: full, log: r.log, ctx: ctx, cancel: cancel}
	r.log.mu.Lock()
	r.log.tests = append(r.log.tests, full)
	r.log.mu.Unlock()

	done := make(chan struct{})
	go func() {
		defer close(done)
		defer c.finish()
		defer func() {
			if p := recover(); p != nil {
				c.Errorf("panic: %v", p)
			}
		}()
		f(c)
	}()
	<-done
	if c.Failed() {
		r.Fail()
	}
	return !c.Failed()
}

// finish ends the test's context, then runs its cleanups, last first.
func (r *recorder) finish() {
	r.cancel()
	r.mu.Lock()
	cleanups := r.cleanups
	r.cleanups = nil
	r.mu.Unlock()
	for _, f := range slices.Backward(cleanups) {
		f()
	}
}

// Parallel does nothing: the recorder runs subtests sequentially.
func (r *recorder) Parallel() {}

// Helper does nothing.
func (r *recorder) Helper() {}

// Name returns the subtest path below the root, e.g. "revoke/from_issued".
func (r *recorder) Name() string { return r.name }

// Context is cancelled when the test ends, before its cleanups run.
func (r *recorder) Context() context.Context { return r.ctx }

// Cleanup registers f to run when the test ends.
func (r *recorder) Cleanup(f func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cleanups = append(r.cleanups, f)
}

// Log and Logf discard their arguments.
func (r *recorder) Log(args ...any) {}

// Logf discards its arguments.
func (r *recorder) Logf(format string, args ...any) {}

// Fail marks the test failed.
func (r *recorder) Fail() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = true
}

// Failed reports whether the test failed.
func (r *recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed
}

// Error records a failure.
func (r *recorder) Error(args ...any) { r.record(strings.TrimSuffix(fmt.Sprintln(args...), "\n")) }

// Errorf records a failure.
func (r *recorder) Errorf(format string, args ...any) { r.record(fmt.Sprintf(format, args...)) }

// FailNow ends the test, failed.
func (r *recorder) FailNow() {
	r.Fail()
	runtime.Goexit()
}

// Fatal records a failure and ends the test.
func (r *recorder) Fatal(args ...any) {
	r.Error(args...)
	runtime.Goexit()
}

// Fatalf records a failure and ends the test.
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}

// The suite never skips, so a skip is recorded as a failure.

// Skip records a failure and ends the test.
func (r *recorder) Skip(args ...any) { r.Fatal(append([]any{"skipped:"}, args...)...) }

// Skipf records a failure and ends the test.
func (r *recorder) Skipf(format string, args ...any) { r.Fatalf("skipped: "+format, args...) }

// SkipNow records a failure and ends the test.
func (r *recorder) SkipNow() { r.Fatal("skipped") }

// Skipped reports false: a skip is recorded as a failure.
func (r *recorder) Skipped() bool { return false }

func (r *recorder) record(msg string) {
	r.Fail()
	r.log.mu.Lock()
	defer r.log.mu.Unlock()
	r.log.failures = append(r.log.failures, failure{test: r.name, msg: msg})
}

// TestRecorder checks the recorder itself: failures are recorded with
// their subtest, FailNow ends only its subtest, failure propagates to the
// parent, and cleanups run in reverse order after the context ends.
func TestRecorder(t *testing.T) {
	t.Parallel()
	r := newRecorder(t)
	var order []string
	var ctxDoneAtCleanup bool
	reached := false
	passed := r.Run("outer", func(t *recorder) {
		t.Run("ok", func(t *recorder) {
			t.Cleanup(func() { order = append(order, "first") })
			t.Cleanup(func() {
				order = append(order, "second")
				ctxDoneAtCleanup = t.Context().Err() != nil
			})
		})
		t.Run("fatal", func(t *recorder) {
			t.Fatalf("boom %d", 1)
			reached = true
		})
		t.Run("panic", func(t *recorder) { panic("oops") })
		t.Errorf("outer %s", "too")
	})
	if passed {
		t.Errorf("Run reported success for a failing subtest")
	}
	if reached {
		t.Errorf("Fatalf did not end the subtest")
	}
	if want := []string{"second", "first"}; !slices.Equal(order, want) {
		t.Errorf("cleanups ran in order %q, want %q", order, want)
	}
	if !ctxDoneAtCleanup {
		t.Errorf("the context was live when cleanups ran")
	}
	want := []failure{{"outer/fatal", "boom 1"}, {"outer/panic", "panic: oops"}, {"outer", "outer too"}}
	if got := r.Failures(); !slices.Equal(got, want) {
		t.Errorf("failures = %q, want %q", got, want)
	}
	if got, want := r.Tests(), []string{"outer", "outer/ok", "outer/fatal", "outer/panic"}; !slices.Equal(got, want) {
		t.Errorf("tests = %q, want %q", got, want)
	}
	if !r.Failed() {
		t.Errorf("the root recorder did not fail with its subtests")
	}
}
