package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/certbroker/certbroker/provider"
)

// opFlags are the flags of the operation commands. reason exists only for
// revoke; csr and tags only for renew.
type opFlags struct {
	config      string
	output      outputFlag
	concurrency int
	// concurrencySet is true when --concurrency was given.
	concurrencySet bool
	dryRun         bool
	yes            bool
	verbose        bool
	files          listFlag
	reason         string
	csr            string
	tags           listFlag
	// The journal of a mutating run.
	journalPath   string
	resume        string
	noJournal     bool
	resendInDoubt bool
	// renew --expiring-within: the refs come from a listing instead.
	expiring    string
	expiringSet bool
	domain      string
	partial     bool
	// again: renew also what earlier runs renewed or left in doubt.
	again bool
}

// newOpFlagSet builds the flag set of op's command. It prints nothing: the
// caller reports errors and help.
func newOpFlagSet(op provider.Op) (*flag.FlagSet, *opFlags) {
	f := &opFlags{output: outputTable}
	fs := flag.NewFlagSet(string(op), flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVar(&f.config, "config", "", "configuration `FILE` (default ./certbroker.yaml, then $XDG_CONFIG_HOME/certbroker/config.yaml)")
	fs.Var(&f.output, "output", "output `FORMAT`: table or json (one JSON object per line)")
	fs.IntVar(&f.concurrency, "concurrency", 0, "at most `N` requests in flight (default: the broker's)")
	fs.Var(&f.files, "f", "read refs from `FILE`, one per line (- for stdin); repeatable")
	fs.BoolVar(&f.verbose, "v", false, "log requests and retries to stderr")
	if op.Mutating() {
		fs.BoolVar(&f.dryRun, "dry-run", false, "validate refs and check states without changing anything")
		fs.StringVar(&f.resume, "resume", "", "continue journaled run `RUN` (an ID from 'certbroker runs', or a journal file) with the same refs")
		fs.StringVar(&f.journalPath, "journal", "", "journal the run to `FILE` (continuing it if it holds this run) instead of a new file in $XDG_STATE_HOME/certbroker")
		fs.BoolVar(&f.noJournal, "no-journal", false, "do not journal the run (an interrupted run then cannot be resumed safely)")
	}
	switch op {
	case provider.OpRevoke, provider.OpDelete:
		fs.BoolVar(&f.yes, "yes", false, "do not ask for confirmation (required when stdin is not a terminal)")
	case provider.OpRenew:
		fs.BoolVar(&f.yes, "yes", false, "do not ask before billed renewals (required when stdin is not a terminal)")
	}
	if op == provider.OpRevoke {
		fs.StringVar(&f.reason, "reason", "", "revocation reason `TEXT` (sent where the cloud takes one; Huawei: up to 63 characters)")
	}
	if op == provider.OpRenew {
		fs.StringVar(&f.csr, "csr", "", "PEM certificate signing request `FILE` for the new orders")
		fs.Var(&f.tags, "tag", "`KEY=VALUE` tag for the new orders; repeatable")
		fs.BoolVar(&f.resendInDoubt, "resend-in-doubt", false, "on --resume, renew again the refs in doubt (check first that no renewal order exists for them: each one that does is bought twice)")
		fs.StringVar(&f.expiring, "expiring-within", "", "instead of REFs, renew every certificate in its renewal window whose validity ends within `DUR` (30d, 72h), "+
			"listed from every configured origin or the ORIGINs named (see above)")
		fs.StringVar(&f.domain, "domain", "", "with --expiring-within: only certificates for `DOMAIN` or a name under it")
		fs.BoolVar(&f.partial, "partial", false, "with --expiring-within: when an origin's listing fails, renew what the other origins listed anyway (the exit status is still 1)")
		fs.BoolVar(&f.again, "again", false, "with --expiring-within: renew also the certificates that earlier runs renewed or left in doubt "+
			"(each one is renewed, and where billed bought, again), and renew even when a journal in the state directory cannot be read")
	}
	return fs, f
}

var opSummaries = map[provider.Op]string{
	provider.OpCancel: "withdraw certificate applications that are under review",
	provider.OpRevoke: "revoke issued certificates (destructive: asks for confirmation)",
	provider.OpDelete: "delete certificate orders (destructive: asks for confirmation)",
	provider.OpRenew:  "create a renewal order for each certificate in its renewal window (billed at some origins: asks for confirmation)",
	provider.OpStatus: "show the normalized state of certificate orders",
}

// printOpUsage prints the help of op's command.
func printOpUsage(w io.Writer, op provider.Op, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: certbroker %s [flags] REF...\n", op)
	if op == provider.OpRenew {
		fmt.Fprint(w, "       certbroker renew --expiring-within DUR [--domain DOMAIN] [--partial] [--again] [flags] [ORIGIN...]\n")
	}
	fmt.Fprintf(w, "\n%s.\n\n", opSummaries[op])
	fmt.Fprint(w, "REF is origin:id or a bare ID resolved by its shape. Flags may come before or\n"+
		"after the refs; \"--\" ends the flags.\n\n")
	if op == provider.OpRenew {
		fmt.Fprint(w, renewBilling, renewExpiringUsage)
	}
	fmt.Fprint(w, "Flags:\n")
	printFlags(w, fs)
}

// renewBilling is the billing paragraph of renew's help.
const renewBilling = `Billing: where an origin renews by purchase (Huawei with renew_by_purchase:
true), every successful renew buys a new certificate and is billed; Alibaba
renewals draw on the account's package quota. When any ref is billed, renew
asks first, like revoke and delete, and refuses without --yes when stdin is
not a terminal. --dry-run counts the billed renewals and buys nothing.

`
