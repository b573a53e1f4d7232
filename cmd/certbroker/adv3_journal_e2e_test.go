package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/certbroker/certbroker/provider"
)

// fingerprint's doc: "Secrets ... are left out, so that rotating a key ...
// does not stop a resume". Rotating an Alibaba (or Huawei) key replaces
// the whole pair, ID and secret; the fingerprint hashes the access key ID
// (o.AccessKeyID, o.AK), so the resume after a rotation is refused as
// "another configuration".
func TestAdv3KeyRotationDoesNotStopResume(t *testing.T) {
	t.Parallel()
	w := newWorld(t, false)
	w.vars["XDG_STATE_HOME"] = t.TempDir()
	ref := "alibaba:" + w.ali.Seed(provider.StateIssued)
	r := w.run(t, "", terminals{}, "revoke", "--yes", "--config", w.cfgPath, ref)
	if r.code != 0 {
		t.Fatalf("revoke: exit %d\n%s", r.code, r.stderr)
	}
	id, _ := runID(t, r.stderr)
	// The same account, its key rotated: a new ID and a new secret.
	w.vars["TEST_ALI_ID"], w.vars["TEST_ALI_SECRET"] = "LTAIrotatedKeyID9876", "rotatedSECRETalibaba0001"
	r = w.run(t, "", terminals{}, "revoke", "--yes", "--config", w.cfgPath, "--resume", id, ref)
	if r.code != 0 || strings.Contains(r.stderr, "another configuration") {
		t.Errorf("resume after a key rotation: exit %d\n%s", r.code, r.stderr)
	}
}

// With --journal FILE, the run's hint ("continue it with: certbroker OP
// --resume RUN") names RUN as the file's base name (openJournal: id =
// TrimSuffix(Base(path))), which --resume then looks for in the state
// directory, where it is not: following the printed advice fails with
// "no such run".
func TestAdv3JournalFileResumeHintWorks(t *testing.T) {
	t.Parallel()
	w := newWorld(t, false)
	w.vars["XDG_STATE_HOME"] = t.TempDir()
	ref := "alibaba:" + w.ali.Seed(provider.StateIssued)
	jpath := filepath.Join(t.TempDir(), "nightly.journal")
	r := w.run(t, "", terminals{}, "revoke", "--yes", "--config", w.cfgPath, "--journal", jpath, ref)
	if r.code != 0 {
		t.Fatalf("revoke: exit %d\n%s", r.code, r.stderr)
	}
	// Follow the printed hint: "continue it with: certbroker revoke FLAG VALUE and the same refs".
	_, after, ok := strings.Cut(r.stderr, "continue it with: certbroker revoke ")
	hint, _, ok2 := strings.Cut(after, " and the same refs")
	flagName, value, ok3 := strings.Cut(hint, " ")
	if !ok || !ok2 || !ok3 {
		t.Fatalf("no resume hint in:\n%s", r.stderr)
	}
	r = w.run(t, "", terminals{}, "revoke", "--yes", "--config", w.cfgPath, flagName, value, ref)
	if r.code != 0 {
		t.Errorf("following the printed hint (%s %s): exit %d\n%s", flagName, value, r.code, r.stderr)
	}
}
