package huawei

import (
	"context"
	"fmt"
	"strings"

	"github.com/certbroker/certbroker/internal/adapterkit"
	"github.com/certbroker/certbroker/internal/classify"
	"github.com/certbroker/certbroker/provider"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
)

// codeKind maps the native error codes the adapter knows to kinds. Codes
// come first (SCM's HTTP statuses are unreliable: SCM.0016
// has been seen as a 500); adapterkit.ResponseKind decides everything else.
func codeKind(code string) (provider.Kind, bool) {
	switch strings.ToUpper(strings.TrimSpace(code)) {
	case "SCM.0010":
		return provider.KindInvalidState, true
	case "SCM.0008": // certificate ID abnormal: SCM's answer for an unknown certificate
		return provider.KindNotFound, true
	// SCM.0020 (certificate ID wrong) and SCM.0003 (another tenant's
	// certificate) are deliberately not not_found, so that a retried
	// Delete is never taken as done on their strength.
	case "SCM.0005", "SCM.0020",
		"SCM.0009", "SCM.0012", "SCM.0013", "SCM.0014", "SCM.0015",
		"SCM.0031", "SCM.0032", "SCM.0069", "SCM.0070":
		return provider.KindInvalidArgument, true
	case "APIGW.0101", "APIG.0101":
		// No such API at this endpoint: a wrong endpoint or region.
		return provider.KindUnsupported, true
	case "SCM.0011":
		return provider.KindQuotaExceeded, true
	case "SCM.1000", "APIGW.0301", "APIG.0301", "APIGW.0303", "APIG.0303":
		return provider.KindUnauthorized, true
	case "SCM.0002", "SCM.0003", "SCM.4002", "SCM.1004", "SCM.1009", "SCM.1010":
		return provider.KindForbidden, true
	case "APIGW.0308", "APIG.0308":
		return provider.KindThrottled, true
	}
	return provider.KindOther, false
}

// secrets are the adapter's secret values, to keep out of the cloud's
// text. Its String keeps them out of %v of an Adapter value.
type secrets []string

func (secrets) String() string { return "secrets" }

// GoString keeps them out of %#v.
func (secrets) GoString() string { return "secrets" }

func newSecrets(cfg Config) secrets {
	var sc secrets
	for _, v := range []string{cfg.SK, cfg.SecurityToken} {
		if v != "" {
			sc = append(sc, v)
		}
	}
	return sc
}

// scrub removes every secret and every echoed request signature from s.
func (sc secrets) scrub(s string) string {
	for _, v := range sc {
		s = strings.ReplaceAll(s, v, adapterkit.Redacted)
	}
	return adapterkit.ScrubSignatures(s)
}

// scrubbed returns a copy of the SDK's error with the cloud's text
// scrubbed, so that neither the provider error nor the SDK error reached
// through errors.As can carry a secret the cloud echoed (an STS token, an
// Authorization header).
func (sc secrets) scrubbed(sre *sdkerr.ServiceResponseError) *sdkerr.ServiceResponseError {
	cp := *sre
	cp.ErrorMessage = sc.scrub(cp.ErrorMessage)
	cp.ErrorCode = sc.scrub(cp.ErrorCode)
	cp.RequestId = sc.scrub(cp.RequestId)
	cp.EncodedAuthorizationMessage = ""
	cp.Details = nil
	return &cp
}

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
		e.Kind = classify.HTTP(sre.StatusCode, mutating)
		e.Message = "the response body could not be decoded: " + adapterkit.CleanMessage(sre.ErrorMessage)
		return e
	}
	e.Message = adapterkit.CleanMessage(sre.ErrorMessage)
	if e.Message == "" {
		e.Message = fmt.Sprintf("HTTP %d without an error body", sre.StatusCode)
	}
	e.Kind = adapterkit.ResponseKind(codeKind, e.Code, sre.StatusCode, mutating)
	return e
}

// classifyTransport classifies an error that carries no HTTP response:
// a transport failure, a cancelled context, a timeout, or a failure of the
// SDK before it handed the request over (adapterkit.Kit.Lost). When
// Config.Timeout ended the request, the cause is an
// [adapterkit.TimeoutError], and a request the transport never had is
// unavailable (the SDK was not at fault).
func (a *Adapter) classifyTransport(op provider.Op, id string, mutating bool, err error, c *call, callerCtx, callCtx context.Context) *provider.Error {
	return a.lost(op, id, mutating, err, c, callerCtx, callCtx)
}

func (a *Adapter) lost(op provider.Op, id string, mutating bool, err error, c *call, callerCtx, callCtx context.Context) *provider.Error {
	x := classify.Exchange{
		Mutating:    mutating,
		Started:     c.started.Load(),
		MaybeSent:   c.gotConn.Load(),
		CallerEnded: callerCtx.Err() != nil,
	}
	if !x.CallerEnded && callCtx.Err() != nil {
		te := &adapterkit.TimeoutError{After: a.timeout, Cause: adapterkit.CleanMessage(err.Error())}
		e := a.kit.Lost(op, id, x, nil, te, te.Error())
		if !x.Started {
			e.Kind = provider.KindUnavailable
			e.Message = "request not sent: " + te.Error()
		}
		return e
	}
	return a.kit.Lost(op, id, x, callerCtx.Err(), err, adapterkit.CleanMessage(err.Error()))
}
