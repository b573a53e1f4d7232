package alibabatest

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/cas"
	"github.com/certbroker/certbroker/provider"
)

// instanceCall sends action with params through the SDK's generic RPC
// request, as a client without request structs does.
func instanceCall(c *cas.Client, action string, params map[string]string) (map[string]any, error) {
	req := requests.NewCommonRequest()
	req.Method = "POST"
	req.Product = "cas"
	req.Version = "2020-04-07"
	req.ApiName = action
	for k, v := range params {
		req.QueryParams[k] = v
	}
	resp, err := c.ProcessCommonRequest(req)
	if err != nil {
		return nil, err
	}
	var body map[string]any
	err = json.Unmarshal(resp.GetHttpContentBytes(), &body)
	return body, err
}

// TestInstanceActions runs each instance action from each native state
// through the real SDK: the allowed transitions, and the code of every
// refusal.
func TestInstanceActions(t *testing.T) {
	t.Parallel()
	natives := map[string]Instance{
		"inactive":  {Status: InstanceInactive},
		"withdrawn": {Status: InstanceInactive, Withdrawn: true},
		"pending":   {Status: InstancePending},
		"issued":    {CertificateStatus: CertIssued},
		"expiring":  {CertificateStatus: CertWillExpire},
		"expired":   {CertificateStatus: CertExpired},
		"revoked":   {CertificateStatus: CertRevoked},
		"refund":    {Status: InstanceRefund},
		"closed":    {Status: InstanceClosed},
	}
	// allowed[action][native] is the state afterwards; gone is
	// StateUnknown with the instance removed.
	const gone = provider.StateUnknown
	allowed := map[string]map[string]provider.State{
		ActionCancelPending:  {"pending": provider.StateCancelled},
		ActionRevokeCert:     {"issued": provider.StateRevoked, "expiring": provider.StateRevoked},
		ActionDeleteInstance: {"withdrawn": gone, "refund": gone, "closed": gone},
	}
	s := newServer(t)
	for action, ok := range allowed {
		for name, in := range natives {
			t.Run(action+"/"+name, func(t *testing.T) {
				t.Parallel()
				c := newClient(t, s)
				id := s.SeedInstance(in)
				before, _ := s.Instance(id)
				_, err := instanceCall(c, action, map[string]string{"InstanceId": id})
				after, exists := s.Instance(id)
				want, allowed := ok[name]
				switch {
				case !allowed:
					serverError(t, err, http.StatusForbidden, codeInstanceStateError)
					if after != before {
						t.Errorf("a refused %s changed the instance: %+v -> %+v", action, before, after)
					}
				case err != nil:
					t.Fatalf("%s from %s: %v", action, name, err)
				case want == gone:
					if exists {
						t.Errorf("%s from %s left the instance", action, name)
					}
				default:
					if st := instanceStateOf(after); st != want {
						t.Errorf("%s from %s: now %s, want %s", action, name, st, want)
					}
				}
				entries := 0
				for _, r := range s.Requests() {
					if r.ID == id {
						entries++
						if r.Action != action || r.Params["InstanceId"] != id {
							t.Errorf("log entry %+v: want action %s and InstanceId %s", r, action, id)
						}
					}
				}
				if entries != 1 {
					t.Errorf("%d log entries name %s; want 1", entries, id)
				}
			})
		}
	}
}

// TestInstanceDetailAnswer: GetInstanceDetail answers the documented
// fields, with CertificateNotAfter in Unix milliseconds, and the statuses
// follow the clock.
func TestInstanceDetailAnswer(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	c := newClient(t, s)
	notAfter := time.Now().Add(40 * 24 * time.Hour).Truncate(time.Millisecond)
	id := s.SeedInstance(Instance{CertificateStatus: CertIssued, NotAfter: notAfter})
	body, err := instanceCall(c, ActionInstanceDetail, map[string]string{"InstanceId": id})
	if err != nil {
		t.Fatal(err)
	}
	if body["InstanceId"] != id || body["Status"] != InstanceNormal || body["CertificateStatus"] != CertIssued ||
		body["CertificateNotAfter"] != float64(notAfter.UnixMilli()) || body["RequestId"] == "" {
		t.Fatalf("answer %v", body)
	}
	// Seeded as issued, but within ExpiringWindow of its NotAfter.
	soon := s.SeedInstance(Instance{CertificateStatus: CertIssued, NotAfter: time.Now().Add(15 * 24 * time.Hour)})
	if body, _ = instanceCall(c, ActionInstanceDetail, map[string]string{"InstanceId": soon}); body["Status"] != InstanceWillExpire ||
		body["CertificateStatus"] != CertWillExpire {
		t.Errorf("15 days before NotAfter: %v; want willExpire", body)
	}
	if st, _ := s.State(soon); st != provider.StateExpiring {
		t.Errorf("State = %s, want expiring", st)
	}
	pending := s.SeedInstanceState(provider.StateUnderReview)
	if body, _ = instanceCall(c, ActionInstanceDetail, map[string]string{"InstanceId": pending}); body["Status"] != InstancePending ||
		body["CertificateStatus"] != nil {
		t.Errorf("pending: %v", body)
	}
}

// TestInstanceBadRequests: a missing, malformed or unknown InstanceId,
// and a CertificateId naming another certificate.
func TestInstanceBadRequests(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	c := newClient(t, s)
	issued := s.SeedInstanceState(provider.StateIssued)
	for _, tc := range []struct {
		action string
		params map[string]string
		status int
		code   string
	}{
		{ActionInstanceDetail, nil, 400, codeMissingParameter},
		{ActionRevokeCert, map[string]string{"InstanceId": "CAS-cn-x"}, 400, codeInvalidParameter},
		{ActionDeleteInstance, map[string]string{"InstanceId": s.UnknownInstanceID()}, 404, codeNotFoundInstance},
		{ActionRevokeCert, map[string]string{"InstanceId": issued, "CertificateId": "1"}, 400, codeInvalidParameter},
	} {
		_, err := instanceCall(c, tc.action, tc.params)
		serverError(t, err, tc.status, tc.code)
	}
	if st, _ := s.State(issued); st != provider.StateIssued {
		t.Errorf("the issued instance is now %s", st)
	}
}

// TestInstanceFaultsAndQuota: faults and QPS limits apply to instance
// actions as to the others.
func TestInstanceFaultsAndQuota(t *testing.T) {
	t.Parallel()
	s := newServer(t, WithDocumentedQPS())
	c := newClient(t, s)
	id := s.SeedInstanceState(provider.StateIssued)
	s.InjectFault(Fault{Action: ActionRevokeCert, Kind: FaultServerError, AfterApply: true, Times: 1})
	_, err := instanceCall(c, ActionRevokeCert, map[string]string{"InstanceId": id})
	serverError(t, err, http.StatusInternalServerError, codeInternalError)
	if st, _ := s.State(id); st != provider.StateRevoked {
		t.Errorf("after an applied fault: %s, want revoked", st)
	}
	throttled := 0
	for range 30 {
		if _, err := instanceCall(c, ActionInstanceDetail, map[string]string{"InstanceId": id}); err != nil {
			serverError(t, err, http.StatusBadRequest, codeThrottling)
			throttled++
		}
	}
	if throttled == 0 || throttled > 20 {
		t.Errorf("%d of 30 GetInstanceDetail requests throttled; want some, at 10 a second", throttled)
	}
}

// TestSeedInstanceRefusesNonsense: SeedInstance panics on inconsistent
// input, and SeedInstanceState on a state an instance lacks.
func TestSeedInstanceRefusesNonsense(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	for name, f := range map[string]func(){
		"status":       func() { s.SeedInstance(Instance{Status: "bogus"}) },
		"cert":         func() { s.SeedInstance(Instance{CertificateStatus: "bogus"}) },
		"withdrawn":    func() { s.SeedInstance(Instance{Status: InstancePending, Withdrawn: true}) },
		"id":           func() { s.SeedInstance(Instance{ID: "cas-cn-A", Status: InstanceInactive}) },
		"reviewFailed": func() { s.SeedInstanceState(provider.StateReviewFailed) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
