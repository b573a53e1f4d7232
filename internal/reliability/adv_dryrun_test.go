package reliability

import (
	"context"
	"strings"
	"testing"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
)

// TestAdvDryRunApprovesWhatHuaweiRefuses: a dry run of Revoke with a
// reason the Huawei adapter refuses before sending anything (64
// characters; a control character), and of Renew with a CSR or tags
// (Huawei's purchase takes neither). Promise 7: a dry run never approves
// what the real call refuses before sending. Actual: the dry run approves
// every one of them, and the real call then fails invalid_argument with
// no request sent. Cause: huawei.Adapter does not implement
// provider.Checker (only IDChecker), so broker.dryRun (broker/dryrun.go)
// checks only the ID shape; the adapter's checkReason and the Renew
// input checks (huawei/id.go, huawei/renew.go) are not reachable without
// a call.
func TestAdvDryRunApprovesWhatHuaweiRefuses(t *testing.T) {
	hw, _ := newHuawei(t, hwOptions{origin: "huawei"})
	b := broker.New()
	if err := b.Register("huawei", hw.p); err != nil {
		t.Fatal(err)
	}
	issued := provider.Ref{Origin: "huawei", ID: hw.seed(provider.StateIssued)}
	expiring := provider.Ref{Origin: "huawei", ID: hw.seed(provider.StateExpiring)}
	for _, tc := range []struct {
		name string
		op   provider.Op
		ref  provider.Ref
		in   provider.RequestInputs
	}{
		{"reason_64", provider.OpRevoke, issued, provider.RequestInputs{Reason: strings.Repeat("r", 64)}},
		{"reason_newline", provider.OpRevoke, issued, provider.RequestInputs{Reason: "key\ncompromise"}},
		{"renew_csr", provider.OpRenew, expiring, provider.RequestInputs{CSR: "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			items, _ := b.Do(context.Background(), provider.NewRequest(tc.op, "", tc.in), []provider.Ref{tc.ref}, broker.BulkOptions{DryRun: true})
			before := hw.requests()
			realItems, _ := b.Do(context.Background(), provider.NewRequest(tc.op, "", tc.in), []provider.Ref{tc.ref}, broker.BulkOptions{})
			sent := hw.requests() != before
			realErr := realItems[0].Err
			refused := realErr != nil && !sent && provider.KindOf(realErr) == provider.KindInvalidArgument
			if !refused {
				t.Fatalf("setup: the real call was not refused before sending (err %v, sent %v)", realErr, sent)
			}
			if items[0].Err == nil {
				t.Errorf("the dry run approved it; the real call refused it before sending: %v", realErr)
			}
		})
	}
}

// TestAdvDryRunApprovesWhatAlibabaRefuses: the same for Alibaba on this
// branch: a Renew with a malformed CSR or too many tags is refused by the
// adapter before sending (ValidateCSR, ValidateTags in alibaba/ops.go),
// but the adapter is not a provider.Checker, so the dry run approves it.
func TestAdvDryRunApprovesWhatAlibabaRefuses(t *testing.T) {
	ali, _ := newAlibaba(t, aliOptions{origin: "alibaba"})
	b := broker.New()
	if err := b.Register("alibaba", ali.p); err != nil {
		t.Fatal(err)
	}
	expiring := provider.Ref{Origin: "alibaba", ID: ali.seed(provider.StateExpiring)}
	many := make([]provider.Tag, 100)
	for i := range many {
		many[i] = provider.Tag{Key: strings.Repeat("k", i+1), Value: "v"}
	}
	for _, tc := range []struct {
		name string
		in   provider.RequestInputs
	}{
		{"csr_garbage", provider.RequestInputs{CSR: "not a csr"}},
		{"tags_100", provider.RequestInputs{Tags: many}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			items, _ := b.Do(context.Background(), provider.NewRequest(provider.OpRenew, "", tc.in), []provider.Ref{expiring}, broker.BulkOptions{DryRun: true})
			before := ali.requests()
			realItems, _ := b.Do(context.Background(), provider.NewRequest(provider.OpRenew, "", tc.in), []provider.Ref{expiring}, broker.BulkOptions{})
			sent := ali.requests() != before
			realErr := realItems[0].Err
			if !(realErr != nil && !sent && provider.KindOf(realErr) == provider.KindInvalidArgument) {
				t.Fatalf("setup: the real call was not refused before sending (err %v, sent %v)", realErr, sent)
			}
			if items[0].Err == nil {
				t.Errorf("the dry run approved it; the real call refused it before sending: %v", realErr)
			}
		})
	}
}
