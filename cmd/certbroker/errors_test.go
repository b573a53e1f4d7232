package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestUsageAndConfigErrors(t *testing.T) {
	t.Parallel()
	w := newWorld(t, false)
	good := w.cfgPath
	unknownKey := w.writeConfig(t, "unknown.yaml", "origins:\n  alibaba:\n    type: alibaba\n    acess_key_id: x\n")
	missingVar := w.writeConfig(t, "missing.yaml", "origins:\n  alibaba:\n    type: alibaba\n    access_key_id: ${TEST_ALI_ID}\n    access_key_secret: ${NOT_SET_SECRET}\n")
	remoteHTTP := w.writeConfig(t, "remote.yaml", "origins:\n  alibaba:\n    type: alibaba\n    access_key_id: ${TEST_ALI_ID}\n    access_key_secret: ${TEST_ALI_SECRET}\n    endpoint: http://cas.aliyuncs.com\n")
	literal := w.writeConfig(t, "literal.yaml", "origins:\n  huawei:\n    type: huawei\n    ak: "+testHwAK+"\n    sk: "+testHwSK+"\n    project_id: bad/project\n")
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"no command", nil, []string{"Usage:"}},
		{"unknown command", []string{"frobnicate"}, []string{`unknown command "frobnicate"`}},
		{"unknown flag", []string{"status", "--config", good, "--bogus", "alibaba:1"}, []string{"flag provided but not defined: --bogus", "certbroker help status"}},
		{"flag of another op", []string{"cancel", "--config", good, "--reason", "x", "alibaba:1"}, []string{"--reason"}},
		{"bad output", []string{"status", "--output", "xml", "alibaba:1"}, []string{"want table or json"}},
		{"no refs", []string{"status", "--config", good}, []string{"no refs given"}},
		{"negative concurrency", []string{"status", "--concurrency", "-1", "alibaba:1"}, []string{"--concurrency must be at least 1, got -1"}},
		{"zero concurrency", []string{"status", "--concurrency", "0", "alibaba:1"}, []string{"--concurrency must be at least 1, got 0"}},
		{"zero concurrency with =", []string{"status", "--concurrency=0", "alibaba:1"}, []string{"--concurrency must be at least 1"}},
		{"bad tag", []string{"renew", "--tag", "novalue", "alibaba:1"}, []string{`--tag "novalue"`}},
		{"bad csr file", []string{"renew", "--csr", good, "alibaba:1"}, []string{"not a PEM certificate signing request"}},
		{"missing csr file", []string{"renew", "--csr", "/nonexistent/x.csr", "alibaba:1"}, []string{"--csr", "x.csr"}},
		{"missing refs file", []string{"status", "-f", "/nonexistent/refs.txt"}, []string{"refs.txt"}},
		{"unknown origin", []string{"status", "--config", good, "aws:123"}, []string{"aws:123", "registered: alibaba, huawei"}},
		{"bad alibaba id", []string{"status", "--config", good, "alibaba:abc"}, []string{"argument 1: alibaba:abc", "1 bad ref"}},
		{"bad huawei id", []string{"status", "--config", good, "huawei:123"}, []string{"huawei:123", "scs"}},
		{"unresolvable bare id", []string{"status", "--config", good, "xyz-1"}, []string{"xyz-1", "write origin:id"}},
		{"path in id", []string{"status", "--config", good, "alibaba:1/../2"}, []string{"bad ref"}},
		{"several bad refs", []string{"status", "--config", good, "alibaba:x", "10000100001", "huawei:y"}, []string{"2 bad refs", "argument 1", "argument 3"}},
		{"missing config file", []string{"status", "--config", "/nonexistent/c.yaml", "alibaba:1"}, []string{"c.yaml"}},
		{"unknown key", []string{"status", "--config", unknownKey, "alibaba:1"}, []string{"acess_key_id", "not a known key"}},
		{"missing env var", []string{"status", "--config", missingVar, "alibaba:1"}, []string{"NOT_SET_SECRET", "not set"}},
		{"http non-loopback", []string{"status", "--config", remoteHTTP, "alibaba:1"}, []string{"endpoint", "only on loopback"}},
		{"demo argument", []string{"demo", "extra"}, []string{`unexpected argument "extra"`}},
		{"demo flag", []string{"demo", "--nope"}, []string{"--nope", "certbroker help demo"}},
		{"emulate delay", []string{"emulate", "--settle-delay", "0s"}, []string{"--settle-delay must be positive"}},
		{"emulate argument", []string{"emulate", "x"}, []string{`unexpected argument "x"`}},
		{"adapter rejects config", []string{"status", "--config", literal, "huawei:scs1481110651012"}, []string{"origins.huawei.project_id", "ProjectID"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := w.run(t, "", terminals{}, tt.args...)
			if r.code != exitUsage {
				t.Fatalf("exit %d, want 2\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout not empty: %q", r.stdout)
			}
			for _, want := range tt.want {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}
			if strings.Contains(r.stderr, testHwAK+"\n") || strings.Contains(r.stderr, testHwSK) {
				t.Errorf("stderr leaks credentials:\n%s", r.stderr)
			}
		})
	}
	if n := w.ali.RequestCount() + w.hw.RequestCount(); n != 0 {
		t.Errorf("usage errors sent %d requests", n)
	}
}

func TestEnvironmentFallback(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	skFile := filepath.Join(dir, "sk")
	if err := os.WriteFile(skFile, []byte(testHwSK+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"nothing set", map[string]string{"HOME": dir},
			[]string{"no configuration found", "certbroker.yaml", dir + "/.config/certbroker/config.yaml", "ALIBABA_CLOUD_ACCESS_KEY_ID", "HUAWEICLOUD_SDK_AK", "certbroker demo", "certbroker emulate"}},
		{"alibaba partly set", map[string]string{"HOME": dir, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": testAliSecret},
			[]string{"environment", "ALIBABA_CLOUD_ACCESS_KEY_ID"}},
		{"huawei partly set", map[string]string{"HOME": dir, "HUAWEICLOUD_SDK_AK": testHwAK, "HUAWEICLOUD_SDK_SK": testHwSK},
			[]string{"HUAWEICLOUD_SDK_PROJECT_ID"}},
		// Both clouds built from the environment: the bad ref is refused
		// before any call, and the message lists the origins built.
		{"both set", map[string]string{"HOME": dir, "ALIBABA_CLOUD_ACCESS_KEY_ID": testAliKeyID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": testAliSecret,
			"HUAWEICLOUD_SDK_AK": testHwAK, "HUAWEICLOUD_SDK_SK": testHwSK, "HUAWEICLOUD_SDK_PROJECT_ID": testProject},
			[]string{"registered: alibaba, huawei)"}},
		{"only huawei set", map[string]string{"XDG_CONFIG_HOME": dir, "HUAWEICLOUD_SDK_AK": testHwAK, "HUAWEICLOUD_SDK_SK": testHwSK, "HUAWEICLOUD_SDK_PROJECT_ID": testProject},
			[]string{"(registered: huawei)"}},
		{"huawei SK from a file", map[string]string{"HOME": dir, "HUAWEICLOUD_SDK_AK": testHwAK, "HUAWEICLOUD_SDK_SK_FILE": skFile, "HUAWEICLOUD_SDK_PROJECT_ID": testProject},
			[]string{"(registered: huawei)"}},
		{"huawei SK and SK_FILE", map[string]string{"HOME": dir, "HUAWEICLOUD_SDK_AK": testHwAK, "HUAWEICLOUD_SDK_SK": testHwSK,
			"HUAWEICLOUD_SDK_SK_FILE": skFile, "HUAWEICLOUD_SDK_PROJECT_ID": testProject},
			[]string{"HUAWEICLOUD_SDK_SK and HUAWEICLOUD_SDK_SK_FILE are both set"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok }
			r := runCLI(t, context.Background(), env, "", terminals{}, "status", "nosuchorigin:1")
			if r.code != exitUsage {
				t.Fatalf("exit %d, want 2: %s", r.code, r.stderr)
			}
			for _, want := range tt.want {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}
		})
	}
}

func TestHelpAndVersion(t *testing.T) {
	t.Parallel()
	env := func(string) (string, bool) { return "", false }
	tests := []struct {
		args   []string
		want   []string
		absent []string
	}{
		{args: []string{"help"}, want: []string{"Usage:", "certbroker demo", "Exit status", "130"}},
		{args: []string{"--help"}, want: []string{"Usage:"}},
		{args: []string{"help", "revoke"}, want: []string{"usage: certbroker revoke", "  --yes", "  --reason TEXT", "  --dry-run", "  --config FILE", "  -f FILE", "  -v"},
			absent: []string{"  -yes", "  -config", "  -reason"}},
		{args: []string{"help", "renew"}, want: []string{"usage: certbroker renew", "billed", "renew_by_purchase", "  --yes",
			"certbroker renew --expiring-within DUR", "  --expiring-within DUR", "  --partial", "  --domain DOMAIN", "-f PLAN"}},
		{args: []string{"help", "runs"}, want: []string{"usage: certbroker runs"}},
		{args: []string{"revoke", "-h"}, want: []string{"usage: certbroker revoke"}},
		{args: []string{"help", "demo"}, want: []string{"demo"}},
		{args: []string{"help", "emulate"}, want: []string{"emulate", "--settle-delay"}},
		{args: []string{"help", "version"}, want: []string{"usage: certbroker version", "commit"}, absent: []string{"Usage:"}},
		{args: []string{"help", "help"}, want: []string{"usage: certbroker help [COMMAND]"}, absent: []string{"Usage:"}},
		{args: []string{"version"}, want: []string{"certbroker "}},
	}
	for _, tt := range tests {
		r := runCLI(t, context.Background(), env, "", terminals{}, tt.args...)
		if r.code != 0 {
			t.Errorf("%v: exit %d: %s", tt.args, r.code, r.stderr)
		}
		for _, want := range tt.want {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("%v: stdout lacks %q:\n%s", tt.args, want, r.stdout)
			}
		}
		for _, bad := range tt.absent {
			if strings.Contains(r.stdout, bad) {
				t.Errorf("%v: stdout has %q:\n%s", tt.args, bad, r.stdout)
			}
		}
	}
	if r := runCLI(t, context.Background(), env, "", terminals{}, "help", "nope"); r.code != 2 {
		t.Errorf("help nope: exit %d", r.code)
	}
}
