package main

import (
	"bytes"
	"flag"
	"strings"
	"testing"

	"github.com/certbroker/certbroker/provider"
)

func TestParseInterspersed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args             []string
		wantPos          string
		wantYes, wantDry bool
		wantReason       string
		wantErr          string
	}{
		{args: []string{"a:1", "b:2"}, wantPos: "a:1 b:2"},
		{args: []string{"--yes", "a:1"}, wantPos: "a:1", wantYes: true},
		{args: []string{"a:1", "--yes", "b:2", "-dry-run"}, wantPos: "a:1 b:2", wantYes: true, wantDry: true},
		{args: []string{"a:1", "--reason", "key compromise", "b:2"}, wantPos: "a:1 b:2", wantReason: "key compromise"},
		{args: []string{"a:1", "--reason=x", "--", "--yes"}, wantPos: "a:1 --yes", wantReason: "x"},
		{args: []string{"--", "-x"}, wantPos: "-x"},
		{args: []string{"a:1", "--nope"}, wantErr: "flag provided but not defined: -nope"},
		{args: []string{"a:1", "--reason"}, wantErr: "flag needs an argument"},
		{args: nil, wantPos: ""},
	}
	for _, tt := range tests {
		fs, f := newOpFlagSet(provider.OpRevoke)
		pos, err := parseInterspersed(fs, tt.args)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%q: err = %v, want %q", tt.args, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tt.args, err)
			continue
		}
		if got := strings.Join(pos, " "); got != tt.wantPos || f.yes != tt.wantYes || f.dryRun != tt.wantDry || f.reason != tt.wantReason {
			t.Errorf("%q: pos=%q yes=%v dry=%v reason=%q", tt.args, got, f.yes, f.dryRun, f.reason)
		}
	}
}

func TestOpFlagsPerCommand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		op   provider.Op
		has  []string
		hasn []string
	}{
		{provider.OpStatus, []string{"config", "output", "concurrency", "f", "v"}, []string{"yes", "dry-run", "reason", "csr", "tag"}},
		{provider.OpCancel, []string{"dry-run"}, []string{"yes", "reason", "csr"}},
		{provider.OpRevoke, []string{"dry-run", "yes", "reason"}, []string{"csr", "tag"}},
		{provider.OpDelete, []string{"dry-run", "yes"}, []string{"reason", "csr"}},
		{provider.OpRenew, []string{"dry-run", "csr", "tag", "yes"}, []string{"reason"}},
	}
	for _, tt := range tests {
		fs, _ := newOpFlagSet(tt.op)
		for _, n := range tt.has {
			if fs.Lookup(n) == nil {
				t.Errorf("%s lacks --%s", tt.op, n)
			}
		}
		for _, n := range tt.hasn {
			if fs.Lookup(n) != nil {
				t.Errorf("%s has --%s", tt.op, n)
			}
		}
		var buf bytes.Buffer
		printOpUsage(&buf, tt.op, fs)
		if !strings.Contains(buf.String(), "usage: certbroker "+string(tt.op)) || !strings.Contains(buf.String(), "--config FILE") {
			t.Errorf("usage of %s:\n%s", tt.op, buf.String())
		}
	}
}

func TestOutputFlag(t *testing.T) {
	t.Parallel()
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.SetOutput(&bytes.Buffer{})
	o := outputTable
	fs.Var(&o, "output", "")
	if err := fs.Parse([]string{"--output", "json"}); err != nil || o != outputJSON {
		t.Fatalf("json: %v %v", err, o)
	}
	if err := fs.Parse([]string{"--output", "yaml"}); err == nil || !strings.Contains(err.Error(), "want table or json") {
		t.Fatalf("yaml accepted: %v", err)
	}
}
