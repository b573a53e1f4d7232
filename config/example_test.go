package config_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/config"
	"github.com/certbroker/certbroker/provider"
)

// Load a file whose secret is mounted as a file, build the broker in one
// call and use it. Here the cloud is the Alibaba emulator; for the real
// cloud, leave out the endpoint.
func Example() {
	cloud := alibabatest.NewServer()
	defer cloud.Close()
	id := cloud.Seed(provider.StateIssued)

	dir, err := os.MkdirTemp("", "config-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	_ = os.WriteFile(filepath.Join(dir, "alibaba_secret"), []byte(cloud.AccessKeySecret()+"\n"), 0o600)
	path := filepath.Join(dir, "certbroker.yaml")
	_ = os.WriteFile(path, []byte(`origins:
  alibaba:
    type: alibaba
    access_key_id: `+cloud.AccessKeyID()+`
    access_key_secret_file: alibaba_secret
    endpoint: `+cloud.URL()+`
`), 0o600)

	cfg, err := config.Load(path)
	if err != nil {
		panic(err)
	}
	b, err := cfg.Broker()
	if err != nil {
		panic(err)
	}
	res, err := b.Status(context.Background(), "alibaba", provider.StatusRequest{ID: id})
	if err != nil {
		panic(err)
	}
	fmt.Println("secret:", cfg.Origins["alibaba"].AccessKeySecret)
	fmt.Println("alibaba:"+id, res.State)
	// Output:
	// secret: [REDACTED]
	// alibaba:10000100001 issued
}

// Parse reports every mistake with its line and key, never a secret's
// value.
func ExampleParse() {
	environment := map[string]string{"HUAWEI_SK": "not-printed"}
	_, err := config.Parse([]byte(`origins:
  huawei:
    type: huawei
    ak: AK
    sk: ${HUAWEI_SK}
    access_key_id: wrong-cloud
    endpoint: http://scm.example.com
`), "certbroker.yaml", config.WithLookup(func(k string) (string, bool) { v, ok := environment[k]; return v, ok }))
	fmt.Println(err)
	// Output:
	// certbroker.yaml: line 6: origins.huawei.access_key_id: not a key of an origin of type huawei
	// line 7: origins.huawei.endpoint: refusing plain http endpoint "http://scm.example.com": http is allowed only on loopback hosts (127.0.0.0/8, ::1, localhost); use https
}
