package alibaba

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/certbroker/certbroker/internal/adapterkit"
	"github.com/certbroker/certbroker/internal/classify"
	"github.com/certbroker/certbroker/provider"
)

// codeKinds maps Alibaba error codes to kinds. Codes are matched exactly
// first, then by the prefixes in codePrefixKinds; the HTTP status is
// consulted only for codes in neither table (adapterkit.ResponseKind).
var codeKinds = map[string]provider.Kind{
	"NotFoundOrder":                  provider.KindNotFound,
	"OrderStateError":                provider.KindInvalidState,
	"DeleteFail":                     provider.KindInvalidState,
	"CreateCertificateRequestFailed": provider.KindInvalidState,
	"NotFoundPackage":                provider.KindQuotaExceeded,
	"NotRemainCount":                 provider.KindQuotaExceeded,
	"SignatureDoesNotMatch":          provider.KindUnauthorized,
	"IncompleteSignature":            provider.KindUnauthorized,
	"SignatureNonceUsed":             provider.KindUnauthorized,
	// Instance model [unverified]: the instance actions' pages list no
	// codes. These are the emulator's choices; should the cloud answer
	// other codes, they read as other (a 404 never as not_found), which
	// proves nothing: the safe side of the outcome rule.
	"NotFoundInstance":   provider.KindNotFound,
	"InstanceStateError": provider.KindInvalidState,
	// No such API at this endpoint: a wrong endpoint or region.
	"InvalidAction.NotFound": provider.KindUnsupported,
}

var codePrefixKinds = []struct {
	prefix string
	kind   provider.Kind
}{
	{"Throttling", provider.KindThrottled},
	{"InvalidAccessKeyId", provider.KindUnauthorized},
	{"InvalidTimeStamp", provider.KindUnauthorized},
	{"InvalidSecurityToken", provider.KindUnauthorized},
	{"Forbidden", provider.KindForbidden},
	{"NoPermission", provider.KindForbidden},
	{"MissingParameter", provider.KindInvalidArgument},
	{"InvalidParameter", provider.KindInvalidArgument},
}

// codeKind returns the kind of a code Alibaba documents; ok is false for
// any other, which adapterkit.ResponseKind leaves to internal/classify.
func codeKind(code string) (provider.Kind, bool) {
	if k, ok := codeKinds[code]; ok {
		return k, true
	}
	for _, p := range codePrefixKinds {
		if strings.HasPrefix(code, p.prefix) {
			return p.kind, true
		}
	}
	return provider.KindOther, false
}

// errorBody is the decoded body of an Alibaba error response.
type errorBody struct {
	Code, Message, RequestID, HostID, Recommend string
	// JSON is false when the body was not a JSON object.
	JSON bool
}

// decodeErrorBody reads an error body the way the SDK does (top-level
// RequestId, HostId, Code, Message, Recommend), but tolerates any JSON
// type where the SDK panics on a non-string. A body that is not a JSON
// object becomes the message, as the SDK does.
func decodeErrorBody(body []byte) errorBody {
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil || m == nil {
		return errorBody{Message: string(body)}
	}
	str := func(k string) string {
		switch v := m[k].(type) {
		case string:
			return v
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64)
		case bool:
			return strconv.FormatBool(v)
		}
		return ""
	}
	b := errorBody{Code: str("Code"), Message: str("Message"), RequestID: str("RequestId"),
		HostID: str("HostId"), Recommend: str("Recommend"), JSON: true}
	if m["Message"] == nil { // absent or null: the SDK keeps the whole body
		b.Message = string(body)
	}
	return b
}

// serverError builds the *provider.Error for an HTTP error response.
// sdkErr is the SDK's *errors.ServerError when it produced one (nil when
// its parser panicked); it is kept as the cause unless its text would
// leak a secret, in which case an equivalent cleaned one is built.
func (a *Adapter) serverError(op provider.Op, id string, mutating bool, status int, body []byte,
	headers map[string][]string, sdkErr *sdkerrors.ServerError) *provider.Error {
	b := decodeErrorBody(body)
	e := a.kit.Stamp(&provider.Error{
		Kind:       adapterkit.ResponseKind(codeKind, b.Code, status, mutating),
		Code:       adapterkit.Truncate(a.red.clean(b.Code), 128),
		Message:    adapterkit.CleanMessage(a.red.clean(b.Message)),
		RequestID:  adapterkit.Truncate(a.red.clean(b.RequestID), 128),
		HTTPStatus: status,
	}, op, id)
	if e.Message == "" {
		e.Message = fmt.Sprintf("HTTP %d", status)
	}
	if sdkErr == nil || a.red.leaks(sdkErr.Error()) {
		sdkErr = a.cleanServerError(status, b, headers)
	}
	e.Err = sdkErr
	return e
}

// cleanServerError builds an SDK ServerError from a cleaned body, so that
// callers can still reach the SDK type with errors.As.
func (a *Adapter) cleanServerError(status int, b errorBody, headers map[string][]string) *sdkerrors.ServerError {
	body, _ := json.Marshal(map[string]string{
		"Code": a.red.clean(b.Code), "Message": a.red.clean(b.Message),
		"RequestId": a.red.clean(b.RequestID), "HostId": a.red.clean(b.HostID),
		"Recommend": a.red.clean(b.Recommend),
	})
	se, _ := sdkerrors.NewServerError(status, string(body), "").(*sdkerrors.ServerError)
	if se != nil {
		se.RespHeaders = headers
	}
	return se
}

// transportError classifies a failure without an HTTP error response: a
// connection, TLS, timeout or reset error, a cancelled context, or a
// success response that could not be decoded. mutating is the request's
// own (see invoke).
func (a *Adapter) transportError(op provider.Op, id string, mutating bool, err error, c *call) *provider.Error {
	ctxErr := c.ctx.Err()
	x := classify.Exchange{
		Mutating:    mutating,
		Started:     c.requests.Load() > 0,
		MaybeSent:   c.sent.Load(),
		CallerEnded: ctxErr != nil,
	}
	cause := a.cleanCause(err)
	text := adapterkit.CleanMessage(a.red.clean(cause.Error()))
	var ce *sdkerrors.ClientError
	if ctxErr == nil && errors.As(err, &ce) && ce.ErrorCode() == sdkerrors.JsonUnmarshalErrorCode {
		// A 2xx whose body could not be read: classified as an HTTP
		// answer, since the request certainly reached the cloud.
		e := a.kit.Stamp(&provider.Error{Kind: classify.HTTP(http.StatusOK, mutating), Err: cause,
			Message: "the response could not be decoded"}, op, id)
		if mutating {
			e.Message = "the success response could not be decoded; the cloud applied the request but its result is unknown"
		}
		return e
	}
	return a.kit.Lost(op, id, x, ctxErr, cause, text)
}

// cleanCause returns err with the request URL redacted from any
// *url.Error at its top (the SDK returns transport errors unwrapped), and
// replaced by an opaque error if its text would still leak a secret.
func (a *Adapter) cleanCause(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) && ue == err {
		err = &url.Error{Op: ue.Op, URL: redactURL(ue.URL), Err: ue.Err}
	}
	if a.red.leaks(err.Error()) {
		return errors.New(a.red.clean(err.Error()))
	}
	return err
}
