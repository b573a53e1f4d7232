package alibabatest

import (
	"fmt"
	"net/http"
)

// hostID is the HostId every error response carries.
const hostID = "cas.aliyuncs.com"

// The error codes the emulator answers with (see authenticate for the order
// of the protocol checks). Where the documentation disagrees, the choices
// are marked [unverified]:
//   - Unknown actions get the POP gateway's current answer, HTTP 404
//     InvalidAction.NotFound "Specified api is not found, please check your
//     url and method." Older product pages list 400 InvalidParameter
//     ("Action or Version"); reports from real calls show the 404 form.
//   - An unknown AccessKeyId is HTTP 404, as in the POP gateway's common
//     error table; some product pages say 400.
//   - Missing or malformed business parameters (OrderId, Csr, Tags.N.*,
//     paging) answer 400 MissingParameter / InvalidParameter with the
//     parameter named in the message. Newer gateways may spell these
//     Missing<Name> / Invalid<Name>; match on the prefixes.
//   - Throttling is HTTP 400 Throttling.User ("Request was denied due to
//     user flow control."), as the common error table documents; some
//     products answer 503.
const (
	codeMissingParameter       = "MissingParameter"
	codeInvalidParameter       = "InvalidParameter"
	codeInvalidFormat          = "InvalidParameter.Format"
	codeInvalidVersion         = "InvalidVersion"
	codeInvalidAction          = "InvalidAction.NotFound"
	codeUnsupportedHTTPMethod  = "UnsupportedHTTPMethod"
	codeInvalidSignatureMethod = "InvalidSignatureMethod"
	codeTimestampFormat        = "InvalidTimeStamp.Format"
	codeTimestampExpired       = "InvalidTimeStamp.Expired"
	codeNonceUsed              = "SignatureNonceUsed"
	codeAccessKeyNotFound      = "InvalidAccessKeyId.NotFound"
	codeSignatureDoesNotMatch  = "SignatureDoesNotMatch"
	codeNotFoundOrder          = "NotFoundOrder"
	codeOrderStateError        = "OrderStateError"
	codeThrottling             = "Throttling.User"
	codeInternalError          = "InternalError"
	codeServiceUnavailable     = "ServiceUnavailable"
)

// recommend is the Recommend field of every error: where the cloud points
// users for help. It names no real diagnosis page.
const recommend = "https://api.aliyun.com/troubleshoot?q="

// apiError is an error answer: HTTP status, code and message.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func newError(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

func errMissing(name string) *apiError {
	return newError(http.StatusBadRequest, codeMissingParameter,
		"The input parameter %q that is mandatory for processing this request is not supplied.", name)
}

func errInvalid(name, why string) *apiError {
	return newError(http.StatusBadRequest, codeInvalidParameter,
		"The specified parameter %q is not valid: %s.", name, why)
}

func errNotFoundOrder(id int64) *apiError {
	return newError(http.StatusNotFound, codeNotFoundOrder,
		"The certificate order %d does not exist.", id)
}

func errOrderState(id int64, action string, o Order) *apiError {
	return newError(http.StatusForbidden, codeOrderStateError,
		"The status of certificate order %d (%s/%s) does not allow %s.", id, o.Type, o.Status, action)
}

func errThrottled() *apiError {
	return newError(http.StatusBadRequest, codeThrottling, "Request was denied due to user flow control.")
}

func errInternal() *apiError {
	return newError(http.StatusInternalServerError, codeInternalError,
		"The request processing has failed due to some unknown error, exception or failure.")
}

func errUnavailable() *apiError {
	return newError(http.StatusServiceUnavailable, codeServiceUnavailable,
		"The request has failed due to a temporary failure of the server.")
}
