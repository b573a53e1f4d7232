package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadRefs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want, wantErr string
	}{
		{name: "plain", in: "alibaba:1\nhuawei:scs1\n", want: "alibaba:1@x:1 huawei:scs1@x:2"},
		{name: "blank and comments", in: "# header\n\n  alibaba:1  \n\t\nhuawei:2 # trailing\n#alibaba:3\n", want: "alibaba:1@x:3 huawei:2@x:5"},
		{name: "hash inside", in: "a:b#c\n", want: "a:b#c@x:1"},
		{name: "crlf", in: "a:1\r\na:2\r\n", want: "a:1@x:1 a:2@x:2"},
		{name: "no final newline", in: "a:1", want: "a:1@x:1"},
		{name: "empty", in: "", want: ""},
		{name: "two words", in: "a:1\na:2 a:3\n", wantErr: "x:2: one ref per line, found 2 words"},
		{name: "long line", in: strings.Repeat("a", maxRefLine+10), wantErr: "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			refs, err := readRefs(strings.NewReader(tt.in), "x")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range refs {
				got = append(got, r.text+"@"+r.where)
			}
			if strings.Join(got, " ") != tt.want {
				t.Fatalf("got %q, want %q", strings.Join(got, " "), tt.want)
			}
		})
	}
}

func TestCollectRefs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "refs.txt")
	if err := os.WriteFile(p, []byte("# list\nalibaba:7\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	refs, usedStdin, err := collectRefs([]string{"huawei:scs1"}, []string{p, "-"}, strings.NewReader("alibaba:8\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !usedStdin || len(refs) != 3 || refs[0].where != "argument 1" || refs[1].where != p+":2" || refs[2].text != "alibaba:8" || refs[2].where != "stdin:1" {
		t.Fatalf("refs = %+v, usedStdin = %v", refs, usedStdin)
	}
	if _, _, err := collectRefs(nil, []string{"-", "-"}, strings.NewReader("")); err == nil {
		t.Error("-f - twice accepted")
	}
	if _, _, err := collectRefs(nil, []string{filepath.Join(dir, "missing")}, nil); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("missing file: %v", err)
	}
}
