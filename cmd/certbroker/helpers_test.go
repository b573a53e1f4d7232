package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/huawei/huaweitest"
)

// Distinctive credentials: no output of any test may contain the secrets.
const (
	testAliKeyID  = "LTAIcliTestKeyID4321"
	testAliSecret = "cliSECRETalibaba9f8e7d6c5b"
	testHwAK      = "HWCLITESTAK77001122"
	testHwSK      = "cliSECREThuawei1a2b3c4d5e"
	testProject   = "0123456789abcdef0123456789abcdef"
)

var secrets = []string{testAliSecret, testHwSK}

// world is one test's pair of emulators and a configuration file pointing
// at them, with the credentials in environment variables.
type world struct {
	ali     *alibabatest.Server
	hw      *huaweitest.Server
	dir     string
	cfgPath string
	vars    map[string]string
}

// newWorld starts both emulators and writes a configuration for them. The
// huawei origin renews by purchase when renew is true.
func newWorld(t *testing.T, renew bool) *world {
	t.Helper()
	w := &world{
		ali: alibabatest.NewServer(alibabatest.WithAccessKey(testAliKeyID, testAliSecret)),
		hw:  huaweitest.NewServer(huaweitest.WithAccessKey(testHwAK, testHwSK), huaweitest.WithProjectID(testProject)),
		dir: t.TempDir(),
		vars: map[string]string{
			"TEST_ALI_ID": testAliKeyID, "TEST_ALI_SECRET": testAliSecret,
			"TEST_HW_AK": testHwAK, "TEST_HW_SK": testHwSK, "TEST_HW_PROJECT": testProject,
		},
	}
	t.Cleanup(w.ali.Close)
	t.Cleanup(w.hw.Close)
	w.vars["HOME"] = w.dir
	renewText := "false"
	if renew {
		renewText = "true"
	}
	w.cfgPath = w.writeConfig(t, "certbroker.yaml", `origins:
  alibaba:
    type: alibaba
    region: cn-hangzhou
    access_key_id: ${TEST_ALI_ID}
    access_key_secret: ${TEST_ALI_SECRET}
    endpoint: `+w.ali.URL()+`
  huawei:
    type: huawei
    region: ap-southeast-1
    project_id: ${TEST_HW_PROJECT}
    ak: ${TEST_HW_AK}
    sk: ${TEST_HW_SK}
    endpoint: `+w.hw.URL()+`
    renew_by_purchase: `+renewText+`
`)
	return w
}

// writeConfig writes a file in the world's directory and returns its path.
func (w *world) writeConfig(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(w.dir, name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func (w *world) env(name string) (string, bool) {
	v, ok := w.vars[name]
	return v, ok
}

// terminals says which streams the fake isTerminal reports as terminals.
type terminals struct{ stdin, stderr bool }

// result is what one in-process run of the command produced.
type result struct {
	code           int
	stdout, stderr string
}

// run runs the command in process with the world's environment, and checks
// that no secret appears in its output.
func (w *world) run(t *testing.T, stdin string, tty terminals, args ...string) result {
	t.Helper()
	return runCLI(t, context.Background(), w.env, stdin, tty, args...)
}

// runCLI runs the command in process and checks that no secret appears in
// its output.
func runCLI(t *testing.T, ctx context.Context, env func(string) (string, bool), stdin string, tty terminals, args ...string) result {
	t.Helper()
	in := strings.NewReader(stdin)
	var out, errb bytes.Buffer
	isTTY := func(s any) bool {
		switch s {
		case in:
			return tty.stdin
		case &errb:
			return tty.stderr
		}
		return false
	}
	code := run(ctx, args, in, &out, &errb, env, isTTY)
	r := result{code: code, stdout: out.String(), stderr: errb.String()}
	assertNoSecrets(t, r.stdout+r.stderr)
	return r
}

func assertNoSecrets(t *testing.T, s string) {
	t.Helper()
	for _, sec := range secrets {
		if strings.Contains(s, sec) {
			t.Errorf("output contains a secret:\n%s", s)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for one writer and concurrent readers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
