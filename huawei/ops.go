package huawei

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/certbroker/certbroker/internal/adapterkit"
	"github.com/certbroker/certbroker/provider"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
)

// Cancel withdraws the application of a certificate under review:
// POST /v2/{project_id}/scm/cert/{cert_id}/cancel-cert. SCM processes it
// asynchronously, so the result is StateCancelling (CANCELCHECKING, or
// CANCELSUPPLEMENTING from SUPPLEMENTCHECKING); the certificate settles to
// PAID (ISSUED from SUPPLEMENTCHECKING), which Status reports as
// StatePendingApplication. Other states fail with KindInvalidState
// (SCM.0010).
func (a *Adapter) Cancel(ctx context.Context, req provider.CancelRequest) (*provider.Result, error) {
	if e := a.precheck(req); e != nil {
		return nil, e
	}
	_, rid, err := a.do(ctx, request{
		op: provider.OpCancel, id: req.ID, api: apiCancel, mutating: true,
		body: &certReq{CertID: req.ID}, def: cancelDef(),
	})
	if err != nil {
		return nil, err
	}
	// CANCELCHECKING or CANCELSUPPLEMENTING, depending on where it came
	// from: the answer does not say, so NativeState stays empty.
	return a.result(provider.OpCancel, req.ID, provider.StateCancelling, "", rid), nil
}

// Revoke revokes an issued certificate:
// POST /v2/{project_id}/scm/cert/{cert_id}/revoke with {"reason": ...}.
// The reason field is always sent (it is required, and may be empty); a
// reason over 63 characters or with control characters is refused before
// any request. SCM processes revocations asynchronously (OV/EV need the
// contact's e-mail confirmation), so the result is StateRevoking; the
// certificate settles to REVOKED.
func (a *Adapter) Revoke(ctx context.Context, req provider.RevokeRequest) (*provider.Result, error) {
	if e := a.precheck(req); e != nil {
		return nil, e
	}
	_, rid, err := a.do(ctx, request{
		op: provider.OpRevoke, id: req.ID, api: apiRevoke, mutating: true,
		body: &revokeReq{CertID: req.ID, Body: &revokeBody{Reason: req.Reason}}, def: revokeDef(),
	})
	if err != nil {
		return nil, err
	}
	return a.result(provider.OpRevoke, req.ID, provider.StateRevoking, nativeRevoking, rid), nil
}

// Delete removes a certificate: DELETE /v3/scm/certificates/{certificate_id}
// (v3, answered 204; the v2 delete is marked "to be deprecated", and v3
// answers a missing certificate with the documented 404). SCM allows it
// for ISSUED, REVOKED, EXPIRED and UPLOAD certificates; it does not revoke
// an issued one.
func (a *Adapter) Delete(ctx context.Context, req provider.DeleteRequest) (*provider.Result, error) {
	if e := a.precheck(req); e != nil {
		return nil, e
	}
	_, rid, err := a.do(ctx, request{
		op: provider.OpDelete, id: req.ID, api: apiDelete, mutating: true,
		body: &v3CertReq{CertificateID: req.ID}, def: deleteDef(),
	})
	if err != nil {
		return nil, err
	}
	r := a.result(provider.OpDelete, req.ID, provider.StateUnknown, "", rid)
	return r, nil
}

// Status reads the v3 details, GET /v3/scm/certificates/{certificate_id}:
// one request, which carries both the status and not_after. It maps the
// status (see the package documentation) and fills Result.NotAfter from
// not_after, reporting an ISSUED certificate within 30 days of it as
// StateExpiring. A not_after that cannot be parsed leaves NotAfter zero
// (and ISSUED reads as issued); it never fails the call.
func (a *Adapter) Status(ctx context.Context, req provider.StatusRequest) (*provider.Result, error) {
	if e := a.precheck(req); e != nil {
		return nil, e
	}
	d, rid, err := a.show(ctx, provider.OpStatus, req.ID)
	if err != nil {
		return nil, err
	}
	native := normalizeNative(string(d.Status))
	notAfter := d.NotAfter.Time
	r := a.result(provider.OpStatus, req.ID, stateOf(native, notAfter, a.now()), native, rid)
	r.NotAfter = notAfter
	return r, nil
}

// show reads the v3 certificate details (never mutating).
func (a *Adapter) show(ctx context.Context, op provider.Op, id string) (*showResp, string, error) {
	out, rid, err := a.do(ctx, request{
		op: op, id: id, api: apiShow, body: &v3CertReq{CertificateID: id}, def: showDef(),
	})
	if err != nil {
		return nil, rid, err
	}
	raw, ok := out.(*rawBody)
	if !ok || raw == nil {
		return nil, rid, a.kit.Stamp(&provider.Error{Kind: provider.KindUnavailable, RequestID: rid,
			Message: fmt.Sprintf("unexpected details response type %T", out)}, op, id)
	}
	var d showResp
	if err := json.Unmarshal(raw.data, &d); err != nil {
		// As the SDK reports a body it cannot decode, so that errors.As
		// reaches the same type.
		msg := "the response body could not be decoded: " + adapterkit.CleanMessage(err.Error())
		return nil, rid, a.kit.Stamp(&provider.Error{Kind: provider.KindUnavailable, RequestID: rid,
			HTTPStatus: raw.HttpStatusCode, Message: msg,
			Err: &sdkerr.ServiceResponseError{StatusCode: raw.HttpStatusCode, RequestId: rid, ErrorMessage: msg}}, op, id)
	}
	return &d, rid, nil
}

// result builds a successful result.
func (a *Adapter) result(op provider.Op, id string, s provider.State, native, rid string) *provider.Result {
	r := a.kit.Result(op, id, rid)
	r.State, r.NativeState = s, native
	return r
}
