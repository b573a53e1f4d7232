package alibaba

import (
	"context"
	"fmt"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/cas"
	"github.com/certbroker/certbroker/internal/adapterkit"
	"github.com/certbroker/certbroker/provider"
)

// Cancel withdraws an application under review with CancelOrderRequest
// (native domain_verify or process). The order goes back to payed, which
// this adapter reports as [provider.StateCancelled] in the result (Status
// later reads it as pending application: see the package doc).
func (a *Adapter) Cancel(ctx context.Context, r provider.CancelRequest) (*provider.Result, error) {
	start := time.Now()
	n, err := a.validate(r)
	if err != nil {
		return nil, err
	}
	if isInstanceShaped(r.ID) {
		return a.instanceCancel(ctx, r.ID, start)
	}
	req := cas.CreateCancelOrderRequestRequest()
	req.OrderId = requests.NewInteger64(n)
	resp := cas.CreateCancelOrderRequestResponse()
	if err := a.invoke(ctx, provider.OpCancel, r.ID, true, req, resp); err != nil {
		return nil, err
	}
	res := a.kit.Result(provider.OpCancel, r.ID, resp.RequestId)
	res.State, res.NativeState = provider.StateCancelled, typePayed
	a.done(ctx, res, req.GetActionName(), start)
	return res, nil
}

// Revoke revokes an issued certificate with
// CancelCertificateForPackageRequest. That action also cancels a pending
// (payed) order and returns its quota, so Revoke first reads the order
// with DescribeCertificateState and sends the revocation only when the
// Type is certificate (issued, expiring or expired; the cloud refuses
// what it will not revoke). Any other Type is refused with
// [provider.KindInvalidState] and nothing more is sent. This holds under
// races: no transition leads from certificate back to payed (a renewal
// creates a new order), so an order read as certificate cannot be a
// pending one when the revocation arrives. The read costs one
// DescribeCertificateState request (paced like any other). Alibaba takes
// no reason: r.Reason is ignored. The quota is returned only when the
// certificate is revoked within 30 days of issuance.
func (a *Adapter) Revoke(ctx context.Context, r provider.RevokeRequest) (*provider.Result, error) {
	start := time.Now()
	n, err := a.validate(r)
	if err != nil {
		return nil, err
	}
	if isInstanceShaped(r.ID) {
		return a.instanceRevoke(ctx, r.ID, start)
	}
	if err := a.revocable(ctx, r.ID, n); err != nil {
		return nil, err
	}
	req := cas.CreateCancelCertificateForPackageRequestRequest()
	req.OrderId = requests.NewInteger64(n)
	resp := cas.CreateCancelCertificateForPackageRequestResponse()
	if err := a.invoke(ctx, provider.OpRevoke, r.ID, true, req, resp); err != nil {
		return nil, err
	}
	res := a.kit.Result(provider.OpRevoke, r.ID, resp.RequestId)
	res.State = provider.StateRevoked
	a.done(ctx, res, req.GetActionName(), start)
	return res, nil
}

// revocable reads order n's Type and returns nil only when it is
// certificate, the one Type for which CancelCertificateForPackageRequest
// revokes. The read is not mutating: its failures are never
// KindOutcomeUnknown.
func (a *Adapter) revocable(ctx context.Context, id string, n int64) error {
	req := cas.CreateDescribeCertificateStateRequest()
	req.OrderId = requests.NewInteger64(n)
	resp := cas.CreateDescribeCertificateStateResponse()
	if err := a.invoke(ctx, provider.OpRevoke, id, false, req, resp); err != nil {
		return err
	}
	switch resp.Type {
	case typeCertificate:
		return nil
	case "":
		return a.kit.Stamp(&provider.Error{Kind: provider.KindUnavailable,
			RequestID: resp.RequestId, HTTPStatus: resp.GetHttpStatus(),
			Message: "the state read before revoking carried no Type; nothing was revoked"}, provider.OpRevoke, id)
	}
	st, _, _ := a.mapType(resp.Type, "")
	return a.kit.Stamp(&provider.Error{Kind: provider.KindInvalidState,
		RequestID: resp.RequestId, HTTPStatus: resp.GetHttpStatus(),
		Message: fmt.Sprintf("the order is %s (Type %q), not issued; CancelCertificateForPackageRequest was not sent, "+
			"since on a pending order it cancels the order instead of revoking", st, adapterkit.Truncate(resp.Type, 40))},
		provider.OpRevoke, id)
}

// Delete removes an order with DeleteCertificateRequest. Alibaba accepts
// it for an order whose review failed (verify_fail) and for a payed order
// that was cancelled with CancelOrderRequest; it refuses a fresh payed
// order with OrderStateError.
func (a *Adapter) Delete(ctx context.Context, r provider.DeleteRequest) (*provider.Result, error) {
	start := time.Now()
	n, err := a.validate(r)
	if err != nil {
		return nil, err
	}
	if isInstanceShaped(r.ID) {
		return a.instanceDelete(ctx, r.ID, start)
	}
	req := cas.CreateDeleteCertificateRequestRequest()
	req.OrderId = requests.NewInteger64(n)
	resp := cas.CreateDeleteCertificateRequestResponse()
	if err := a.invoke(ctx, provider.OpDelete, r.ID, true, req, resp); err != nil {
		return nil, err
	}
	res := a.kit.Result(provider.OpDelete, r.ID, resp.RequestId)
	a.done(ctx, res, req.GetActionName(), start)
	return res, nil
}

// Status reads an order's state with DescribeCertificateState (see the
// package doc for the mapping). For an issued certificate NotAfter is read
// from the returned certificate; the private key the API also returns is
// discarded. When the Type is unknow or one the adapter does not know,
// Status falls back on the list of revoked orders (listStatus). Errors of
// every request are classified as Status errors.
func (a *Adapter) Status(ctx context.Context, r provider.StatusRequest) (*provider.Result, error) {
	start := time.Now()
	n, err := a.validate(r)
	if err != nil {
		return nil, err
	}
	if isInstanceShaped(r.ID) {
		return a.instanceStatus(ctx, r.ID, start)
	}
	req := cas.CreateDescribeCertificateStateRequest()
	req.OrderId = requests.NewInteger64(n)
	resp := cas.CreateDescribeCertificateStateResponse()
	if err := a.invoke(ctx, provider.OpStatus, r.ID, false, req, resp); err != nil {
		return nil, err
	}
	if resp.Type == "" {
		return nil, a.kit.Stamp(&provider.Error{Kind: provider.KindUnavailable,
			RequestID: resp.RequestId, HTTPStatus: resp.GetHttpStatus(),
			Message: "the response carried no Type"}, provider.OpStatus, r.ID)
	}
	res := a.kit.Result(provider.OpStatus, r.ID, resp.RequestId)
	res.NativeState = resp.Type
	var known bool
	res.State, res.NotAfter, known = a.mapType(resp.Type, resp.Certificate)
	action := req.GetActionName()
	if !known {
		o, err := a.listStatus(ctx, r.ID, n, listKeyword(resp.Domain, r.ID))
		if err != nil {
			return nil, err
		}
		if o != nil {
			res.State, res.NativeState, res.NotAfter = mapListStatus(o.status), o.status, o.notAfter
			res.RequestID = o.requestID
			action = listAction
		}
	}
	a.done(ctx, res, action, start)
	return res, nil
}
