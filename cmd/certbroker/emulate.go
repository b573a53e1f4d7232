package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/huawei/huaweitest"
	"github.com/certbroker/certbroker/provider"
)

const emulateUsage = `usage: certbroker emulate [--settle-delay D]

Starts the Alibaba Cloud CAS and Huawei Cloud SCM emulators on loopback, seeds
a few orders in varied states, and prints to stdout a configuration file
pointing at them, with the seeded refs listed in comments. The emulators run
until interrupted (Ctrl-C). For example:

  certbroker emulate > certbroker.yaml &
  certbroker status alibaba:10000100001

The configuration holds the emulators' access keys literally: they are random
keys made for this run, accepted only by these emulators, and worthless once
they stop. Never put real keys in a file this way; use ${VAR} references.

Flags:
  --settle-delay D   how long Huawei's asynchronous transitions (cancelling,
                     revoking) take to settle (default 2s)
`

// emulateSeeds are the orders emulate creates on each cloud.
var (
	emulateAliSeeds = []provider.State{provider.StateIssued, provider.StateExpiring, provider.StateUnderReview,
		provider.StateReviewFailed, provider.StatePendingApplication}
	emulateHwSeeds = []provider.State{provider.StateIssued, provider.StateExpiring, provider.StateUnderReview,
		provider.StateRevoked, provider.StateHosted}
)

// emulateReadyLine ends the printed configuration.
const emulateReadyLine = "# emulators ready; interrupt (Ctrl-C) to stop them"

// runEmulate runs the emulate command.
func (c *cli) runEmulate(ctx context.Context, args []string) int {
	fs := flag.NewFlagSet("emulate", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	settle := fs.Duration("settle-delay", 2*time.Second, "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(c.stdout, emulateUsage)
			return exitOK
		}
		return c.errorf("emulate: %s (see 'certbroker help emulate')", flagError(err))
	}
	if fs.NArg() > 0 {
		return c.errorf("emulate: unexpected argument %q", fs.Arg(0))
	}
	if *settle <= 0 {
		return c.errorf("emulate: --settle-delay must be positive")
	}
	aliID, aliSecret := "LTAIemu"+rand.Text()[:16], rand.Text()
	hwAK, hwSK := "EMU"+rand.Text()[:17], rand.Text()
	ali := alibabatest.NewServer(alibabatest.WithAccessKey(aliID, aliSecret))
	defer ali.Close()
	hw := huaweitest.NewServer(huaweitest.WithAccessKey(hwAK, hwSK), huaweitest.WithSettleDelay(*settle))
	defer hw.Close()

	var b strings.Builder
	fmt.Fprintf(&b, "# certbroker emulate: local emulators of Alibaba Cloud CAS (%s)\n# and Huawei Cloud SCM (%s).\n", ali.URL(), hw.URL())
	b.WriteString("# The keys below are random keys of this run's emulators: they grant nothing\n# anywhere else and die with them. Use ${VAR} references for real keys.\n#\n")
	b.WriteString("# Seeded orders:\n")
	for _, st := range emulateAliSeeds {
		fmt.Fprintf(&b, "#   alibaba:%-22s %s\n", ali.Seed(st), st)
	}
	for _, st := range emulateHwSeeds {
		fmt.Fprintf(&b, "#   huawei:%-23s %s\n", hw.Seed(st), st)
	}
	fmt.Fprintf(&b, "# Try: certbroker status --config FILE REF...\n")
	fmt.Fprintf(&b, `origins:
  alibaba:
    type: alibaba
    region: cn-hangzhou
    access_key_id: %s
    access_key_secret: %s
    endpoint: %s
  huawei:
    type: huawei
    region: ap-southeast-1
    project_id: %s
    ak: %s
    sk: %s
    endpoint: %s
    renew_by_purchase: true
%s
`, aliID, aliSecret, ali.URL(), hw.ProjectID(), hwAK, hwSK, hw.URL(), emulateReadyLine)
	if _, err := io.WriteString(c.stdout, b.String()); err != nil {
		fmt.Fprintf(c.stderr, "certbroker: emulate: %v\n", err)
		return exitFailed
	}
	fmt.Fprintln(c.stderr, "certbroker: emulators running; interrupt to stop")
	<-ctx.Done()
	fmt.Fprintln(c.stderr, "certbroker: emulators stopped")
	return exitOK
}
