package config

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/huawei/huaweitest"
	"github.com/certbroker/certbroker/provider"
)

// writeFile writes content to name in dir and returns the path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadSecretFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		content, want, err string
	}{
		{content: "s3cret", want: "s3cret"},
		{content: "s3cret\n", want: "s3cret"},
		{content: "s3cret\r\n", want: "s3cret"},
		{content: "s3cret\n\n", want: "s3cret\n"}, // only one newline is dropped
		{content: " s3cret \n", want: " s3cret "},
		{content: "\n", err: "empty"},
		{content: "", err: "empty"},
		{content: strings.Repeat("x", maxSecretFile+1), err: "larger than"},
	}
	for i, tt := range tests {
		p := writeFile(t, dir, fmt.Sprintf("s%d", i), tt.content)
		got, err := readSecretFile(p)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.Contains(err.Error(), p) {
				t.Errorf("%q: err %v, want %q naming the file", tt.content, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%q: got %q, %v; want %q", tt.content, got, err, tt.want)
		}
	}
	if _, err := readSecretFile(filepath.Join(dir, "absent")); err == nil {
		t.Error("missing file read")
	}
}

// TestSecretFiles covers the _file keys and the NAME_FILE rule of ${NAME}.
func TestSecretFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	aliPath := writeFile(t, dir, "ali_secret", testAliSecret+"\n")
	hwPath := writeFile(t, dir, "hw_sk", testHwSK+"\n")
	writeFile(t, dir, "relative_sk", testHwSK)
	empty := writeFile(t, dir, "empty", "")
	head := "origins:\n  h:\n    type: huawei\n    project_id: p\n    ak: " + testHwAK + "\n"
	tests := []struct {
		name    string
		yaml    string
		env     map[string]string
		wantSK  string
		wantErr []string
	}{
		{name: "sk_file", yaml: head + "    sk_file: " + hwPath + "\n", wantSK: testHwSK},
		{name: "sk_file from a variable", yaml: head + "    sk_file: ${SK_PATH}\n", env: map[string]string{"SK_PATH": hwPath}, wantSK: testHwSK},
		{name: "relative sk_file from the file's directory", yaml: head + "    sk_file: relative_sk\n", wantSK: testHwSK},
		{name: "variable from NAME_FILE", yaml: head + "    sk: ${HW_SK}\n", env: map[string]string{"HW_SK_FILE": hwPath}, wantSK: testHwSK},
		{name: "variable set directly", yaml: head + "    sk: ${HW_SK}\n", env: map[string]string{"HW_SK": testHwSK}, wantSK: testHwSK},
		{name: "sk and sk_file", yaml: head + "    sk: " + testHwSK + "\n    sk_file: " + hwPath + "\n",
			wantErr: []string{"line 7: origins.h.sk_file", "sk is set too", "use one"}},
		{name: "NAME and NAME_FILE", yaml: head + "    sk: ${HW_SK}\n", env: map[string]string{"HW_SK": testHwSK, "HW_SK_FILE": hwPath},
			wantErr: []string{"line 6: origins.h.sk", "HW_SK and HW_SK_FILE are both set"}},
		{name: "missing file", yaml: head + "    sk_file: " + filepath.Join(dir, "nope") + "\n",
			wantErr: []string{"line 6: origins.h.sk_file", "nope"}},
		{name: "empty file", yaml: head + "    sk_file: " + empty + "\n", wantErr: []string{"line 6: origins.h.sk_file", "empty"}},
		{name: "NAME_FILE missing", yaml: head + "    sk: ${HW_SK}\n", env: map[string]string{"HW_SK_FILE": filepath.Join(dir, "nope")},
			wantErr: []string{"line 6", "HW_SK_FILE"}},
		{name: "foreign _file key", yaml: "origins:\n  a:\n    type: alibaba\n    access_key_id: x\n    access_key_secret_file: " + aliPath + "\n    sk_file: " + hwPath + "\n",
			wantErr: []string{"line 6: origins.a.sk_file", "not a key of an origin of type alibaba"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := writeFile(t, dir, strings.ReplaceAll(tt.name, " ", "_")+".yaml", tt.yaml)
			c, err := Load(p, WithLookup(mapEnv(tt.env)))
			if tt.wantErr != nil {
				if err == nil {
					t.Fatal("no error")
				}
				for _, w := range tt.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q lacks %q", err, w)
					}
				}
				for _, s := range []string{testHwSK, testAliSecret} {
					if strings.Contains(err.Error(), s) {
						t.Errorf("error leaks a secret: %q", err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Origins["h"].SK.Reveal(); got != tt.wantSK {
				t.Errorf("sk = %q, want %q", got, tt.wantSK)
			}
			if s := fmt.Sprintf("%v %+v", c.Origins["h"], *c); strings.Contains(s, testHwSK) {
				t.Errorf("printed config leaks the secret: %s", s)
			}
		})
	}
}

func TestFromEnv(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	skPath := writeFile(t, dir, "sk", testHwSK+"\n")
	aliPath := writeFile(t, dir, "ali", testAliSecret+"\n")
	hw := map[string]string{"HUAWEICLOUD_SDK_AK": testHwAK, "HUAWEICLOUD_SDK_PROJECT_ID": "proj"}
	with := func(base map[string]string, kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name    string
		env     map[string]string
		origins string
		wantErr []string
		noOrig  bool
	}{
		{name: "nothing", env: map[string]string{"ALIBABA_CLOUD_REGION_ID": "cn-hangzhou"}, noOrig: true},
		{name: "huawei with SK_FILE", env: with(hw, "HUAWEICLOUD_SDK_SK_FILE", skPath), origins: "huawei"},
		{name: "both clouds, files", env: with(hw, "HUAWEICLOUD_SDK_SK_FILE", skPath,
			"ALIBABA_CLOUD_ACCESS_KEY_ID", testAliID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET_FILE", aliPath), origins: "alibaba,huawei"},
		{name: "SK and SK_FILE", env: with(hw, "HUAWEICLOUD_SDK_SK", testHwSK, "HUAWEICLOUD_SDK_SK_FILE", skPath),
			wantErr: []string{"HUAWEICLOUD_SDK_SK and HUAWEICLOUD_SDK_SK_FILE are both set"}},
		{name: "unreadable SK_FILE", env: with(hw, "HUAWEICLOUD_SDK_SK_FILE", filepath.Join(dir, "nope")),
			wantErr: []string{"HUAWEICLOUD_SDK_SK_FILE", "nope"}},
		{name: "huawei missing project", env: map[string]string{"HUAWEICLOUD_SDK_AK": testHwAK, "HUAWEICLOUD_SDK_SK": testHwSK},
			wantErr: []string{"HUAWEICLOUD_SDK_PROJECT_ID"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := FromEnv(WithLookup(mapEnv(tt.env)))
			switch {
			case tt.noOrig:
				if !errors.Is(err, ErrNoOrigins) {
					t.Fatalf("err = %v, want ErrNoOrigins", err)
				}
			case tt.wantErr != nil:
				if err == nil {
					t.Fatal("no error")
				}
				for _, w := range tt.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q lacks %q", err, w)
					}
				}
				if strings.Contains(err.Error(), testHwSK) {
					t.Errorf("error leaks the secret: %v", err)
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
				if got := strings.Join(c.Names(), ","); got != tt.origins {
					t.Errorf("origins %s, want %s", got, tt.origins)
				}
				if h, ok := c.Origins["huawei"]; ok && h.SK.Reveal() != testHwSK {
					t.Errorf("huawei sk not read from the file")
				}
				if a, ok := c.Origins["alibaba"]; ok && a.AccessKeySecret.Reveal() != testAliSecret {
					t.Errorf("alibaba secret not read from the file")
				}
			}
		})
	}
}

// TestBrokerFromFile builds a broker from a file, secrets from files,
// against both emulators, and reads one order on each.
func TestBrokerFromFile(t *testing.T) {
	t.Parallel()
	ali := alibabatest.NewServer(alibabatest.WithAccessKey(testAliID, testAliSecret))
	t.Cleanup(ali.Close)
	hw := huaweitest.NewServer(huaweitest.WithAccessKey(testHwAK, testHwSK), huaweitest.WithProjectID("proj0123456789abcdef"))
	t.Cleanup(hw.Close)
	dir := t.TempDir()
	writeFile(t, dir, "ali_secret", testAliSecret+"\n")
	p := writeFile(t, dir, "certbroker.yaml", `origins:
  ali:
    type: alibaba
    access_key_id: `+testAliID+`
    access_key_secret_file: ali_secret
    endpoint: `+ali.URL()+`
    rate: 50
  hw:
    type: huawei
    project_id: proj0123456789abcdef
    ak: `+testHwAK+`
    sk: ${HW_SK}
    endpoint: `+hw.URL()+`
`)
	skPath := writeFile(t, dir, "hw_sk", testHwSK)
	c, err := Load(p, WithLookup(mapEnv(map[string]string{"HW_SK_FILE": skPath})))
	if err != nil {
		t.Fatal(err)
	}
	b, ps, err := c.Build()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(b.Origins(), ","); got != "ali,hw" || len(ps) != 2 {
		t.Fatalf("origins %s, providers %d", got, len(ps))
	}
	for _, ref := range []provider.Ref{{Origin: "ali", ID: ali.Seed(provider.StateIssued)}, {Origin: "hw", ID: hw.Seed(provider.StateExpiring)}} {
		res, err := b.Status(context.Background(), ref.Origin, provider.StatusRequest{ID: ref.ID})
		if err != nil {
			t.Fatalf("%s: %v", ref, err)
		}
		if res.State != provider.StateIssued && res.State != provider.StateExpiring {
			t.Errorf("%s: state %v", ref, res.State)
		}
	}
	if _, err := (&Config{Path: "x", Origins: map[string]Origin{"a": {Type: "aws"}}}).Broker(); err == nil || !strings.Contains(err.Error(), `origin "a"`) {
		t.Errorf("unknown type built: %v", err)
	}
}
