package alibaba

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/responses"
	"github.com/certbroker/certbroker/internal/classify"
	"github.com/certbroker/certbroker/provider"
)

// invoke runs one SDK request on a pooled client under ctx and returns
// nil or a classified *provider.Error. req and resp are fresh per call:
// the SDK mutates and pins request objects. mutating says whether this
// request itself can change an order: the state reads a mutating
// operation makes first (Revoke's DescribeCertificateState) cannot, so
// their failures are never KindOutcomeUnknown.
func (a *Adapter) invoke(ctx context.Context, op provider.Op, id string, mutating bool,
	req requests.AcsRequest, resp responses.AcsResponse) error {
	start := time.Now()
	action := req.GetActionName()
	if err := provider.Pace(ctx, action); err != nil {
		return a.logged(ctx, op, id, action, start, "", canceled(a.origin, op, id, err))
	}
	s, err := a.pool.get(ctx)
	if err != nil {
		return a.logged(ctx, op, id, action, start, "", canceled(a.origin, op, id, err))
	}
	req.SetScheme(a.ep.Scheme)
	c := s.begin(ctx)
	panicked, err := doAction(s, req, resp)
	s.end(c)
	a.pool.put(s)

	var perr *provider.Error
	var se *sdkerrors.ServerError
	switch {
	case panicked != nil && resp.GetHttpStatus() >= 300:
		// The SDK's error parser panics on non-string JSON values;
		// decode the response it had already read ourselves.
		perr = a.serverError(op, id, mutating, resp.GetHttpStatus(), resp.GetHttpContentBytes(), resp.GetHttpHeaders(), nil)
	case panicked != nil:
		perr = &provider.Error{Op: op, Origin: a.origin, ID: id, HTTPStatus: resp.GetHttpStatus(),
			Message: truncate(a.red.clean(fmt.Sprintf("the SDK panicked: %v", panicked)), maxMessageLen),
			Kind:    provider.KindOther}
		if c.sent.Load() {
			perr.Kind = classify.Transport(classify.Exchange{Mutating: mutating, Started: true, MaybeSent: true})
		}
	case err == nil:
	case errors.As(err, &se):
		perr = a.serverError(op, id, mutating, se.HttpStatus(), resp.GetHttpContentBytes(), se.RespHeaders, se)
	default:
		perr = a.transportError(op, id, mutating, err, c)
	}
	if perr != nil {
		return a.logged(ctx, op, id, action, start, perr.RequestID, perr)
	}
	return nil
}

// doAction calls the SDK, turning a panic into a value.
func doAction(s *slot, req requests.AcsRequest, resp responses.AcsResponse) (panicked any, err error) {
	defer func() {
		if r := recover(); r != nil {
			panicked = r
		}
	}()
	return nil, s.client.DoAction(req, resp)
}

func canceled(origin string, op provider.Op, id string, err error) *provider.Error {
	return &provider.Error{Kind: provider.KindCanceled, Op: op, Origin: origin, ID: id,
		Message: "context ended before the request was sent: " + err.Error(), Err: err}
}

// logged records the outcome of a failed call and returns err.
func (a *Adapter) logged(ctx context.Context, op provider.Op, id, action string, start time.Time,
	requestID string, err *provider.Error) error {
	a.log.LogAttrs(ctx, slog.LevelDebug, "alibaba call failed",
		slog.String("op", string(op)), slog.String("id", id), slog.String("action", action),
		slog.String("kind", err.Kind.String()), slog.String("code", err.Code),
		slog.Int("http_status", err.HTTPStatus), slog.String("request_id", requestID),
		slog.Duration("duration", time.Since(start)))
	return err
}

// done records a successful call.
func (a *Adapter) done(ctx context.Context, r *provider.Result, action string, start time.Time) {
	a.log.LogAttrs(ctx, slog.LevelDebug, "alibaba call",
		slog.String("op", string(r.Op)), slog.String("id", r.ID), slog.String("action", action),
		slog.String("state", r.State.String()), slog.String("request_id", r.RequestID),
		slog.Duration("duration", time.Since(start)))
}
