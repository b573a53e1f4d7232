package providertest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certbroker/certbroker/provider"
)

// runRecorded runs the suite against the harnesses mk builds, recording
// instead of reporting. The in-flight bound is short: the recorded runs
// expect failures, and a slow machine can only add to them.
func runRecorded(t *testing.T, mk func(testing.TB) Harness) *recorder {
	t.Helper()
	r := newRecorder(t)
	cfg := defaultConfig()
	cfg.bound = 200 * time.Millisecond
	run(r, func(t *recorder) Harness { return mk(t) }, cfg)
	return r
}

// TestSuitePasses runs the suite, through the recorder, on providers that
// keep the contract: the Fake, a Fake without Renew, and a Fake whose
// Status cannot tell two states apart but whose harness says so.
func TestSuitePasses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		harness func(testing.TB) Harness
	}{
		{"fake", func(testing.TB) Harness { return NewFakeHarness() }},
		{"renew unsupported", wrap(func(f *Fake) provider.Provider { return noRenew{Fake: f} })},
		{"documented status alias", func(testing.TB) Harness {
			h := NewFakeHarness()
			p := declaredStatusSays{statusSays{Fake: h.Fake(), from: provider.StateCancelled, to: provider.StatePendingApplication}}
			return aliasedHarness{
				wrappedHarness: wrappedHarness{FakeHarness: h, p: p},
				aliases:        map[provider.State][]provider.State{provider.StateCancelled: {provider.StatePendingApplication}},
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := runRecorded(t, tt.harness)
			for _, f := range r.Failures() {
				t.Errorf("suite failed: %s", f)
			}
			if r.Failed() {
				t.Errorf("suite marked failed")
			}
			checkCoverage(t, r.Tests(), tt.harness(t).Provider().Capabilities())
		})
	}
}

// checkCoverage checks that the recorded run went through every part of
// the suite, for a provider with capabilities caps.
func checkCoverage(t *testing.T, tests []string, caps provider.Capabilities) {
	t.Helper()
	want := []string{"capabilities", "invalid_id/check_id", "concurrent"}
	for _, op := range provider.Ops() {
		for _, s := range provider.States() {
			want = append(want, fmt.Sprintf("%s/from_%s", op, s))
		}
		want = append(want, "unknown_id/"+string(op), "invalid_id/"+string(op)+"/dotdot_slash",
			"invalid_id/"+string(op)+"/harness_0")
		if caps.For(op).Supported {
			want = append(want, "canceled_context/"+string(op), "hang/"+string(op))
		}
	}
	if caps.Renew.Supported {
		want = append(want, "renew/twice")
	}
	want = append(want, "list/agrees_with_status", "list/pages_of_1", "list/pages_of_2", "list/pages_of_7",
		"list/filter_state", "list/filter_expiry_domain", "list/delete_mid_listing", "list/invalid")
	for _, name := range want {
		if !slices.Contains(tests, name) {
			t.Errorf("the suite did not run %s", name)
		}
	}
}

// TestSuiteCatches runs the suite on broken providers and checks that it
// fails where and why it should.
func TestSuiteCatches(t *testing.T) {
	t.Parallel()
	type want struct{ test, msg string }
	tests := []struct {
		name    string
		harness func(testing.TB) Harness
		want    []want
	}{
		{"revoke from pending application",
			wrap(func(f *Fake) provider.Provider { return revokesFromPending{f} }),
			[]want{{"revoke/from_pending_application", "succeeded, want an error of kind invalid_state"}}},
		{"cancel lands in the wrong state",
			wrap(func(f *Fake) provider.Provider { return cancelLandsPending{f} }),
			[]want{{"cancel/from_under_review", "is in state pending_application, want cancelled"}}},
		{"delete keeps the order",
			wrap(func(f *Fake) provider.Provider { return deleteKeeps{f} }),
			[]want{
				{"delete/from_review_failed", "exists in state review_failed, want it gone"},
				{"delete/from_cancelled", "status after delete of an order in state cancelled: succeeded, want an error of kind not_found"},
			}},
		{"renew changes the old order",
			wrap(func(f *Fake) provider.Provider { return renewRevokesOld{f} }),
			[]want{{"renew/from_expiring", "(the old order): order fake-1 is in state revoked, want expiring"}}},
		{"renew names the new order as Result.ID",
			wrap(func(f *Fake) provider.Provider { return renewNamesNewOrder{f} }),
			[]want{{"renew/from_expiring", `Result.ID = "fake-2", want "fake-1"`}}},
		{"status reports an undocumented alias",
			wrap(func(f *Fake) provider.Provider {
				return statusSays{Fake: f, from: provider.StateCancelled, to: provider.StatePendingApplication}
			}),
			[]want{{"status/from_cancelled", "reported state pending_application, want cancelled"}}},
		{"look-alike status not declared in ReportedAs",
			func(testing.TB) Harness {
				h := NewFakeHarness()
				return aliasedHarness{
					wrappedHarness: wrappedHarness{FakeHarness: h,
						p: statusSays{Fake: h.Fake(), from: provider.StateCancelled, to: provider.StatePendingApplication}},
					aliases: map[provider.State][]provider.State{provider.StateCancelled: {provider.StatePendingApplication}},
				}
			},
			[]want{{"cancel/from_under_review", "which Capabilities.Evidence reads as proof the cancel was not applied"}}},
		{"declares Paced but never paces",
			wrap(func(f *Fake) provider.Provider { return claimsPaced{f} }),
			[]want{{"status/from_issued", "declares Capabilities.Paced but called Pace 0 times for 1 requests"}}},
		{"Check disagrees with the call",
			wrap(func(f *Fake) provider.Provider { return laxChecker{f} }),
			[]want{{"check/invalid_ids", "Check accepted it, but the real call refused it before sending"}}},
		{"not found reported as other",
			wrap(func(f *Fake) provider.Provider {
				return kindSwap{Fake: f, from: provider.KindNotFound, to: provider.KindOther}
			}),
			[]want{
				{"unknown_id/revoke", "got kind other"},
				{"delete/from_cancelled", "want an error of kind not_found"},
			}},
		{"invalid state reported as unsupported",
			wrap(func(f *Fake) provider.Provider {
				return kindSwap{Fake: f, from: provider.KindInvalidState, to: provider.KindUnsupported}
			}),
			[]want{{"cancel/from_issued", "got kind unsupported"}}},
		{"invalid argument reported as not found",
			wrap(func(f *Fake) provider.Provider {
				return kindSwap{Fake: f, from: provider.KindInvalidArgument, to: provider.KindNotFound}
			}),
			[]want{{"invalid_id/delete/harness_0", `delete with invalid ID "fake-": got kind not_found`}}},
		{"bare sentinel instead of *provider.Error",
			wrap(func(f *Fake) provider.Provider { return bareNotFound{f} }),
			[]want{{"unknown_id/status", "is not a *provider.Error"}}},
		{"invalid ID sent to the backend",
			func(testing.TB) Harness {
				h := NewFakeHarness()
				sent := new(atomic.Int64)
				return wrappedHarness{FakeHarness: h, p: sendsFirst{h.Fake(), sent},
					requests: func() int { return len(h.Fake().Calls()) + int(sent.Load()) }}
			},
			[]want{{"invalid_id/cancel/valid_then_dotdot", "the backend received 1 request(s), want none"}}},
		{"context ignored",
			wrap(func(f *Fake) provider.Provider { return ignoresContext{f} }),
			[]want{
				{"canceled_context/revoke", "succeeded, want an error of kind canceled"},
				{"canceled_context/revoke", "is in state revoked, want issued"},
				{"hang/revoke", "did not return within 200ms"},
			}},
		{"context checked only before the call",
			wrap(func(f *Fake) provider.Provider { return checksContextOnce{f} }),
			[]want{{"hang/status", "did not return within 200ms"}}},
		{"lister repeats an entry across pages",
			wrap(func(f *Fake) provider.Provider { return repeatsAcrossPages{f} }),
			[]want{
				{"list/pages_of_1", "listed more than once"},
				{"list/pages_of_7", "listed more than once"},
			}},
		{"renewal finder proves the newest order",
			wrap(func(f *Fake) provider.Provider { return guessesRenewal{f} }),
			[]want{{"find_renewal/no_false_proof", "FindRenewal of a renewal never sent proved an order"}}},
		{"lister pages by offset",
			wrap(func(f *Fake) provider.Provider { return offsetPaging{f} }),
			[]want{{"list/delete_mid_listing", "not listed"}}},
		{"lister ignores the state filter",
			wrap(func(f *Fake) provider.Provider { return dropsFilter{Fake: f, states: true} }),
			[]want{{"list/filter_state", "which the listing should not hold"}}},
		{"lister ignores the expiry filter",
			wrap(func(f *Fake) provider.Provider { return dropsFilter{Fake: f, expiry: true} }),
			[]want{{"list/filter_expiry_domain", "listing expiring within 30 days: listed order"}}},
		{"lister ignores the domain filter",
			wrap(func(f *Fake) provider.Provider { return dropsFilter{Fake: f, domain: true} }),
			[]want{{"list/filter_expiry_domain", "listing domain example.com: listed order"}}},
		{"lister accepts a negative page size",
			wrap(func(f *Fake) provider.Provider { return lenientPageSize{f} }),
			[]want{
				{"list/invalid", "list with negative page size: succeeded, want an error of kind invalid_argument"},
				{"list/invalid", "list with negative page size: the backend received 1 request(s), want none"},
			}},
		{"lister disagrees with Status",
			wrap(func(f *Fake) provider.Provider {
				return listSays{Fake: f, from: provider.StateIssued, to: provider.StateExpiring}
			}),
			[]want{{"list/agrees_with_status", "listed in state expiring, but Status reports issued"}}},
		{"declares Paced but does not pace listing",
			wrap(func(f *Fake) provider.Provider { return claimsPaced{f} }),
			[]want{{"list/pages_of_2", "declares Capabilities.Paced but called Pace 0 times for 8 requests"}}},
		{"unsupported renew goes ahead",
			wrap(func(f *Fake) provider.Provider { return noRenew{Fake: f, broken: true} }),
			[]want{
				{"renew/from_issued", "want an error of kind unsupported"},
				{"unknown_id/renew", "got kind not_found"},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := runRecorded(t, tt.harness)
			got := r.Failures()
			if !r.Failed() || len(got) == 0 {
				t.Fatalf("the suite passed a broken provider")
			}
			for _, w := range tt.want {
				if !slices.ContainsFunc(got, func(f failure) bool { return f.test == w.test && strings.Contains(f.msg, w.msg) }) {
					t.Errorf("no failure in %s saying %q; got:\n%s", w.test, w.msg, failureList(got))
				}
			}
		})
	}
}

func failureList(fs []failure) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "\t%s\n", f)
	}
	return b.String()
}

// childEnv, when set in the environment, makes TestRunFailsOnRealT run the
// suite on a broken provider instead of checking how that run fails.
const childEnv = "PROVIDERTEST_BROKEN_CHILD"

// TestRunFailsOnRealT proves that the exported Run, with a real
// *testing.T, fails a broken provider: it runs itself in a child process
// that does so, and checks the child's verdict and report.
func TestRunFailsOnRealT(t *testing.T) {
	if os.Getenv(childEnv) == "1" {
		Run(t, func(t *testing.T) Harness {
			return wrap(func(f *Fake) provider.Provider { return revokesFromPending{f} })(t)
		})
		return
	}
	t.Parallel()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestRunFailsOnRealT$", "-test.count=1", "-test.timeout=60s")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("child: err = %v, want exit status 1; output:\n%s", err, out)
	}
	for _, want := range []string{
		"--- FAIL: TestRunFailsOnRealT/revoke/from_pending_application",
		"revoke of an order in state pending_application (allowed only from issued, expiring): succeeded, want an error of kind invalid_state",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("child output lacks %q; output:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "--- FAIL: TestRunFailsOnRealT/revoke/from_issued") {
		t.Errorf("child failed a check the broken provider passes; output:\n%s", out)
	}
}
