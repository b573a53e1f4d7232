package huaweitest

import (
	"encoding/json"
	"net/http"
)

// Error codes the emulator answers with. Failures have the body
// {"error_code": …, "error_msg": …} and these statuses:
//
//	401 APIGW.0301  missing or malformed Authorization, unsupported algorithm,
//	                unknown AK, bad signature, x-sdk-date (or a sent
//	                X-Project-Id) not among SignedHeaders, X-Sdk-Date missing;
//	                and, with the message "AK access failed to reach the
//	                limit,forbidden", any request of an AK locked after more
//	                than 5 consecutive authentication failures, for 5 minutes
//	                of the emulator's clock (API signing guide FAQ; APIG FAQ
//	                "Common Errors Related to IAM Authentication
//	                Information"; the 401 of the locked answer [unverified])
//	401 APIGW.0303  X-Sdk-Date more than 15 minutes from the emulator's clock
//	                (API signing guide, error codes)
//	403 SCM.0002    X-Project-Id missing or different from the path's project
//	400 SCM.0069    the path's project is not one of the emulator's projects
//	404 APIGW.0101  no such API (path or method)
//	413 APIGW.0201  request body over 1 MiB
//	429 APIGW.0308  throttled: a QPS limit (SetQPS) or a FaultThrottle
//	400 SCM.0020    malformed cert_id (not "scs" followed by 13 digits)
//	400 SCM.0008    no such certificate in this project [unverified: SCM has no
//	                documented not-found code; this is the likeliest]
//	400 SCM.0010    the certificate's status does not allow the operation
//	400 SCM.0005    invalid request parameter or body
//	500 SCM.4001    FaultServerError
//	503 APIGW.0613  FaultUnavailable (gateway error codes, fidelity H15)
const (
	codeAuthFailed       = "APIGW.0301" // 401: AK/SK authentication failed (also a locked AK)
	codeClockSkew        = "APIGW.0303" // 401: X-Sdk-Date too far from the gateway's clock
	codeNoAPI            = "APIGW.0101" // 404: no such API
	codeBadRequest       = "APIGW.0201" // 413: request entity too large
	codeThrottled        = "APIGW.0308" // 429: throttling threshold reached
	codeUnavailable      = "APIGW.0613" // 503: FaultUnavailable
	codeServerError      = "SCM.4001"   // 500: FaultServerError
	codeProjectMismatch  = "SCM.0002"   // 403: project does not match the credentials
	codeInvalidParameter = "SCM.0005"   // 400: invalid request parameter
	codeCertNotFound     = "SCM.0008"   // 400: certificate ID abnormal (no such certificate)
	codeInvalidStatus    = "SCM.0010"   // 400: status does not allow the operation
	codeCertIDWrong      = "SCM.0020"   // 400: malformed certificate ID
	codeNoProject        = "SCM.0069"   // 400: project does not exist
)

// apiError is an error response: HTTP status plus the SCM error body.
type apiError struct {
	status int
	code   string
	msg    string
}

func (e *apiError) body() []byte {
	b, _ := json.Marshal(struct {
		Code string `json:"error_code"`
		Msg  string `json:"error_msg"`
	}{e.code, e.msg})
	return b
}

func errAuth(why string) *apiError {
	return &apiError{http.StatusUnauthorized, codeAuthFailed, "Incorrect IAM authentication information: " + why}
}

func errClockSkew() *apiError {
	return &apiError{http.StatusUnauthorized, codeClockSkew, "Incorrect IAM authentication information: the request has expired (X-Sdk-Date is more than 15 minutes from the server time)"}
}

func errLocked() *apiError {
	return &apiError{http.StatusUnauthorized, codeAuthFailed, "Incorrect IAM authentication information: AK access failed to reach the limit,forbidden"}
}

func errNoAPI() *apiError {
	return &apiError{http.StatusNotFound, codeNoAPI, "The API does not exist or has not been published in the environment"}
}

func errTooLarge() *apiError {
	return &apiError{http.StatusRequestEntityTooLarge, codeBadRequest, "Request entity too large"}
}

func errThrottled() *apiError {
	return &apiError{http.StatusTooManyRequests, codeThrottled, "The throttling threshold has been reached"}
}

func errServer() *apiError {
	return &apiError{http.StatusInternalServerError, codeServerError, "Internal server error"}
}

func errUnavailable() *apiError {
	return &apiError{http.StatusServiceUnavailable, codeUnavailable, "Backend unavailable"}
}

func errProjectMismatch() *apiError {
	return &apiError{http.StatusForbidden, codeProjectMismatch, "The project ID does not match the credentials"}
}

func errNoProject() *apiError {
	return &apiError{http.StatusBadRequest, codeNoProject, "No projects found"}
}

func errParam(msg string) *apiError {
	return &apiError{http.StatusBadRequest, codeInvalidParameter, "Request parameter error: " + msg}
}

func errNoCert() *apiError {
	return &apiError{http.StatusBadRequest, codeCertNotFound, "The certificate ID is abnormal"}
}

// errNoCertV3 is SCM v3's answer for a missing or deleted certificate:
// HTTP 404 with SCM's error body (CCM API status codes page: 404 "the
// requested resource does not exist"; fidelity H7). The code is
// [unverified].
func errNoCertV3() *apiError {
	return &apiError{http.StatusNotFound, codeCertNotFound, "The certificate does not exist"}
}

func errStatus() *apiError {
	return &apiError{http.StatusBadRequest, codeInvalidStatus, "The certificate's type or status does not allow this operation"}
}

func errCertID() *apiError {
	return &apiError{http.StatusBadRequest, codeCertIDWrong, "The certificate ID is incorrect"}
}
