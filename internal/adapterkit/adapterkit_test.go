package adapterkit

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/certbroker/certbroker/internal/classify"
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
	// A provider.Error among several problems keeps every problem.
	bad := provider.ValidateOrigin("Bad Origin")
	e = ConfigError("alibaba", "Bad Origin", errors.Join(bad, errors.New("AK is required")))
	if e.Origin != "alibaba" || !strings.Contains(e.Message, "AK is required") || strings.Contains(e.Error(), "\n") {
		t.Errorf("joined: %v", e)
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

func TestLost(t *testing.T) {
	k := Kit{Origin: "o"}
	cause := errors.New("connection reset")
	cases := []struct {
		op        provider.Op
		x         classify.Exchange
		callerErr error
		want      provider.Kind
	}{
		{provider.OpStatus, classify.Exchange{}, nil, provider.KindOther},
		{provider.OpCancel, classify.Exchange{Mutating: true, Started: true}, nil, provider.KindUnavailable},
		{provider.OpCancel, classify.Exchange{Mutating: true, Started: true, MaybeSent: true}, nil, provider.KindOutcomeUnknown},
		{provider.OpStatus, classify.Exchange{Started: true, MaybeSent: true}, nil, provider.KindUnavailable},
		{provider.OpRevoke, classify.Exchange{Started: true, CallerEnded: true}, context.Canceled, provider.KindCanceled},
		// Revoke's state read, cut off by the caller after it was sent.
		{provider.OpRevoke, classify.Exchange{Started: true, MaybeSent: true, CallerEnded: true}, context.Canceled, provider.KindCanceled},
	}
	for i, c := range cases {
		e := k.Lost(c.op, "1", c.x, c.callerErr, cause, cause.Error())
		if e.Kind != c.want || e.Op != c.op || e.Origin != "o" || e.ID != "1" || !errors.Is(e, cause) ||
			(c.callerErr != nil && !errors.Is(e, c.callerErr)) || strings.Contains(e.Error(), "\n") {
			t.Errorf("#%d: %v (kind %s), want %s", i, e, e.Kind, c.want)
		}
	}
}

func TestResponseKind(t *testing.T) {
	known := func(code string) (provider.Kind, bool) {
		if code == "Gone" {
			return provider.KindNotFound, true
		}
		return provider.KindOther, false
	}
	if k := ResponseKind(known, "Gone", 400, true); k != provider.KindNotFound {
		t.Errorf("known code: %s", k)
	}
	// An unknown code with 404 is other in every adapter, never not_found.
	if k := ResponseKind(known, "Whatever", 404, false); k != provider.KindOther {
		t.Errorf("unknown code, 404: %s", k)
	}
	if k := ResponseKind(known, "", 502, true); k != provider.KindOutcomeUnknown {
		t.Errorf("502 on a mutating request: %s", k)
	}
}
