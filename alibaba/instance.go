package alibaba

import (
	"bytes"
	"context"
	"encoding/json"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/responses"
	"github.com/certbroker/certbroker/internal/adapterkit"
	"github.com/certbroker/certbroker/provider"
)

// The instance-model actions of CAS 2020-04-07 this adapter sends. The
// SDK pinned in go.mod has no request structs for them; each is a generic
// RPC request (requests.NewCommonRequest, sent exactly as
// client.ProcessCommonRequest sends it) through invoke, so pacing, the
// pool, retries off, forced HTTPS, the context and the error table apply
// as to the order model. Pages (help.aliyun.com/zh/ssl-certificate/
// developer-reference/…):
//
//	GetInstanceDetail         api-cas-2020-04-07-getinstancedetail
//	CancelPendingCertificate  api-cas-2020-04-07-cancelpendingcertificate
//	RevokeCertificate         api-cas-2020-04-07-revokecertificate
//	DeleteInstance            api-cas-2020-04-07-deleteinstance
const (
	actionInstanceDetail = "GetInstanceDetail"
	actionCancelPending  = "CancelPendingCertificate"
	actionRevokeCert     = "RevokeCertificate"
	actionDeleteInstance = "DeleteInstance"
)

// GetInstanceDetail's Status values (instance status) and
// CertificateStatus values (the latest certificate's status), as its page
// lists them.
const (
	instInactive   = "inactive"   // 待使用: bought, no application
	instPending    = "pending"    // 审核中: the latest certificate is under review
	instWillExpire = "willExpire" // the instance is about to expire
	instExpired    = "expired"
	instRefund     = "refund"
	instNormal     = "normal"
	instClosed     = "closed" // closed, unusable

	certIssued     = "issued"
	certRevoked    = "revoked"
	certWillExpire = "willExpire"
	certExpired    = "expired"
)

// instanceDetail is the part of GetInstanceDetail's answer the adapter
// reads. CertificateNotAfter is a Unix time in milliseconds, absent before
// issuance; it is decoded as a json.Number so that a string or a float
// form does not fail the whole answer.
type instanceDetail struct {
	RequestID           string      `json:"RequestId"`
	InstanceID          string      `json:"InstanceId"`
	Status              string      `json:"Status"`
	CertificateStatus   string      `json:"CertificateStatus"`
	CertificateNotAfter json.Number `json:"CertificateNotAfter"`
}

// commonRequest builds the generic RPC request for an instance-model
// action with its one parameter, InstanceId (id has passed
// checkInstanceID, so it is one plain form value). It is then what
// ProcessCommonRequest would hand to DoAction.
func commonRequest(action, id string) *requests.CommonRequest {
	req := requests.NewCommonRequest()
	req.Method = "POST"
	req.Product = "cas"
	req.Version = "2020-04-07"
	req.ApiName = action
	req.QueryParams["InstanceId"] = id
	req.TransToAcsRequest()
	return req
}

// instanceCall sends one instance-model action for id and returns the
// request ID of its answer, or a classified error.
func (a *Adapter) instanceCall(ctx context.Context, op provider.Op, id, action string, mutating bool) (string, error) {
	req := commonRequest(action, id)
	resp := responses.NewCommonResponse()
	if err := a.invoke(ctx, op, id, mutating, req, resp); err != nil {
		return "", err
	}
	var b struct {
		RequestID string `json:"RequestId"`
	}
	if err := json.Unmarshal(resp.GetHttpContentBytes(), &b); err != nil {
		kind := provider.KindUnavailable
		if mutating {
			// The cloud answered 200 but we cannot read it: the action
			// may well have been applied.
			kind = provider.KindOutcomeUnknown
		}
		return "", a.kit.Stamp(&provider.Error{Kind: kind, HTTPStatus: resp.GetHttpStatus(),
			Message: "the success answer of " + action + " is not JSON"}, op, id)
	}
	return adapterkit.Truncate(a.red.clean(b.RequestID), 128), nil
}

// instanceDetail reads instance id with GetInstanceDetail. The read is
// never mutating: its failures are never KindOutcomeUnknown.
func (a *Adapter) instanceDetail(ctx context.Context, op provider.Op, id string) (*instanceDetail, error) {
	req := commonRequest(actionInstanceDetail, id)
	resp := responses.NewCommonResponse()
	if err := a.invoke(ctx, op, id, false, req, resp); err != nil {
		return nil, err
	}
	d := &instanceDetail{}
	dec := json.NewDecoder(bytes.NewReader(resp.GetHttpContentBytes()))
	dec.UseNumber()
	if err := dec.Decode(d); err != nil || d.Status == "" {
		msg := "the answer carried no Status"
		if err != nil {
			msg = "the answer is not the JSON object GetInstanceDetail documents"
		}
		return nil, a.kit.Stamp(&provider.Error{Kind: provider.KindUnavailable, HTTPStatus: resp.GetHttpStatus(),
			RequestID: adapterkit.Truncate(a.red.clean(d.RequestID), 128), Message: msg}, op, id)
	}
	d.RequestID = adapterkit.Truncate(a.red.clean(d.RequestID), 128)
	return d, nil
}

// mapInstance maps GetInstanceDetail's answer to a normalized state, the
// native state ("Status" or "Status/CertificateStatus") and the
// certificate's NotAfter:
//
//	CertificateStatus revoked                 revoked
//	CertificateStatus issued, willExpire,     issued, expiring or expired by
//	  expired                                 CertificateNotAfter (ExpiringWindow);
//	                                          without it, by the status itself
//	no certificate, Status inactive           pending_application (a withdrawn
//	                                          application reads the same)
//	no certificate, Status pending            under_review
//	anything else (refund, closed, ...)       unknown
func (a *Adapter) mapInstance(d *instanceDetail) (provider.State, string, time.Time) {
	native := d.Status
	if d.CertificateStatus != "" {
		native += "/" + d.CertificateStatus
	}
	native = adapterkit.Truncate(native, 64)
	var notAfter time.Time
	if ms, err := d.CertificateNotAfter.Int64(); err == nil && ms > 0 {
		notAfter = time.UnixMilli(ms).UTC()
	}
	switch d.CertificateStatus {
	case certRevoked:
		return provider.StateRevoked, native, notAfter
	case certIssued, certWillExpire, certExpired:
		if !notAfter.IsZero() {
			return lifecycleState(notAfter, a.now()), native, notAfter
		}
		return map[string]provider.State{certIssued: provider.StateIssued,
			certWillExpire: provider.StateExpiring, certExpired: provider.StateExpired}[d.CertificateStatus], native, notAfter
	case "":
		switch d.Status {
		case instInactive:
			return provider.StatePendingApplication, native, notAfter
		case instPending:
			return provider.StateUnderReview, native, notAfter
		}
	}
	return provider.StateUnknown, native, notAfter
}

// instanceStatus is Status for an instance ID: one GetInstanceDetail.
func (a *Adapter) instanceStatus(ctx context.Context, id string, start time.Time) (*provider.Result, error) {
	d, err := a.instanceDetail(ctx, provider.OpStatus, id)
	if err != nil {
		return nil, err
	}
	res := a.kit.Result(provider.OpStatus, id, d.RequestID)
	res.State, res.NativeState, res.NotAfter = a.mapInstance(d)
	a.done(ctx, res, actionInstanceDetail, start)
	return res, nil
}

// instanceCancel is Cancel for an instance ID: CancelPendingCertificate
// withdraws the application under review; the instance goes back to
// inactive, which Status reads as pending application (as a cancelled
// order reads as payed). The cloud refuses other states.
func (a *Adapter) instanceCancel(ctx context.Context, id string, start time.Time) (*provider.Result, error) {
	reqID, err := a.instanceCall(ctx, provider.OpCancel, id, actionCancelPending, true)
	if err != nil {
		return nil, err
	}
	res := a.kit.Result(provider.OpCancel, id, reqID)
	res.State, res.NativeState = provider.StateCancelled, instInactive
	a.done(ctx, res, actionCancelPending, start)
	return res, nil
}

// instanceRevoke is Revoke for an instance ID: RevokeCertificate with the
// InstanceId only (CertificateId is optional; the instance's latest
// certificate is the one revoked [unverified]). No state read comes
// first: unlike CancelCertificateForPackageRequest, RevokeCertificate has
// no documented second meaning, so a forbidden state is the cloud's to
// refuse. r.Reason is not sent: the action takes none.
func (a *Adapter) instanceRevoke(ctx context.Context, id string, start time.Time) (*provider.Result, error) {
	reqID, err := a.instanceCall(ctx, provider.OpRevoke, id, actionRevokeCert, true)
	if err != nil {
		return nil, err
	}
	res := a.kit.Result(provider.OpRevoke, id, reqID)
	res.State, res.NativeState = provider.StateRevoked, certRevoked
	a.done(ctx, res, actionRevokeCert, start)
	return res, nil
}

// instanceDelete is Delete for an instance ID: DeleteInstance. Which
// states it accepts is not documented; see the Capabilities note.
func (a *Adapter) instanceDelete(ctx context.Context, id string, start time.Time) (*provider.Result, error) {
	reqID, err := a.instanceCall(ctx, provider.OpDelete, id, actionDeleteInstance, true)
	if err != nil {
		return nil, err
	}
	res := a.kit.Result(provider.OpDelete, id, reqID)
	a.done(ctx, res, actionDeleteInstance, start)
	return res, nil
}
