package alibaba

import (
	"context"
	"errors"
	"fmt"
	"time"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/responses"
	"github.com/certbroker/certbroker/internal/adapterkit"
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
	logReq := adapterkit.Request{Op: op, ID: id, API: action}
	if e := a.kit.Pace(ctx, op, id, action); e != nil {
		return a.kit.Logged(ctx, logReq, start, 0, "", e)
	}
	s, err := a.pool.get(ctx)
	if err != nil {
		return a.kit.Logged(ctx, logReq, start, 0, "", a.kit.Canceled(op, id, err))
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
		perr = a.kit.Stamp(&provider.Error{HTTPStatus: resp.GetHttpStatus(),
			Message: adapterkit.CleanMessage(a.red.clean(fmt.Sprintf("the SDK panicked: %v", panicked))),
			Kind:    provider.KindOther}, op, id)
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
		return a.kit.Logged(ctx, logReq, start, perr.HTTPStatus, perr.RequestID, perr)
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

// done writes the debug record of a successful operation.
func (a *Adapter) done(ctx context.Context, r *provider.Result, action string, start time.Time) {
	a.kit.Logged(ctx, adapterkit.Request{Op: r.Op, ID: r.ID, API: action}, start, 200, r.RequestID, nil)
}
