package main

import (
	"testing"

	"github.com/certbroker/certbroker/provider"
)

// TestSecretsFromFiles runs status with both secrets read from files: the
// Huawei SK through sk_file, the Alibaba secret through ${VAR} with only
// VAR_FILE set.
func TestSecretsFromFiles(t *testing.T) {
	t.Parallel()
	w := newWorld(t, false)
	w.writeConfig(t, "ali_secret", testAliSecret+"\n")
	w.writeConfig(t, "hw_sk", testHwSK+"\n")
	delete(w.vars, "TEST_ALI_SECRET")
	w.vars["TEST_ALI_SECRET_FILE"] = w.dir + "/ali_secret"
	cfg := w.writeConfig(t, "files.yaml", `origins:
  alibaba:
    type: alibaba
    access_key_id: ${TEST_ALI_ID}
    access_key_secret: ${TEST_ALI_SECRET}
    endpoint: `+w.ali.URL()+`
  huawei:
    type: huawei
    project_id: ${TEST_HW_PROJECT}
    ak: ${TEST_HW_AK}
    sk_file: hw_sk
    endpoint: `+w.hw.URL()+`
`)
	r := w.run(t, "", terminals{}, "status", "--output", "json", "--config", cfg,
		"alibaba:"+w.ali.Seed(provider.StateIssued), "huawei:"+w.hw.Seed(provider.StateIssued))
	if r.code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for _, o := range parseJSONLines(t, r.stdout) {
		if !o.OK || o.State != "issued" {
			t.Errorf("%+v", o)
		}
	}
}
