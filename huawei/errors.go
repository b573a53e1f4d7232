package huawei

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/certbroker/certbroker/provider"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
)

// codeKind maps the native error codes the adapter knows to kinds. Codes
// come first; the HTTP status decides only for codes not listed here (see
// statusKind). The choices are documented in the package documentation.
func codeKind(code string) (provider.Kind, bool) {
	switch strings.ToUpper(strings.TrimSpace(code)) {
	case "SCM.0010":
		return provider.KindInvalidState, true
	case "SCM.0008":
		return provider.KindNotFound, true
	case "SCM.0005", "SCM.0020",
		"SCM.0009", "SCM.0012", "SCM.0013", "SCM.0014", "SCM.0015",
		"SCM.0031", "SCM.0032", "SCM.0069", "SCM.0070",
		"APIGW.0101", "APIG.0101":
		return provider.KindInvalidArgument, true
	case "SCM.0011":
		return provider.KindQuotaExceeded, true
	case "SCM.1000", "APIGW.0301", "APIG.0301":
		return provider.KindUnauthorized, true
	case "SCM.0002", "SCM.0003", "SCM.4002", "SCM.1004", "SCM.1009", "SCM.1010":
		return provider.KindForbidden, true
	case "APIGW.0308", "APIG.0308":
		return provider.KindThrottled, true
	}
	return provider.KindOther, false
}

// statusKind maps an HTTP status when the code is unknown or absent.
// A 5xx may have applied a mutating operation, and cannot have harmed a
// read.
func statusKind(status int, mutating bool) provider.Kind {
	switch {
	case status < 400:
		// A success whose body could not be decoded.
		if mutating {
			return provider.KindOutcomeUnknown
		}
		return provider.KindUnavailable
	case status == http.StatusUnauthorized:
		return provider.KindUnauthorized
	case status == http.StatusForbidden:
		return provider.KindForbidden
	case status == http.StatusNotFound:
		return provider.KindNotFound
	case status == http.StatusTooManyRequests:
		return provider.KindThrottled
	case status >= 500:
		if mutating {
			return provider.KindOutcomeUnknown
		}
		return provider.KindUnavailable
	}
	return provider.KindOther
}

// maxMessageLen bounds Error.Message: without a JSON error the SDK puts the
// whole response body there.
const maxMessageLen = 256

// cleanMessage makes a cloud message fit on one line.
func cleanMessage(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.TrimSpace(s))
	if len(s) > maxMessageLen {
		cut := maxMessageLen
		for cut > 0 && !utfStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

func utfStart(b byte) bool { return b&0xC0 != 0x80 }

// classifyResponse turns an SDK service error (an HTTP status of 400 or
// more, or a success whose body did not decode) into a provider error.
// The SDK error stays reachable through errors.As.
func classifyResponse(op provider.Op, mutating bool, sre *sdkerr.ServiceResponseError) *provider.Error {
	e := &provider.Error{
		Op:         op,
		Code:       strings.TrimSpace(sre.ErrorCode),
		RequestID:  sre.RequestId,
		HTTPStatus: sre.StatusCode,
		Err:        sre,
	}
	if sre.StatusCode < 400 {
		e.Kind = statusKind(sre.StatusCode, mutating)
		e.Message = "the response body could not be decoded: " + cleanMessage(sre.ErrorMessage)
		return e
	}
	e.Message = cleanMessage(sre.ErrorMessage)
	if k, ok := codeKind(e.Code); ok {
		e.Kind = k
	} else {
		e.Kind = statusKind(sre.StatusCode, mutating)
	}
	return e
}

// timeoutError reports that Config.Timeout ended a request. It is
// deliberately not context.DeadlineExceeded: the caller's context did not
// end, so the failure stays retryable where its kind allows.
type timeoutError struct {
	after time.Duration
	cause string
}

func (e *timeoutError) Error() string {
	return fmt.Sprintf("request timed out after %s: %s", e.after, e.cause)
}

// Timeout reports true, like net.Error timeouts.
func (e *timeoutError) Timeout() bool { return true }

// classifyTransport classifies an error that carries no HTTP response:
// a transport failure, a cancelled context, a timeout, or a failure of the
// SDK before it handed the request over.
func classifyTransport(op provider.Op, mutating bool, err error, c *call, callerCtx, callCtx context.Context, timeout time.Duration) *provider.Error {
	e := &provider.Error{Op: op, Err: err, Message: err.Error()}
	maybeSent := c.gotConn.Load()
	ambiguous := func() provider.Kind {
		if maybeSent && mutating {
			return provider.KindOutcomeUnknown
		}
		return provider.KindUnavailable
	}
	switch {
	case callerCtx.Err() != nil:
		ctxErr := callerCtx.Err()
		if !errors.Is(err, ctxErr) {
			e.Err = fmt.Errorf("%w: %w", ctxErr, err)
		}
		switch {
		case !maybeSent:
			e.Kind = provider.KindCanceled
			e.Message = "the context ended before the request was sent: " + ctxErr.Error()
			return e
		case !mutating && op.Mutating():
			// A read that prepares a change (Renew's checks): the change
			// itself was never attempted.
			e.Kind = provider.KindCanceled
			e.Message = "the context ended before the operation was attempted: " + ctxErr.Error()
			return e
		}
		e.Kind = ambiguous()
		e.Message = "the context ended while the request was in flight: " + ctxErr.Error()
	case callCtx.Err() != nil:
		e.Err = &timeoutError{after: timeout, cause: err.Error()}
		e.Message = e.Err.Error()
		e.Kind = ambiguous()
	case !c.started.Load():
		// The SDK failed while building or signing: nothing was sent, and
		// trying again will not help.
		e.Kind = provider.KindOther
	case !maybeSent:
		e.Kind = provider.KindUnavailable
	default:
		e.Kind = ambiguous()
	}
	return e
}
