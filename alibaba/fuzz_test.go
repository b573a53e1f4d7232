package alibaba

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"testing"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/certbroker/certbroker/internal/adapterkit"
	"github.com/certbroker/certbroker/provider"
)

// FuzzCheckID checks that exactly the canonical decimal forms of positive
// int64 values pass, that they cannot change a URL, and that refusals are
// one-line invalid_argument errors.
func FuzzCheckID(f *testing.F) {
	for _, s := range []string{"1", "123451222", "9223372036854775807", "9223372036854775808", "0", "-1", "+1",
		"01", "1e3", "12 3", "abc", "", "1/2", "１２３", "١٢٣", "1\x00", "99999999999999999999", "1\n",
		"cas_dv-cn-rp643r82d0i1", "cas-cn-68n1mm16ab", "cas-cn-68n1mm16****", "cas_dv-cn-", "CAS-cn-a", "cas_dv-cn-a&b=c"} {
		f.Add(s)
	}
	a, err := New(Config{AccessKeyID: "id", AccessKeySecret: "secret"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, id string) {
		err := a.CheckID(id)
		n, perr := strconv.ParseInt(id, 10, 64)
		canonical := perr == nil && n > 0 && strconv.FormatInt(n, 10) == id || instanceShape(id)
		if canonical != (err == nil) {
			t.Fatalf("CheckID(%q) = %v, canonical = %v", id, err, canonical)
		}
		if err == nil {
			if provider.ValidateID(id) != nil || url.QueryEscape(id) != id {
				t.Fatalf("accepted ID %q is not URL-safe", id)
			}
			return
		}
		var pe *provider.Error
		if !errors.As(err, &pe) || pe.Kind != provider.KindInvalidArgument {
			t.Fatalf("CheckID(%q) = %#v, want a *provider.Error of kind invalid_argument", id, err)
		}
		if strings.ContainsAny(err.Error(), "\n\r") || len(err.Error()) > 300 {
			t.Fatalf("CheckID(%q) error is not a short single line: %q", id, err)
		}
	})
}

// FuzzDecodeError feeds arbitrary error responses to the decoder and
// classifier. They must never panic (the SDK's own parser does on
// non-string fields), must classify by the table, must agree with the SDK
// wherever the SDK copes, and must never leak a secret or break a line.
func FuzzDecodeError(f *testing.F) {
	for _, tc := range []struct {
		status int
		body   string
	}{
		{404, errorBodyJSON("NotFoundOrder", 404)},
		{403, `{"RequestId":"r","Code":"OrderStateError","Message":"state"}`},
		{400, `{"RequestId":42,"Code":"Throttling.User","Message":"slow down"}`},
		{400, `{"Code":"SignatureDoesNotMatch","Message":"no. server string to sign is:POST&%2F&SecurityToken%3D` + testToken + `"}`},
		{500, `{"Code":null,"Message":null}`},
		{503, "upstream unavailable"},
		{502, ""},
		{400, `[1,2,3]`},
		{400, `{"Message":{"nested":true},"AccessDeniedDetail":"x"}`},
		{401, `{"Code":"X","Message":"` + testSecret + `\n` + testToken + `"}`},
		{599, `{"Code":"\u0000\n","RequestId":"\ud800"}`},
	} {
		f.Add(tc.status, []byte(tc.body), uint8(0))
		f.Add(tc.status, []byte(tc.body), uint8(4))
	}
	a, err := New(Config{AccessKeyID: testKeyID, AccessKeySecret: testSecret, SecurityToken: testToken})
	if err != nil {
		f.Fatal(err)
	}
	ops := provider.Ops()
	f.Fuzz(func(t *testing.T, status int, body []byte, opIndex uint8) {
		status = 300 + (status%300+300)%300 // an error status, 300..599
		op := ops[int(opIndex)%len(ops)]
		se, sdkPanicked := sdkServerError(status, body)
		e := a.serverError(op, "1", op.Mutating(), status, body, nil, se)

		b := decodeErrorBody(body)
		if want := adapterkit.ResponseKind(codeKind, b.Code, status, op.Mutating()); e.Kind != want {
			t.Fatalf("kind %s, want %s", e.Kind, want)
		}
		if !sdkPanicked && (b.Code != se.ErrorCode() || b.Message != se.Message() || b.RequestID != se.RequestId()) {
			t.Fatalf("decoder disagrees with the SDK: %+v vs code %q message %q request %q",
				b, se.ErrorCode(), se.Message(), se.RequestId())
		}
		var got *sdkerrors.ServerError
		if !errors.As(e, &got) || got.HttpStatus() != status {
			t.Fatalf("errors.As does not reach a ServerError with status %d", status)
		}
		if text := e.Error(); strings.ContainsAny(text, "\n\r") || len(text) > 2048 {
			t.Fatalf("error is not a bounded single line: %q", text)
		}
		for _, text := range []string{e.Error(), got.Error(), e.Code, e.Message, e.RequestID} {
			if strings.Contains(text, testSecret) || strings.Contains(text, testToken) {
				t.Fatalf("secret in %q", text)
			}
		}
	})
}

// sdkServerError is what the SDK makes of an error response, or
// panicked = true where its parser panics.
func sdkServerError(status int, body []byte) (se *sdkerrors.ServerError, panicked bool) {
	defer func() {
		if recover() != nil {
			se, panicked = nil, true
		}
	}()
	e, _ := sdkerrors.NewServerError(status, string(body), "").(*sdkerrors.ServerError)
	return e, false
}

// instanceShape is the instance ID rule written out without a regexp:
// "cas", optionally "_" and 1 to 16 of a-z, "-cn-", 1 to 32 of a-z0-9.
func instanceShape(id string) bool {
	rest, ok := strings.CutPrefix(id, "cas")
	if !ok {
		return false
	}
	if p, ok := strings.CutPrefix(rest, "_"); ok {
		i := strings.Index(p, "-cn-")
		if i < 1 || i > 16 || strings.Trim(p[:i], "abcdefghijklmnopqrstuvwxyz") != "" {
			return false
		}
		rest = p[i:]
	}
	tail, ok := strings.CutPrefix(rest, "-cn-")
	return ok && len(tail) >= 1 && len(tail) <= 32 && strings.Trim(tail, "abcdefghijklmnopqrstuvwxyz0123456789") == ""
}
