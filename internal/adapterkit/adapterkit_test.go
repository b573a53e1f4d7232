package adapterkit

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/certbroker/certbroker/provider"
)

func TestCleanMessage(t *testing.T) {
	long := strings.Repeat("é", MaxMessageLen)
	got := CleanMessage(long)
	if len(got) > MaxMessageLen+len("…") || !utf8.ValidString(got) || !strings.HasSuffix(got, "…") {
		t.Errorf("CleanMessage(long) = %d bytes, valid %t", len(got), utf8.ValidString(got))
	}
	if got := CleanMessage(" a\r\n\tb\x00c  "); got != "a b c" {
		t.Errorf("CleanMessage = %q, want %q", got, "a b c")
	}
}

func TestRedaction(t *testing.T) {
	if RedactIfSet("") != "" || RedactIfSet("s") != Redacted {
		t.Error("RedactIfSet")
	}
	if MaskKeyID("LTAI5tSECRET") != "LTAI****" || MaskKeyID("abc") != Redacted || MaskKeyID("") != "" {
		t.Error("MaskKeyID")
	}
}

func TestConfigErrorIsOneLine(t *testing.T) {
	e := ConfigError("huawei", "", errors.Join(errors.New("AK is required"), errors.New("SK is required")))
	if e.Kind != provider.KindInvalidArgument || strings.Contains(e.Error(), "\n") {
		t.Fatalf("%v (kind %s)", e, e.Kind)
	}
	if e.Origin != "huawei" || e.Message != "invalid config: AK is required; SK is required" {
		t.Errorf("Message = %q", e.Message)
	}
}

func TestPrecheck(t *testing.T) {
	k := Kit{Origin: "o"}
	bad := errors.New("bad ID")
	check := func(id string) error {
		if id != "ok" {
			return bad
		}
		return nil
	}
	if e := k.Precheck(provider.StatusRequest{ID: "ok"}, check); e != nil {
		t.Fatal(e)
	}
	e := k.Precheck(provider.CancelRequest{ID: "x"}, check)
	if e == nil || e.Kind != provider.KindInvalidArgument || e.Op != provider.OpCancel || e.Origin != "o" ||
		e.ID != "x" || !errors.Is(e, bad) {
		t.Errorf("bad ID: %+v", e)
	}
	if e := k.Precheck(provider.StatusRequest{ID: "a\nb"}, check); e == nil || e.ID != "" {
		t.Errorf("an unprintable ID is stamped: %+v", e)
	}
	if e := k.Precheck(nil, check); e == nil || e.Kind != provider.KindInvalidArgument {
		t.Errorf("nil request: %v", e)
	}
	if err := k.CheckID("ok", check); err != nil {
		t.Errorf("CheckID(ok) = %v", err)
	}
}

func TestTimeoutError(t *testing.T) {
	var te interface{ Timeout() bool }
	if !errors.As(error(&TimeoutError{}), &te) || !te.Timeout() {
		t.Error("not a timeout")
	}
}
