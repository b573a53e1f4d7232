package alibabatest

import (
	"fmt"
	"net/http"
)

// HostID is the HostId every error response carries.
const HostID = "cas.aliyuncs.com"

// The error codes the emulator answers with.
const (
	CodeMissingParameter       = "MissingParameter"
	CodeInvalidParameter       = "InvalidParameter"
	CodeInvalidFormat          = "InvalidParameter.Format"
	CodeInvalidVersion         = "InvalidVersion"
	CodeInvalidAction          = "InvalidAction.NotFound"
	CodeUnsupportedHTTPMethod  = "UnsupportedHTTPMethod"
	CodeInvalidSignatureMethod = "InvalidSignatureMethod"
	CodeTimestampFormat        = "InvalidTimeStamp.Format"
	CodeTimestampExpired       = "InvalidTimeStamp.Expired"
	CodeNonceUsed              = "SignatureNonceUsed"
	CodeAccessKeyNotFound      = "InvalidAccessKeyId.NotFound"
	CodeSignatureDoesNotMatch  = "SignatureDoesNotMatch"
	CodeNotFoundOrder          = "NotFoundOrder"
	CodeOrderStateError        = "OrderStateError"
	CodeThrottling             = "Throttling.User"
	CodeInternalError          = "InternalError"
	CodeServiceUnavailable     = "ServiceUnavailable"
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
	return newError(http.StatusBadRequest, CodeMissingParameter,
		"The input parameter %q that is mandatory for processing this request is not supplied.", name)
}

func errInvalid(name, why string) *apiError {
	return newError(http.StatusBadRequest, CodeInvalidParameter,
		"The specified parameter %q is not valid: %s.", name, why)
}

func errNotFoundOrder(id int64) *apiError {
	return newError(http.StatusNotFound, CodeNotFoundOrder,
		"The certificate order %d does not exist.", id)
}

func errOrderState(id int64, action string, o Order) *apiError {
	return newError(http.StatusForbidden, CodeOrderStateError,
		"The status of certificate order %d (%s/%s) does not allow %s.", id, o.Type, o.Status, action)
}

func errThrottled() *apiError {
	return newError(http.StatusBadRequest, CodeThrottling, "Request was denied due to user flow control.")
}

func errInternal() *apiError {
	return newError(http.StatusInternalServerError, CodeInternalError,
		"The request processing has failed due to some unknown error, exception or failure.")
}

func errUnavailable() *apiError {
	return newError(http.StatusServiceUnavailable, CodeServiceUnavailable,
		"The request has failed due to a temporary failure of the server.")
}
