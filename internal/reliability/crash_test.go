package reliability

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/huawei/huaweitest"
	"github.com/certbroker/certbroker/journal"
	"github.com/certbroker/certbroker/provider"
)

// The crash test: a certbroker process, built from cmd/certbroker, runs a
// bulk operation against both emulators, which run in a process of their
// own (this test binary, re-executed as crashEmulatorMain), and is killed
// with SIGKILL at seeded random points; each time it is resumed with the
// same journal, until a run completes.

const (
	crashHelperEnv = "CERTBROKER_CRASH_EMULATOR"
	crashRenewN    = 2000 // the figure
	crashRevokeN   = 400
	crashKills     = 20
	crashSeed      = 15
)

// TestMain lets the test binary serve as the emulators' process.
func TestMain(m *testing.M) {
	if dir := os.Getenv(crashHelperEnv); dir != "" {
		os.Exit(crashEmulatorMain(dir))
	}
	os.Exit(m.Run())
}

// crashReport is what the emulators' process reports: every renewal, and
// the revoke requests each order received and its state.
type crashReport struct {
	Renewed map[string]int    // old order -> renewal orders created
	Revokes map[string]int    // order -> revoke requests applied
	States  map[string]string // order -> state, for the revoke refs
}

// crashEmulatorMain runs both emulators with a little latency, seeds the
// orders, writes a configuration and the refs into dir, prints "ready",
// and then answers each "report" line on stdin with a JSON crashReport
// line, until stdin ends.
func crashEmulatorMain(dir string) int {
	ali := alibabatest.NewServer(alibabatest.WithAccessKey("LTAIcrashTestKey0001", "crashSecretAlibaba"))
	defer ali.Close()
	hw := huaweitest.NewServer(huaweitest.WithAccessKey("HWCRASHTESTAK000001", "crashSecretHuawei"),
		huaweitest.WithSettleDelay(time.Millisecond))
	defer hw.Close()
	// Requests take a few milliseconds, so that kills find some in flight.
	ali.InjectFault(alibabatest.Fault{Kind: alibabatest.FaultLatency, Latency: 2 * time.Millisecond})
	hw.InjectFault(huaweitest.Fault{Kind: huaweitest.FaultLatency, Latency: 2 * time.Millisecond})

	// Every 20th renewal is Huawei's, by purchase. SCM has no renew
	// call, so the emulator tells which certificate a purchase renews
	// only when exactly one issued certificate in its window has the
	// purchase's spec: each gets its own domain count (2 to 100).
	var renew, revoke []string
	hwRenew := 0
	for i := range crashRenewN {
		if i%20 == 0 && hwRenew < 99 {
			renew = append(renew, "huawei:"+hw.SeedCert(huaweitest.Cert{Status: huaweitest.StatusIssued,
				Source: huaweitest.SourcePurchased, NotAfter: time.Now().Add(15 * 24 * time.Hour),
				DomainType: "MULTI_DOMAIN", DomainCount: 2 + hwRenew}))
			hwRenew++
		} else {
			renew = append(renew, "alibaba:"+ali.Seed(provider.StateExpiring))
		}
	}
	for i := range crashRevokeN {
		if i%2 == 0 {
			revoke = append(revoke, "alibaba:"+ali.Seed(provider.StateIssued))
		} else {
			revoke = append(revoke, "huawei:"+hw.Seed(provider.StateIssued))
		}
	}
	cfg := fmt.Sprintf(`origins:
  alibaba:
    type: alibaba
    region: cn-hangzhou
    access_key_id: LTAIcrashTestKey0001
    access_key_secret: crashSecretAlibaba
    endpoint: %s
    rate: 100000
  huawei:
    type: huawei
    region: ap-southeast-1
    project_id: %s
    ak: HWCRASHTESTAK000001
    sk: crashSecretHuawei
    endpoint: %s
    renew_by_purchase: true
    rate: 100000
`, ali.URL(), hw.ProjectID(), hw.URL())
	for name, text := range map[string]string{"config.yaml": cfg, "renew.refs": strings.Join(renew, "\n") + "\n",
		"revoke.refs": strings.Join(revoke, "\n") + "\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	fmt.Println("ready")
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		rep := crashReport{Renewed: map[string]int{}, Revokes: map[string]int{}, States: map[string]string{}}
		for _, r := range ali.Renewals() {
			rep.Renewed["alibaba:"+r.From]++
		}
		for _, r := range hw.Renewals() {
			rep.Renewed["huawei:"+r.From]++
		}
		for _, r := range ali.Requests() {
			if r.Action == alibabatest.ActionRevoke && r.Applied {
				rep.Revokes["alibaba:"+r.ID]++
			}
		}
		for _, r := range hw.Requests() {
			if r.Action == huaweitest.ActionRevoke && r.Applied {
				rep.Revokes["huawei:"+r.ID]++
			}
		}
		for _, ref := range revoke {
			origin, id, _ := strings.Cut(ref, ":")
			var st provider.State
			if origin == "alibaba" {
				st, _ = ali.State(id)
			} else {
				st, _ = hw.State(id)
			}
			rep.States[ref] = st.String()
		}
		line, _ := json.Marshal(rep)
		fmt.Println(string(line))
	}
	return 0
}

// emulators is the emulators' process, seen from the test.
type emulators struct {
	dir   string
	cmd   *exec.Cmd
	in    io.WriteCloser
	out   *bufio.Reader
	renew []string
	rvk   []string
}

func startEmulators(t *testing.T) *emulators {
	t.Helper()
	e := &emulators{dir: t.TempDir()}
	e.cmd = exec.Command(os.Args[0], "-test.run=^$")
	e.cmd.Env = append(os.Environ(), crashHelperEnv+"="+e.dir, "HOME="+e.dir)
	e.cmd.Stderr = os.Stderr
	var err error
	if e.in, err = e.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := e.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	e.out = bufio.NewReader(stdout)
	if err := e.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		e.in.Close()
		_ = e.cmd.Wait()
	})
	if line, err := e.out.ReadString('\n'); err != nil || line != "ready\n" {
		t.Fatalf("emulators: %q, %v", line, err)
	}
	e.renew = readLines(t, filepath.Join(e.dir, "renew.refs"))
	e.rvk = readLines(t, filepath.Join(e.dir, "revoke.refs"))
	return e
}

func (e *emulators) report(t *testing.T) crashReport {
	t.Helper()
	if _, err := io.WriteString(e.in, "report\n"); err != nil {
		t.Fatal(err)
	}
	line, err := e.out.ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	var rep crashReport
	if err := json.Unmarshal([]byte(line), &rep); err != nil {
		t.Fatal(err)
	}
	return rep
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Fields(string(data))
}

// buildCLI builds certbroker into a temporary directory.
func buildCLI(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "certbroker")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/certbroker/certbroker/cmd/certbroker")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// cliRun is one certbroker process.
type cliRun struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
}

// startCLI starts certbroker with HOME and XDG_STATE_HOME in a
// temporary directory: nothing is written to the real HOME.
func startCLI(t *testing.T, bin, home string, args ...string) *cliRun {
	t.Helper()
	r := &cliRun{cmd: exec.Command(bin, args...)}
	r.cmd.Env = append(os.Environ(), "HOME="+home, "XDG_STATE_HOME="+filepath.Join(home, "state"))
	r.cmd.Stdout, r.cmd.Stderr = &r.stdout, &r.stderr
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return r
}

// exitCode waits for the process and returns its exit code, or -1 when a
// signal ended it.
func (r *cliRun) exitCode() int {
	err := r.cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -2
	}
	return 0
}

// intents counts the intent records of a journal (0 when it does not
// exist yet). A torn last line is counted as it stands: the count is only
// a point to kill at.
func intents(path string) int {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	return bytes.Count(data, []byte(`{"t":"intent"`))
}

type crashLine struct {
	Ref         string `json:"ref"`
	OK          bool   `json:"ok"`
	Kind        string `json:"kind"`
	NewID       string `json:"new_id"`
	InDoubt     bool   `json:"in_doubt"`
	FromJournal bool   `json:"from_journal"`
}

// crashRun runs op over refs with one journal, killing the process at
// kills seeded points (counted in intent records), then resuming until a
// run completes. It returns the last run's lines and the kills made.
func crashRun(t *testing.T, bin string, e *emulators, op, refsFile string, n int) (map[string]crashLine, int) {
	t.Helper()
	home := t.TempDir()
	jpath := filepath.Join(home, op+".journal")
	args := []string{op, "--yes", "--config", filepath.Join(e.dir, "config.yaml"), "-f", refsFile,
		"--journal", jpath, "--output", "json", "--concurrency", "8"}
	// Each kill lands a seeded random number of intents after the last
	// one, spread so that all of them land before the run could end.
	rng := rand.New(rand.NewPCG(crashSeed, uint64(len(op))))
	kills := 0
	for k := range crashKills {
		cur := intents(jpath)
		gap := max(1, (n-cur)/(crashKills-k+1))
		at := cur + 1 + rng.IntN(gap)
		r := startCLI(t, bin, home, args...)
		exited := make(chan int, 1)
		go func() { exited <- r.exitCode() }()
		deadline := time.Now().Add(30 * time.Second)
		killed := false
		for !killed {
			select {
			case code := <-exited:
				t.Fatalf("%s exited (%d) before the kill at intent %d:\n%s", op, code, at, r.stderr.String())
			default:
			}
			if intents(jpath) >= at {
				_ = r.cmd.Process.Signal(syscall.SIGKILL)
				killed = true
			} else if time.Now().After(deadline) {
				_ = r.cmd.Process.Kill()
				t.Fatalf("%s: no intent %d within 30s:\n%s", op, at, r.stderr.String())
			} else {
				time.Sleep(time.Millisecond) // polling the journal, bounded by the deadline
			}
		}
		if code := <-exited; code != -1 {
			t.Fatalf("%s: killed process exited %d, want a signal", op, code)
		}
		kills++
		s, err := journal.Summarize(jpath)
		if err != nil {
			t.Fatalf("kill %d: the journal does not read: %v", kills, err)
		}
		t.Logf("%s kill %2d at intent %4d: done %4d, in doubt %2d, torn last record %v", op, kills, at, s.Done, s.InDoubt, s.Torn)
	}
	// Resume until a run completes (a run that reports items in doubt
	// still completes: they stay in doubt).
	r := startCLI(t, bin, home, args...)
	code := r.exitCode()
	if code != 0 && code != 1 {
		t.Fatalf("%s: final run exited %d:\n%s", op, code, r.stderr.String())
	}
	lines := map[string]crashLine{}
	doubt, from := 0, 0
	for l := range strings.Lines(r.stdout.String()) {
		var cl crashLine
		if err := json.Unmarshal([]byte(l), &cl); err != nil {
			t.Fatalf("bad line %q: %v", l, err)
		}
		if _, dup := lines[cl.Ref]; dup {
			t.Errorf("%s: ref %s reported twice", op, cl.Ref)
		}
		lines[cl.Ref] = cl
		if cl.InDoubt {
			doubt++
		}
		if cl.FromJournal {
			from++
		}
	}
	t.Logf("%s final run: exit %d, %d lines, %d from the journal, %d in doubt; stderr tail: %s", op, code, len(lines), from, doubt,
		lastLine(r.stderr.String()))
	if !strings.Contains(r.stderr.String(), fmt.Sprintf("%d in doubt", doubt)) {
		t.Errorf("%s: the final run's stderr does not report %d in doubt:\n%s", op, doubt, lastLine(r.stderr.String()))
	}
	return lines, kills
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	return s[strings.LastIndex(s, "\n")+1:]
}

func TestCrashResume(t *testing.T) {
	if testing.Short() {
		t.Skip("builds certbroker and runs thousands of requests")
	}
	t.Parallel()
	bin := buildCLI(t)
	e := startEmulators(t)

	// Renew: every renewable certificate ends with exactly one renewal
	// order, or is reported in doubt with at most one.
	lines, kills := crashRun(t, bin, e, "renew", filepath.Join(e.dir, "renew.refs"), crashRenewN)
	if kills < crashKills/2 {
		t.Errorf("renew: only %d kills landed", kills)
	}
	rep := e.report(t)
	var doubtNoOrder []string
	for _, ref := range e.renew {
		l, ok := lines[ref]
		n := rep.Renewed[ref]
		switch {
		case !ok:
			t.Errorf("renew %s: no outcome in the final run", ref)
		case n > 1:
			t.Errorf("renew %s: %d renewal orders (a duplicate)", ref, n)
		case l.OK && n != 1:
			t.Errorf("renew %s: reported ok, but %d renewal orders", ref, n)
		case !l.OK && !l.InDoubt:
			t.Errorf("renew %s: failed with %s, neither ok nor in doubt", ref, l.Kind)
		case l.InDoubt && n == 0:
			doubtNoOrder = append(doubtNoOrder, ref)
		}
	}
	if len(lines) != len(e.renew) {
		t.Errorf("renew: %d outcomes for %d refs", len(lines), len(e.renew))
	}
	// The operator's part: the renewals in doubt that the cloud shows
	// no order for are renewed in a new run; the others are left alone.
	if len(doubtNoOrder) > 0 {
		refs := filepath.Join(t.TempDir(), "again.refs")
		if err := os.WriteFile(refs, []byte(strings.Join(doubtNoOrder, "\n")+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		r := startCLI(t, bin, t.TempDir(), "renew", "--yes", "--config", filepath.Join(e.dir, "config.yaml"), "-f", refs)
		if code := r.exitCode(); code != 0 {
			t.Fatalf("renewing the %d in doubt without an order: exit %d\n%s", len(doubtNoOrder), code, r.stderr.String())
		}
	}
	rep = e.report(t)
	dups := 0
	for _, ref := range e.renew {
		if n := rep.Renewed[ref]; n != 1 {
			t.Errorf("renew %s: %d renewal orders in the end, want 1", ref, n)
			dups += max(0, n-1)
		}
	}
	t.Logf("renew: %d refs, %d kills, %d in doubt without an order renewed afterwards, %d duplicates", len(e.renew), kills,
		len(doubtNoOrder), dups)

	// Revoke: in doubt is settled by reading the state, so every ref
	// ends revoked, with one applied revoke request.
	lines, kills = crashRun(t, bin, e, "revoke", filepath.Join(e.dir, "revoke.refs"), crashRevokeN)
	rep = e.report(t)
	for _, ref := range e.rvk {
		l, ok := lines[ref]
		switch {
		case !ok:
			t.Errorf("revoke %s: no outcome in the final run", ref)
		case !l.OK:
			t.Errorf("revoke %s: %s (in doubt %v), want ok", ref, l.Kind, l.InDoubt)
		case rep.Revokes[ref] != 1:
			t.Errorf("revoke %s: %d applied revoke requests, want 1", ref, rep.Revokes[ref])
		case rep.States[ref] != "revoked" && rep.States[ref] != "revoking":
			t.Errorf("revoke %s: state %s", ref, rep.States[ref])
		}
	}
	t.Logf("revoke: %d refs, %d kills", len(e.rvk), kills)
}

// TestCrashJournalTornAndUnwritable: a torn last record is ignored on
// resume, and a journal in a directory that cannot be written fails
// before anything is sent.
func TestCrashJournalTornAndUnwritable(t *testing.T) {
	if testing.Short() {
		t.Skip("builds certbroker")
	}
	t.Parallel()
	bin := buildCLI(t)
	e := startEmulators(t)
	refs := filepath.Join(t.TempDir(), "two.refs")
	if err := os.WriteFile(refs, []byte(e.rvk[0]+"\n"+e.rvk[1]+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(e.dir, "config.yaml")

	// Unwritable: exit 2, a clear message, nothing sent.
	before := e.report(t)
	home := t.TempDir()
	r := exec.Command(bin, "revoke", "--yes", "--config", cfg, "-f", refs)
	ro := unwritable(t)
	r.Env = append(os.Environ(), "HOME="+home, "XDG_STATE_HOME="+ro)
	out, err := r.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 || !strings.Contains(string(out), "nothing was sent") {
		t.Fatalf("revoke with an unwritable state directory: %v\n%s", err, out)
	}
	if after := e.report(t); len(after.Revokes) != len(before.Revokes) {
		t.Fatalf("revoke requests were sent despite the journal error")
	}

	// Torn: a complete run, then a torn intent appended for a ref of the
	// run; the resume ignores it and reports both from the journal.
	jpath := filepath.Join(home, "torn.journal")
	args := []string{"revoke", "--yes", "--config", cfg, "-f", refs, "--journal", jpath, "--output", "json"}
	if c := startCLI(t, bin, home, args...); c.exitCode() != 0 {
		t.Fatalf("revoke: %s", c.stderr.String())
	}
	f, err := os.OpenFile(jpath, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, `0badf00d {"t":"intent","i":0,"ref":"%s"`, e.rvk[0])
	f.Close()
	if s, err := journal.Summarize(jpath); err != nil || !s.Torn || s.Done != 2 || s.InDoubt != 0 {
		t.Fatalf("Summarize of the torn journal: %+v, %v", s, err)
	}
	c := startCLI(t, bin, home, args...)
	if code := c.exitCode(); code != 0 {
		t.Fatalf("resume over a torn record: exit %d\n%s", code, c.stderr.String())
	}
	for l := range strings.Lines(c.stdout.String()) {
		var cl crashLine
		if err := json.Unmarshal([]byte(l), &cl); err != nil || !cl.OK || !cl.FromJournal || cl.InDoubt {
			t.Errorf("resumed line %q: want ok, from the journal, not in doubt", l)
		}
	}
	if after := e.report(t); after.Revokes[e.rvk[0]] != 1 || after.Revokes[e.rvk[1]] != 1 {
		t.Errorf("revoke requests per ref after the resume: %d, %d; want 1, 1", after.Revokes[e.rvk[0]], after.Revokes[e.rvk[1]])
	}
}

// unwritable is a directory no file can be created in: a read-only
// temporary directory, or for root (who writes through permissions) one
// under sysfs.
func unwritable(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		dir := t.TempDir()
		if err := os.Chmod(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(dir, 0o700) })
		return dir
	}
	if _, err := os.Stat("/sys/kernel"); err != nil {
		t.Skip("running as root without /sys: no unwritable directory to try")
	}
	return "/sys/kernel/certbroker-test"
}
