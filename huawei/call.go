package huawei

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/certbroker/certbroker/internal/adapterkit"
	"github.com/certbroker/certbroker/internal/classify"
	"github.com/certbroker/certbroker/provider"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/def"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/exchange"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
)

// request is one HTTP exchange made on behalf of an operation.
type request struct {
	op  provider.Op
	id  string
	api string
	// mutating is true when the request itself may change something at
	// the cloud (so a lost answer means the outcome is unknown). The reads
	// inside Renew are not mutating even though Renew is.
	mutating bool
	body     any
	def      *def.HttpRequestDef
}

// do sends r through the SDK with ctx attached, and returns the decoded
// response (r.def's Response) and the cloud's request ID, or a
// *provider.Error.
func (a *Adapter) do(ctx context.Context, r request) (any, string, error) {
	logReq := adapterkit.Request{Op: r.op, ID: r.id, API: r.api}
	start := time.Now()
	if e := a.kit.Pace(ctx, r.op, r.id, r.api); e != nil {
		return nil, "", a.kit.Logged(ctx, logReq, start, 0, "", e)
	}
	// callCtx bounds the request by Config.Timeout, unless ctx already
	// ends no later.
	callCtx := ctx
	if d, ok := ctx.Deadline(); !ok || time.Until(d) > a.timeout {
		var cancel context.CancelFunc
		callCtx, cancel = context.WithTimeout(ctx, a.timeout)
		defer cancel()
	}
	c := newCall(callCtx)
	a.transport.register(c)
	defer a.transport.forget(c)

	exg := &exchange.SdkExchange{ApiReference: &exchange.ApiReference{}, Attributes: map[string]any{}}
	out, err := a.hc.SyncInvokeWithExtraHeaders(r.body, r.def, exg, map[string]string{callHeader: c.tok})
	if status := exg.ApiReference.StatusCode; err == nil && (status < 200 || status > 299) {
		// The SDK fails only statuses of 400 and more; with redirects
		// refused, a 3xx (or anything else outside 2xx) comes back as a
		// "success" with an empty body. It is not one: the request
		// reached something that did not answer as SCM does.
		pe := &provider.Error{Kind: classify.HTTP(status, r.mutating), Op: r.op, HTTPStatus: status,
			RequestID: exg.ApiReference.RequestId,
			Message:   fmt.Sprintf("HTTP %d is not an SCM answer (redirects are refused)", status)}
		a.kit.Stamp(pe, r.op, r.id)
		return nil, pe.RequestID, a.kit.Logged(ctx, logReq, start, status, pe.RequestID, pe)
	}
	if d, ok := out.(interface{ drain() error }); ok && err == nil {
		// Read a body the SDK handed over undecoded while the call's
		// context is still alive.
		if derr := d.drain(); derr != nil {
			pe := &provider.Error{Kind: classify.HTTP(exg.ApiReference.StatusCode, r.mutating), Op: r.op,
				HTTPStatus: exg.ApiReference.StatusCode, RequestID: exg.ApiReference.RequestId,
				Message: "the response body could not be read: " + adapterkit.CleanMessage(derr.Error()), Err: derr}
			a.kit.Stamp(pe, r.op, r.id)
			return nil, pe.RequestID, a.kit.Logged(ctx, logReq, start, pe.HTTPStatus, pe.RequestID, pe)
		}
	}
	if err == nil {
		a.kit.Logged(ctx, logReq, start, exg.ApiReference.StatusCode, exg.ApiReference.RequestId, nil)
		return out, exg.ApiReference.RequestId, nil
	}

	var pe *provider.Error
	var sre *sdkerr.ServiceResponseError
	if errors.As(err, &sre) {
		pe = classifyResponse(r.op, r.mutating, a.secrets.scrubbed(sre))
	} else {
		pe = a.classifyTransport(r.op, r.id, r.mutating, err, c, ctx, callCtx)
	}
	a.kit.Stamp(pe, r.op, r.id)
	return nil, pe.RequestID, a.kit.Logged(ctx, logReq, start, pe.HTTPStatus, pe.RequestID, pe)
}
