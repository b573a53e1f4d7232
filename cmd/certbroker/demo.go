package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/config"
	"github.com/certbroker/certbroker/huawei/huaweitest"
	"github.com/certbroker/certbroker/provider"
)

const demoUsage = `usage: certbroker demo [-v]

Runs every operation on both clouds with no cloud account: starts the Alibaba
Cloud CAS and Huawei Cloud SCM emulators in process on loopback, seeds orders
in varied states (and Alibaba instance-model certificates, cas_dv-cn-...), builds the broker with the real adapters pointed at them,
and runs cancel, revoke, delete, renew and status on each, including calls
that must fail and two injected faults. Every step states what must happen
and is checked, also against the emulators' own view of the orders.

Exit status: 0 when every expectation held, 1 otherwise.

Flags:
  -v    log every request the broker sends to stderr
`

// runDemo runs the demo command.
func (c *cli) runDemo(ctx context.Context, args []string) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	verbose := fs.Bool("v", false, "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(c.stdout, demoUsage)
			return exitOK
		}
		return c.errorf("demo: %s (see 'certbroker help demo')", flagError(err))
	}
	if fs.NArg() > 0 {
		return c.errorf("demo: unexpected argument %q", fs.Arg(0))
	}
	var opts demoOptions
	if *verbose {
		opts.logger = slog.New(slog.NewTextHandler(c.stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	ok, err := runDemo(ctx, c.stdout, opts)
	if err != nil {
		fmt.Fprintf(c.stderr, "certbroker: demo: %v\n", err)
		return exitFailed
	}
	if !ok {
		return exitFailed
	}
	return exitOK
}

// demoOptions adjust the demo for tests.
type demoOptions struct {
	logger *slog.Logger
	// Credentials the emulators accept and the adapters use; the
	// emulators' default test keys when empty.
	aliKeyID, aliSecret, hwAK, hwSK string
	// steps replaces the script (demoSteps) when set.
	steps []demoStep
}

// demoWorld is the demo's emulators and broker.
type demoWorld struct {
	ali *alibabatest.Server
	hw  *huaweitest.Server
	b   *broker.Broker
}

func (w *demoWorld) close() {
	w.ali.Close()
	w.hw.Close()
}

// startDemoWorld starts both emulators and builds the broker through the
// same configuration path as the CLI.
func startDemoWorld(opts demoOptions) (*demoWorld, error) {
	var aliOpts []alibabatest.Option
	if opts.aliKeyID != "" {
		aliOpts = append(aliOpts, alibabatest.WithAccessKey(opts.aliKeyID, opts.aliSecret))
	}
	var hwOpts []huaweitest.Option
	if opts.hwAK != "" {
		hwOpts = append(hwOpts, huaweitest.WithAccessKey(opts.hwAK, opts.hwSK))
	}
	w := &demoWorld{ali: alibabatest.NewServer(aliOpts...), hw: huaweitest.NewServer(hwOpts...)}
	if opts.aliKeyID == "" {
		opts.aliKeyID, opts.aliSecret = w.ali.AccessKeyID(), w.ali.AccessKeySecret()
	}
	huaweiOrigin := func(renew bool) config.Origin {
		return config.Origin{Type: config.TypeHuawei, Endpoint: w.hw.URL(), ProjectID: w.hw.ProjectID(),
			AK: w.hw.AccessKeyID(), SK: config.Secret(w.hw.AccessKeySecret()), RenewByPurchase: renew}
	}
	f := &config.Config{Path: "demo", Origins: map[string]config.Origin{
		demoAlibaba: {Type: config.TypeAlibaba, Endpoint: w.ali.URL(),
			AccessKeyID: opts.aliKeyID, AccessKeySecret: config.Secret(opts.aliSecret)},
		demoHuawei:        huaweiOrigin(true),
		demoHuaweiNoRenew: huaweiOrigin(false),
	}}
	b, _, err := buildBroker(f, brokerSettings{logger: opts.logger})
	if err != nil {
		w.close()
		return nil, err
	}
	w.b = b
	return w, nil
}

// Emulator access by origin.
func (w *demoWorld) seed(origin string, st provider.State) string {
	switch {
	case origin == demoAlibaba && st == seedUnknown:
		return "99999999999"
	case origin == demoAlibaba:
		return w.ali.Seed(st)
	case st == seedUnknown:
		return w.hw.UnknownID()
	}
	return w.hw.Seed(st)
}

func (w *demoWorld) state(origin, id string) (provider.State, bool) {
	if origin == demoAlibaba {
		return w.ali.State(id)
	}
	return w.hw.State(id)
}

func (w *demoWorld) inject(s demoStep) {
	if s.aliFault != nil {
		w.ali.InjectFault(*s.aliFault)
	}
	if s.hwFault != nil {
		w.hw.InjectFault(*s.hwFault)
	}
}

func (w *demoWorld) clearFaults() {
	w.ali.ClearFaults()
	w.hw.ClearFaults()
}

// runDemo runs every step, prints the account on out and reports whether
// every expectation held.
func runDemo(ctx context.Context, out io.Writer, opts demoOptions) (bool, error) {
	start := time.Now()
	w, err := startDemoWorld(opts)
	if err != nil {
		return false, err
	}
	defer w.close()

	fmt.Fprintf(out, "certbroker demo: the real adapters and broker against both cloud emulators on loopback\n\n")
	fmt.Fprintf(out, "  origin %-15s Alibaba Cloud CAS emulator at %s\n", demoAlibaba, w.ali.URL())
	fmt.Fprintf(out, "  origin %-15s Huawei Cloud SCM emulator at %s, renew_by_purchase: true\n", demoHuawei, w.hw.URL())
	fmt.Fprintf(out, "  origin %-15s the same Huawei emulator, renew_by_purchase: false\n\n", demoHuaweiNoRenew)

	steps := opts.steps
	if steps == nil {
		steps = demoSteps()
	}
	held := 0
	var refs []provider.Ref
	var failures []string
	section := ""
	for i, s := range steps {
		if h := demoSection(s.origin); h != section {
			section = h
			fmt.Fprintf(out, "%s\n", h)
		}
		ref := provider.Ref{Origin: s.origin}
		if s.instance {
			ref.ID = w.ali.SeedInstanceState(s.seed)
		} else {
			ref.ID = w.seed(s.origin, s.seed)
		}
		w.inject(s)
		items, _ := w.b.Do(ctx, provider.NewRequest(s.op, "", provider.RequestInputs{Reason: "demo"}), []provider.Ref{ref}, broker.BulkOptions{})
		w.clearFaults()
		if len(items) != 1 {
			return false, fmt.Errorf("step %d: the broker returned %d items", i+1, len(items))
		}
		it := items[0]
		if s.settle {
			w.hw.Settle(ref.ID)
		}
		problems := checkStep(w, s, it)
		check := "ok"
		if len(problems) == 0 {
			held++
		} else {
			check = "FAILED"
			failures = append(failures, fmt.Sprintf("step %d (%s %s): %s", i+1, s.op, ref, strings.Join(problems, "; ")))
		}
		fmt.Fprintf(out, "  %-6s %2d. %-6s %s: %s\n", check, i+1, s.op, ref, s.what)
		fmt.Fprintf(out, "              from %s: expected %s; got %s; emulator: %s\n",
			seedName(s.seed), s.expected(), gotText(it), thenText(w, s, ref))
		refs = append(refs, ref)
		if it.Result != nil && it.Result.NewID != "" {
			refs = append(refs, provider.Ref{Origin: s.origin, ID: it.Result.NewID})
		}
		if err := ctx.Err(); err != nil {
			return false, err
		}
	}

	bulkOK, err := demoBulkStatus(ctx, out, w, refs)
	if err != nil {
		return false, err
	}
	total := len(steps) + 1
	if bulkOK {
		held++
	} else {
		failures = append(failures, "bulk status: an order that still exists could not be read")
	}
	fmt.Fprintf(out, "\n%d of %d expectations held in %s.\n", held, total, time.Since(start).Round(time.Millisecond))
	for _, f := range failures {
		fmt.Fprintf(out, "  FAILED %s\n", f)
	}
	return held == total, nil
}

// demoBulkStatus reads every order the demo touched in one bulk call, and
// reports whether each one that still exists was read.
func demoBulkStatus(ctx context.Context, out io.Writer, w *demoWorld, refs []provider.Ref) (bool, error) {
	fmt.Fprintf(out, "\nOne bulk status over all %d orders (the renewals' new orders included):\n\n", len(refs))
	var last broker.Progress
	items, _ := w.b.Do(ctx, provider.StatusRequest{}, refs, broker.BulkOptions{Progress: func(p broker.Progress) { last = p }})
	outs := make([]outcome, len(items))
	ok := last.Done == len(refs)
	for i, it := range items {
		outs[i] = outcomeOf(provider.OpStatus, it, false, false)
		_, exists := w.state(it.Ref.Origin, it.Ref.ID)
		if exists != (it.Err == nil) || (it.Err != nil && !errors.Is(it.Err, provider.ErrNotFound)) {
			ok = false
		}
	}
	if err := writeTable(out, outs); err != nil {
		return false, err
	}
	fmt.Fprintf(out, "\nProgress reported %d of %d done, %d failed: the deleted and the unknown orders are not found.\n", last.Done, last.Total, last.Failed)
	fmt.Fprint(out, "Status cannot always tell what happened: Alibaba reports a cancelled order as payed\n"+
		"(pending_application); Huawei reports a cancelled certificate as PAID. A revoked Alibaba\n"+
		"order reads as revoked: Describe answers \"unknow\", and the adapter then asks the order list.\n"+
		"An Alibaba instance (cas_dv-cn-...) is read with GetInstanceDetail in one request.\n"+
		"The operations' own results and the emulators know better.\n")
	return ok, nil
}

// demoSection is the heading of the steps on an origin's cloud.
func demoSection(origin string) string {
	if origin == demoAlibaba {
		return "Alibaba Cloud CAS (synchronous):"
	}
	return "\nHuawei Cloud SCM (cancel and revoke settle asynchronously; the demo settles them):"
}
