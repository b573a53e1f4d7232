package reliability

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certbroker/certbroker/alibaba"
	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/huawei"
	"github.com/certbroker/certbroker/huawei/huaweitest"
	"github.com/certbroker/certbroker/internal/faultinject"
	"github.com/certbroker/certbroker/provider"
)

// Distinctive credentials: any of these strings in captured output is a
// leak. Key IDs are not secrets and are not checked.
const (
	aliKeyID       = "LTAI5tRELIABILITYkey01"
	aliSecret      = "RLB-aliyun-SECRET-7f3c9a1e5d"
	aliWrongSecret = "RLB-aliyun-WRONG-2b8d4f6a0c"
	aliToken       = "RLB-aliyun-STS-TOKEN-c4e1a9"
	hwAK           = "HWRELIABILITYAK000001"
	hwSK           = "RLB-huawei-SK-0a9b8c7d6e5f"
	hwWrongSK      = "RLB-huawei-WRONG-SK-11d2e3"
	hwToken        = "RLB-huawei-STS-TOKEN-77f0e2"
)

// secretValues lists every secret, and markers of signed material that
// must never be logged either.
func secretValues() []string {
	return []string{aliSecret, aliWrongSecret, aliToken, hwSK, hwWrongSK, hwToken,
		"Signature=", "SDK-HMAC-SHA256 Access", "Authorization"}
}

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestSecretsNeverLeak drives both adapters and the broker, with debug
// logging captured in text and JSON, through successes, every fault kind,
// wrong secrets and STS tokens, and checks that no secret appears in the
// logs, in any error (Error, %v, %+v, %#v), or in the formatted or logged
// configs and adapters.
func TestSecretsNeverLeak(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	jsonLogger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))

	aliSrv := alibabatest.NewServer(alibabatest.WithAccessKey(aliKeyID, aliSecret))
	t.Cleanup(aliSrv.Close)
	hwSrv := huaweitest.NewServer(huaweitest.WithAccessKey(hwAK, hwSK), huaweitest.WithLogger(logger))
	t.Cleanup(hwSrv.Close)

	aliCfgs := map[string]alibaba.Config{
		"ali-good":  {Endpoint: aliSrv.URL(), AccessKeyID: aliKeyID, AccessKeySecret: aliSecret, Timeout: 50 * time.Millisecond},
		"ali-wrong": {Endpoint: aliSrv.URL(), AccessKeyID: aliKeyID, AccessKeySecret: aliWrongSecret, Timeout: 50 * time.Millisecond},
		"ali-sts":   {Endpoint: aliSrv.URL(), AccessKeyID: aliKeyID, AccessKeySecret: aliSecret, SecurityToken: aliToken, Timeout: 50 * time.Millisecond},
	}
	hwCfgs := map[string]huawei.Config{
		"hw-good":  {Endpoint: hwSrv.URL(), ProjectID: hwSrv.ProjectID(), AK: hwAK, SK: hwSK, RenewByPurchase: true, Timeout: 50 * time.Millisecond},
		"hw-wrong": {Endpoint: hwSrv.URL(), ProjectID: hwSrv.ProjectID(), AK: hwAK, SK: hwWrongSK, Timeout: 50 * time.Millisecond},
		"hw-sts":   {Endpoint: hwSrv.URL(), ProjectID: hwSrv.ProjectID(), AK: hwAK, SK: hwSK, SecurityToken: hwToken, Timeout: 50 * time.Millisecond},
	}
	var formatted []string
	show := func(v any) {
		formatted = append(formatted, fmt.Sprint(v), fmt.Sprintf("%v|%+v|%#v|%s|%q", v, v, v, v, v))
		logger.Info("value", "v", v)
		jsonLogger.Info("value", "v", v)
	}

	br := broker.New(broker.WithLogger(logger), broker.WithRetry(func(p *broker.RetryPolicy) { p.MaxAttempts = 2 }),
		broker.WithRetry(func(p *broker.RetryPolicy) { p.BackoffBase, p.BackoffMax = time.Millisecond, time.Millisecond }))
	var origins []string
	for name, cfg := range aliCfgs {
		a, err := alibaba.New(cfg, alibaba.WithLogger(logger))
		if err != nil {
			t.Fatalf("alibaba.New(%s): %v", name, err)
		}
		show(cfg)
		show(&cfg)
		show(a)
		show(*a)
		mustRegister(t, br, name, a)
		origins = append(origins, name)
	}
	for name, cfg := range hwCfgs {
		a, err := huawei.New(cfg, huawei.WithLogger(logger))
		if err != nil {
			t.Fatalf("huawei.New(%s): %v", name, err)
		}
		show(cfg)
		show(&cfg)
		show(a)
		show(*a)
		mustRegister(t, br, name, a)
		origins = append(origins, name)
	}
	// A config New refuses must not echo its secret either.
	if _, err := alibaba.New(alibaba.Config{Endpoint: "http://example.com", AccessKeyID: aliKeyID, AccessKeySecret: aliSecret}); err == nil {
		t.Error("alibaba.New accepted plain http to a remote host")
	} else {
		show(err)
	}
	if _, err := huawei.New(huawei.Config{Endpoint: "http://example.com", ProjectID: "p1", AK: hwAK, SK: hwSK}); err == nil {
		t.Error("huawei.New accepted plain http to a remote host")
	} else {
		show(err)
	}

	var errs []error
	ctx := context.Background()
	for _, f := range []faultinject.Kind{0, faultinject.ServerError, faultinject.Unavailable, faultinject.Throttle,
		faultinject.Reset, faultinject.Malformed, faultinject.Hang} {
		for _, after := range []bool{false, true} {
			aliSrv.ClearFaults()
			hwSrv.ClearFaults()
			if f != 0 {
				aliSrv.InjectFault(aliFault(faultinject.Fault{Kind: f, AfterApply: after}))
				hwSrv.InjectFault(hwFault(faultinject.Fault{Kind: f, AfterApply: after}))
			}
			var mu sync.Mutex
			var wg sync.WaitGroup
			for _, origin := range origins {
				wg.Go(func() {
					e := secretsRound(ctx, br, origin, aliSrv, hwSrv)
					mu.Lock()
					errs = append(errs, e...)
					mu.Unlock()
				})
			}
			wg.Wait()
		}
	}
	if len(errs) == 0 {
		t.Fatal("no errors were produced; the test checks nothing")
	}
	for _, err := range errs {
		show(err)
	}
	all := logs.String() + strings.Join(formatted, "\n")
	for _, s := range secretValues() {
		if strings.Contains(all, s) {
			t.Errorf("%q leaked; first occurrence in context: %q", s, around(all, s))
		}
	}
	if !strings.Contains(logs.String(), "hw-good") || !strings.Contains(logs.String(), "ali-good") {
		t.Error("the debug logs name no origin; the capture is not working")
	}
}

// secretsRound runs every operation once on origin and returns the
// errors, both from single calls and from a bulk call.
func secretsRound(ctx context.Context, br *broker.Broker, origin string, ali *alibabatest.Server, hw *huaweitest.Server) []error {
	seed := ali.Seed
	if strings.HasPrefix(origin, "hw") {
		seed = hw.Seed
	}
	var errs []error
	keep := func(_ *broker.Result, err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	ref := func(s provider.State) provider.Ref { return provider.Ref{Origin: origin, ID: seed(s)} }
	keep(br.Status(ctx, origin, provider.StatusRequest{ID: seed(provider.StateIssued)}))
	keep(br.Revoke(ctx, origin, provider.RevokeRequest{ID: seed(provider.StateIssued), Reason: "secret test"}))
	keep(br.Cancel(ctx, origin, provider.CancelRequest{ID: seed(provider.StateUnderReview)}))
	keep(br.Delete(ctx, origin, provider.DeleteRequest{ID: seed(provider.StateReviewFailed)}))
	keep(br.Renew(ctx, origin, provider.RenewRequest{ID: seed(provider.StateExpiring)}))
	_, err := br.Do(ctx, provider.StatusRequest{}, []provider.Ref{ref(provider.StatePendingApplication), ref(provider.StateExpired)}, broker.BulkOptions{})
	if err != nil {
		errs = append(errs, err)
	}
	return errs
}

// mustRegister registers p under name or fails the test.
func mustRegister(t *testing.T, br *broker.Broker, name string, p provider.Provider) {
	t.Helper()
	if err := br.Register(name, p, broker.WithRate(1e6, 1000)); err != nil {
		t.Fatal(err)
	}
}

// around returns the text around the first occurrence of s in all, with
// s itself masked, for a failure message that does not repeat the leak.
func around(all, s string) string {
	i := strings.Index(all, s)
	lo, hi := max(i-80, 0), min(i+len(s)+80, len(all))
	return strings.ReplaceAll(all[lo:hi], s, "<LEAK>")
}

// panicChildEnv makes the test binary, run again as a child, panic with a
// secret-bearing value instead of testing.
const panicChildEnv = "CERTBROKER_RELIABILITY_PANIC_CHILD"

// TestSecretsNotInPanics runs this test binary again as a child process
// that panics, unrecovered, with a config, an adapter and an error of each
// cloud, and checks the crash output the Go runtime prints: it must show
// the redacted values and no secret.
func TestSecretsNotInPanics(t *testing.T) {
	if what := os.Getenv(panicChildEnv); what != "" {
		panicChild(what)
		return
	}
	t.Parallel()
	for _, what := range []string{"alibaba-config", "alibaba-adapter", "huawei-config", "huawei-adapter", "error"} {
		t.Run(what, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0], "-test.run=^TestSecretsNotInPanics$", "-test.count=1")
			cmd.Env = append(os.Environ(), panicChildEnv+"="+what)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the child did not crash")
			}
			if !strings.Contains(string(out), "panic: ") {
				t.Fatalf("the child crashed without a panic message: %s", out)
			}
			for _, s := range secretValues() {
				if strings.Contains(string(out), s) {
					t.Errorf("%q in the panic output: %q", s, around(string(out), s))
				}
			}
			// The runtime prints a Stringer's String: the redacted form.
			if want := panicWant(what); !strings.Contains(string(out), want) {
				t.Errorf("the panic output lacks %q: %s", want, out)
			}
		})
	}
}

// panicWant is what the crash output of a child must show.
func panicWant(what string) string {
	switch what {
	case "alibaba-config":
		return "panic: alibaba.Config{"
	case "huawei-config":
		return "panic: huawei.Config{"
	case "alibaba-adapter", "huawei-adapter":
		return "Adapter"
	}
	return "panic: huawei"
}

// panicChild panics with a value carrying secrets, as TestSecretsNotInPanics
// asks.
func panicChild(what string) {
	aliCfg := alibaba.Config{Endpoint: "https://cas.aliyuncs.com", AccessKeyID: aliKeyID, AccessKeySecret: aliSecret, SecurityToken: aliToken}
	hwCfg := huawei.Config{ProjectID: "p1", AK: hwAK, SK: hwSK, SecurityToken: hwToken}
	switch what {
	case "alibaba-config":
		panic(aliCfg)
	case "alibaba-adapter":
		a, err := alibaba.New(aliCfg)
		if err != nil {
			panic("alibaba.New failed")
		}
		panic(a)
	case "huawei-config":
		panic(hwCfg)
	case "huawei-adapter":
		a, err := huawei.New(hwCfg)
		if err != nil {
			panic("huawei.New failed")
		}
		panic(a)
	default:
		_, err := huawei.New(huawei.Config{Endpoint: "http://example.com", ProjectID: "p1", AK: hwAK, SK: hwSK})
		panic(err)
	}
}
