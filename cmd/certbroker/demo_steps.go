package main

import (
	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/huawei/huaweitest"
	"github.com/certbroker/certbroker/provider"
)

// The origins the demo registers. Two names point at the one Huawei
// emulator, with renew by purchase on and off.
const (
	demoAlibaba       = "alibaba"
	demoHuawei        = "huawei"
	demoHuaweiNoRenew = "huawei-norenew"
)

// seedUnknown, as a step's seed, means "an ID no order has".
const seedUnknown provider.State = -1

// demoStep is one operation of the demo and what must come of it.
type demoStep struct {
	what   string // one line for the reader
	origin string
	seed   provider.State
	// instance seeds an Alibaba instance (an instance-model ID,
	// cas_dv-cn-…) instead of an order.
	instance bool
	op       provider.Op
	// Faults injected into the emulator for this step only.
	aliFault *alibabatest.Fault
	hwFault  *huaweitest.Fault

	// The expected result: success with a state (StateUnknown: any), or
	// failure with a kind.
	wantOK          bool
	wantState       provider.State
	wantKind        provider.Kind
	wantNewID       bool
	wantAlreadyDone bool
	wantAttempts    int // 0: any
	// settle finishes the emulator's asynchronous processing afterwards.
	settle bool
	// The state observed in the emulator afterwards, out of band; gone
	// means the order must no longer exist.
	after provider.State
	gone  bool
}

// demoSteps is the demo's script: every operation on both clouds, the
// failures that must happen, and two injected faults the broker must ride
// out.
func demoSteps() []demoStep {
	return []demoStep{
		// Alibaba Cloud CAS: synchronous.
		{what: "read an issued certificate", origin: demoAlibaba, seed: provider.StateIssued, op: provider.OpStatus,
			wantOK: true, wantState: provider.StateIssued, after: provider.StateIssued},
		{what: "read through one injected HTTP 503 (the broker retries)", origin: demoAlibaba, seed: provider.StateUnderReview, op: provider.OpStatus,
			aliFault: &alibabatest.Fault{Action: alibabatest.ActionDescribe, Kind: alibabatest.FaultUnavailable, Times: 1},
			wantOK:   true, wantState: provider.StateUnderReview, wantAttempts: 2, after: provider.StateUnderReview},
		{what: "cancel an application under review", origin: demoAlibaba, seed: provider.StateUnderReview, op: provider.OpCancel,
			wantOK: true, wantState: provider.StateCancelled, after: provider.StateCancelled},
		{what: "delete a cancelled order", origin: demoAlibaba, seed: provider.StateCancelled, op: provider.OpDelete,
			wantOK: true, gone: true},
		{what: "delete an order that failed review", origin: demoAlibaba, seed: provider.StateReviewFailed, op: provider.OpDelete,
			wantOK: true, gone: true},
		{what: "revoke an issued certificate", origin: demoAlibaba, seed: provider.StateIssued, op: provider.OpRevoke,
			wantOK: true, wantState: provider.StateRevoked, after: provider.StateRevoked},
		{what: "renew a certificate in its renewal window", origin: demoAlibaba, seed: provider.StateExpiring, op: provider.OpRenew,
			wantOK: true, wantNewID: true, after: provider.StateExpiring},
		{what: "must fail: revoke an order still pending application", origin: demoAlibaba, seed: provider.StatePendingApplication, op: provider.OpRevoke,
			wantKind: provider.KindInvalidState, after: provider.StatePendingApplication},
		{what: "must fail: renew a certificate not yet in its window", origin: demoAlibaba, seed: provider.StateIssued, op: provider.OpRenew,
			wantKind: provider.KindInvalidState, after: provider.StateIssued},
		{what: "must fail: an order that does not exist", origin: demoAlibaba, seed: seedUnknown, op: provider.OpStatus,
			wantKind: provider.KindNotFound},
		// The instance model of the same API: an instance ID, its own actions.
		{what: "read an instance-model certificate (GetInstanceDetail)", origin: demoAlibaba, instance: true, seed: provider.StateIssued,
			op: provider.OpStatus, wantOK: true, wantState: provider.StateIssued, after: provider.StateIssued},
		{what: "revoke an instance-model certificate (RevokeCertificate), answered by an HTTP 500 after it was applied: reconciled",
			origin: demoAlibaba, instance: true, seed: provider.StateIssued, op: provider.OpRevoke,
			aliFault: &alibabatest.Fault{Action: alibabatest.ActionRevokeCert, Kind: alibabatest.FaultServerError, AfterApply: true, Times: 1},
			wantOK:   true, wantAlreadyDone: true, wantAttempts: 2, after: provider.StateRevoked},
		{what: "must fail: renew an instance (the instance model has no renewal)", origin: demoAlibaba, instance: true,
			seed: provider.StateExpiring, op: provider.OpRenew, wantKind: provider.KindUnsupported, after: provider.StateExpiring},

		// Huawei Cloud SCM: asynchronous cancel and revoke.
		{what: "read an issued certificate", origin: demoHuawei, seed: provider.StateIssued, op: provider.OpStatus,
			wantOK: true, wantState: provider.StateIssued, after: provider.StateIssued},
		{what: "cancel an application (settles to cancelled)", origin: demoHuawei, seed: provider.StateUnderReview, op: provider.OpCancel,
			wantOK: true, wantState: provider.StateCancelling, settle: true, after: provider.StateCancelled},
		{what: "revoke an issued certificate (settles to revoked)", origin: demoHuawei, seed: provider.StateIssued, op: provider.OpRevoke,
			wantOK: true, wantState: provider.StateRevoking, settle: true, after: provider.StateRevoked},
		{what: "revoke answered by an HTTP 500 after it was applied: reconciled", origin: demoHuawei, seed: provider.StateIssued, op: provider.OpRevoke,
			hwFault: &huaweitest.Fault{Action: huaweitest.ActionRevoke, Kind: huaweitest.FaultServerError, AfterApply: true, Times: 1},
			wantOK:  true, wantAlreadyDone: true, wantAttempts: 2, settle: true, after: provider.StateRevoked},
		{what: "delete a revoked certificate", origin: demoHuawei, seed: provider.StateRevoked, op: provider.OpDelete,
			wantOK: true, gone: true},
		{what: "delete an uploaded (hosted) certificate", origin: demoHuawei, seed: provider.StateHosted, op: provider.OpDelete,
			wantOK: true, gone: true},
		{what: "renew by purchase (renew_by_purchase: true)", origin: demoHuawei, seed: provider.StateExpiring, op: provider.OpRenew,
			wantOK: true, wantNewID: true, after: provider.StateExpiring},
		{what: "must fail: renew with renew_by_purchase off", origin: demoHuaweiNoRenew, seed: provider.StateExpiring, op: provider.OpRenew,
			wantKind: provider.KindUnsupported, after: provider.StateExpiring},
		{what: "must fail: revoke a certificate pending application", origin: demoHuawei, seed: provider.StatePendingApplication, op: provider.OpRevoke,
			wantKind: provider.KindInvalidState, after: provider.StatePendingApplication},
		{what: "must fail: delete an application that failed review", origin: demoHuawei, seed: provider.StateReviewFailed, op: provider.OpDelete,
			wantKind: provider.KindInvalidState, after: provider.StateReviewFailed},
		{what: "must fail: a certificate that does not exist", origin: demoHuawei, seed: seedUnknown, op: provider.OpStatus,
			wantKind: provider.KindNotFound},
	}
}
