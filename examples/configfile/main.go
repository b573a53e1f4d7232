// Command configfile builds a broker from a YAML configuration file in one
// call, the way the certbroker command does, with package config: ${VAR}
// references, a secret mounted as a file (sk_file), validation, and
// redaction when the configuration is printed.
//
// It runs against the two cloud emulators, started in process on loopback,
// so it needs no cloud account. Against the real clouds, drop the
// endpoint keys and the WithLookup option (the process environment is the
// default), and point the _file keys at your mounted secrets.
//
//	go run ./examples/configfile
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/config"
	"github.com/certbroker/certbroker/huawei/huaweitest"
	"github.com/certbroker/certbroker/provider"
)

func main() {
	dir, err := os.MkdirTemp("", "certbroker-configfile")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := run(context.Background(), os.Stdout, dir); err != nil {
		log.Fatal(err)
	}
}

// run writes a configuration and a secret file into dir, loads the
// configuration, builds the broker and reads one order on each cloud.
func run(ctx context.Context, out io.Writer, dir string) error {
	aliCloud := alibabatest.NewServer()
	defer aliCloud.Close()
	hwCloud := huaweitest.NewServer()
	defer hwCloud.Close()
	aliID := aliCloud.Seed(provider.StateIssued)
	hwID := hwCloud.Seed(provider.StateExpiring)

	// The Huawei secret key as a mounted secret: one line in a file of
	// its own, readable by this user only.
	if err := os.WriteFile(filepath.Join(dir, "huawei_sk"), []byte(hwCloud.AccessKeySecret()+"\n"), 0o600); err != nil {
		return err
	}
	path := filepath.Join(dir, "certbroker.yaml")
	yaml := `origins:
  alibaba:
    type: alibaba
    access_key_id: ${ALIBABA_CLOUD_ACCESS_KEY_ID}
    access_key_secret: ${ALIBABA_CLOUD_ACCESS_KEY_SECRET}
    endpoint: ` + aliCloud.URL() + `
  huawei:
    type: huawei
    project_id: ` + hwCloud.ProjectID() + `
    ak: ` + hwCloud.AccessKeyID() + `
    sk_file: huawei_sk          # relative to this file's directory
    endpoint: ` + hwCloud.URL() + `
`
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		return err
	}

	// The environment the ${VAR} references read; a real program leaves
	// WithLookup out and gets os.LookupEnv.
	environment := map[string]string{
		"ALIBABA_CLOUD_ACCESS_KEY_ID":     aliCloud.AccessKeyID(),
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET": aliCloud.AccessKeySecret(),
	}
	lookup := func(name string) (string, bool) { v, ok := environment[name]; return v, ok }

	cfg, err := config.Load(path, config.WithLookup(lookup))
	if err != nil {
		return err // names the file, the line and the key, never a secret
	}
	// Printing or logging the configuration never shows a secret.
	fmt.Fprintf(out, "huawei sk: %v, alibaba secret: %v\n", cfg.Origins["huawei"].SK, cfg.Origins["alibaba"].AccessKeySecret)

	b, err := cfg.Broker()
	if err != nil {
		return err
	}
	for _, s := range []string{"alibaba:" + aliID, "huawei:" + hwID} {
		ref, err := b.Resolve(s)
		if err != nil {
			return err
		}
		res, err := b.Status(ctx, ref.Origin, provider.StatusRequest{ID: ref.ID})
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%s: %s\n", ref, res.State)
	}

	// A mistake is reported with its line.
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("origins:\n  alibaba:\n    type: alibaba\n    acess_key_id: typo\n"), 0o600); err != nil {
		return err
	}
	if _, err = config.Load(bad, config.WithLookup(lookup)); err == nil {
		return fmt.Errorf("%s: accepted", bad)
	}
	fmt.Fprintf(out, "bad file: %s\n", strings.TrimPrefix(err.Error(), bad+": "))
	return nil
}
