package huawei

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/certbroker/certbroker/provider"
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
// an issued one. The result has Deleted set.
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
	r.Deleted = true
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
	d, ok := out.(*showResp)
	if !ok || d == nil {
		return nil, rid, a.stamp(&provider.Error{Kind: provider.KindUnavailable, Op: op, RequestID: rid,
			Message: fmt.Sprintf("unexpected details response type %T", out)}, id)
	}
	return d, rid, nil
}

// details reads the certificate details (never mutating).
func (a *Adapter) details(ctx context.Context, op provider.Op, id string) (*detailsResp, string, error) {
	out, rid, err := a.do(ctx, request{
		op: op, id: id, api: apiDetails, body: &certReq{CertID: id}, def: detailsDef(),
	})
	if err != nil {
		return nil, rid, err
	}
	d, ok := out.(*detailsResp)
	if !ok || d == nil {
		return nil, rid, a.stamp(&provider.Error{Kind: provider.KindUnavailable, Op: op, RequestID: rid,
			Message: fmt.Sprintf("unexpected details response type %T", out)}, id)
	}
	return d, rid, nil
}

// listLimit is the page size of the certificate-list lookups (the
// reference allows 10, 20 or 50).
const listLimit = "50"

// expiry finds the expiry time of issued certificate id in the
// certificate list: first with content=<id>, then, if no row carries the
// ID, with content=<its first domain>, both with order_status=ISSUED and
// one page of 50 rows. expired_time is read leniently (see flexTime). It
// returns the zero time when no row matches or the row has no expiry.
func (a *Adapter) expiry(ctx context.Context, op provider.Op, id string, d *detailsResp) (time.Time, error) {
	keys := []string{id}
	if dom := firstDomain(d.DomainName); dom != "" {
		keys = append(keys, dom)
	}
	for _, key := range keys {
		status, limit, content := nativeIssued, listLimit, key
		out, _, err := a.do(ctx, request{
			op: op, id: id, api: apiList,
			body: &listReq{OrderStatus: &status, Content: &content, Limit: &limit}, def: listDef(),
		})
		if err != nil {
			return time.Time{}, err
		}
		l, _ := out.(*listResp)
		if l == nil {
			continue
		}
		for _, row := range l.OrderList {
			if strings.TrimSpace(row.CertID) == id {
				return row.ExpiredTime.Time, nil
			}
		}
	}
	a.log.LogAttrs(ctx, slog.LevelDebug, "huawei scm: issued certificate not in the certificate list; expiry unknown",
		slog.String("origin", a.origin), slog.String("id", id))
	return time.Time{}, nil
}

// firstDomain returns the first of the ';'-separated domain names.
func firstDomain(names string) string {
	first, _, _ := strings.Cut(names, ";")
	return strings.TrimSpace(first)
}

// result builds a successful result.
func (a *Adapter) result(op provider.Op, id string, s provider.State, native, rid string) *provider.Result {
	return &provider.Result{Origin: a.origin, ID: id, Op: op, State: s, NativeState: native, RequestID: rid}
}
