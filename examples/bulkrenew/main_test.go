package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{
		"renewing 8 certificates\n",
		"progress: 8/8 done, 3 failed\n",
		"failed  alibaba:10000100004: invalid_state: not renewable now",
		"failed  alibaba:99999999999: not_found: no such order",
		": outcome_unknown: the new order may exist: ",
		"candidate(s) by PAYED orders bought since ",
		"(the answer was lost; found by its renewal tag)\n",
		"5 renewed, 3 failed\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	if n := strings.Count(s, "renewed huawei:"); n != 3 {
		t.Errorf("%d huawei renewals reported, want 3 (one found by its tag):\n%s", n, s)
	}
	if n := strings.Count(s, "renewed alibaba:"); n != 2 {
		t.Errorf("%d alibaba renewals reported, want 2 (one lost):\n%s", n, s)
	}
}
