package huawei

import (
	"context"
	"errors"
	"log/slog"
	"time"

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
	if err := provider.Pace(ctx, r.api); err != nil {
		return nil, "", a.stamp(&provider.Error{
			Kind: provider.KindCanceled, Op: r.op, Err: err,
			Message: "the context ended before the request was sent: " + err.Error(),
		}, r.id)
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
	start := time.Now()
	out, err := a.hc.SyncInvokeWithExtraHeaders(r.body, r.def, exg, map[string]string{callHeader: c.tok})
	if err == nil {
		a.log.LogAttrs(ctx, slog.LevelDebug, "huawei scm request",
			slog.String("origin", a.origin), slog.String("op", string(r.op)), slog.String("api", r.api),
			slog.String("id", r.id), slog.Int("status", exg.ApiReference.StatusCode),
			slog.String("request_id", exg.ApiReference.RequestId), slog.Duration("duration", time.Since(start)))
		return out, exg.ApiReference.RequestId, nil
	}

	var pe *provider.Error
	var sre *sdkerr.ServiceResponseError
	if errors.As(err, &sre) {
		pe = classifyResponse(r.op, r.mutating, sre)
	} else {
		pe = classifyTransport(r.op, r.mutating, err, c, ctx, callCtx, a.timeout)
	}
	a.log.LogAttrs(ctx, slog.LevelDebug, "huawei scm request failed",
		slog.String("origin", a.origin), slog.String("op", string(r.op)), slog.String("api", r.api),
		slog.String("id", r.id), slog.Int("status", pe.HTTPStatus), slog.String("code", pe.Code),
		slog.String("kind", pe.Kind.String()), slog.String("request_id", pe.RequestID),
		slog.Duration("duration", time.Since(start)))
	return nil, pe.RequestID, a.stamp(pe, r.id)
}

// stamp fills the origin and ID of e.
func (a *Adapter) stamp(e *provider.Error, id string) *provider.Error {
	e.Origin = a.origin
	e.ID = id
	return e
}
