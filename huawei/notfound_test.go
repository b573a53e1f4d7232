package huawei

import (
	"errors"
	"testing"
	"time"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/huawei/huaweitest"
	"github.com/certbroker/certbroker/provider"
)

// TestCodelessErrorsAreNeverNotFound: an answer that did not come from SCM
// (a proxy's HTML page, no error code) is never read as "the certificate
// is gone", for any operation, and a 502 page after a mutating request
// leaves the outcome unknown.
func TestCodelessErrorsAreNeverNotFound(t *testing.T) {
	t.Parallel()
	tests := []struct {
		fault        huaweitest.FaultKind
		read, mutate provider.Kind
	}{
		{huaweitest.FaultHTMLNotFound, provider.KindOther, provider.KindOther},
		{huaweitest.FaultHTMLBadGateway, provider.KindUnavailable, provider.KindOutcomeUnknown},
	}
	for _, tt := range tests {
		for _, op := range []provider.Op{provider.OpStatus, provider.OpDelete, provider.OpRevoke} {
			t.Run(map[huaweitest.FaultKind]string{huaweitest.FaultHTMLNotFound: "html404", huaweitest.FaultHTMLBadGateway: "html502"}[tt.fault]+"/"+string(op), func(t *testing.T) {
				t.Parallel()
				h := newEmulated(t, false)
				id := h.srv.Seed(provider.StateIssued)
				h.srv.InjectFault(huaweitest.Fault{Kind: tt.fault})
				_, err := callOp(t.Context(), h.a, op, id)
				pe := asProviderError(t, err)
				want := tt.mutate
				if op == provider.OpStatus {
					want = tt.read
				}
				if pe.Kind != want || errors.Is(err, provider.ErrNotFound) {
					t.Fatalf("%s: kind %s, want %s (%v)", op, pe.Kind, want, err)
				}
				if pe.Code != "" || pe.HTTPStatus == 0 {
					t.Fatalf("Code %q HTTPStatus %d: want no code and the proxy's status", pe.Code, pe.HTTPStatus)
				}
			})
		}
	}
}

// TestRetriedDeleteNotDeletedByProxy404 drives the broker's retry and
// reconciliation: the first delete is lost behind a 502 page (outcome
// unknown, not applied), the retry meets a code-less 404 page. The broker
// must not report the certificate deleted, and it still exists.
func TestRetriedDeleteNotDeletedByProxy404(t *testing.T) {
	t.Parallel()
	h := newEmulated(t, false)
	id := h.srv.Seed(provider.StateRevoked)
	h.srv.InjectFault(huaweitest.Fault{Action: huaweitest.ActionDelete, Kind: huaweitest.FaultHTMLBadGateway, Times: 1})
	h.srv.InjectFault(huaweitest.Fault{Action: huaweitest.ActionDelete, Kind: huaweitest.FaultHTMLNotFound})
	br := broker.New(broker.WithRetry(func(p *broker.RetryPolicy) {
		p.MaxAttempts, p.BackoffBase, p.BackoffMax = 3, time.Millisecond, time.Millisecond
	}))
	if err := br.Register("huawei", h.a, broker.WithRate(1000, 100)); err != nil {
		t.Fatal(err)
	}
	res, err := br.Delete(t.Context(), "huawei", provider.DeleteRequest{ID: id})
	if err == nil || res != nil {
		t.Fatalf("Delete = %+v, %v; want a failure, not deleted", res, err)
	}
	if k := provider.KindOf(err); k == provider.KindNotFound {
		t.Fatalf("kind %s: a proxy's 404 read as not found", k)
	}
	if _, ok := h.srv.Cert(id); !ok {
		t.Fatal("the certificate is gone; the faults never applied the delete")
	}
	if n := h.srv.RequestCount(); n < 2 {
		t.Fatalf("emulator saw %d requests; want the first attempt and at least one retry", n)
	}
}
