package alibaba

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certbroker/certbroker/alibaba/alibabatest"
	"github.com/certbroker/certbroker/provider"
)

// instanceNatives are the native instances the operations run from.
var instanceNatives = []struct {
	name string
	in   alibabatest.Instance
}{
	{"inactive", alibabatest.Instance{Status: alibabatest.InstanceInactive}},
	{"inactive_withdrawn", alibabatest.Instance{Status: alibabatest.InstanceInactive, Withdrawn: true}},
	{"pending", alibabatest.Instance{Status: alibabatest.InstancePending}},
	{"normal_issued", alibabatest.Instance{CertificateStatus: alibabatest.CertIssued}},
	{"willExpire", alibabatest.Instance{CertificateStatus: alibabatest.CertWillExpire}},
	{"expired", alibabatest.Instance{CertificateStatus: alibabatest.CertExpired}},
	{"normal_revoked", alibabatest.Instance{Status: alibabatest.InstanceNormal, CertificateStatus: alibabatest.CertRevoked}},
	{"refund", alibabatest.Instance{Status: alibabatest.InstanceRefund}},
	{"closed", alibabatest.Instance{Status: alibabatest.InstanceClosed}},
}

// TestInstanceOperations runs every operation on an instance ID from
// every native instance state, against the emulator through the real
// SDK (the emulator checks every signature), and checks the outcome, the
// code of each refusal, the actions sent and the instance afterwards, out
// of band.
func TestInstanceOperations(t *testing.T) {
	t.Parallel()
	// allowed[op] lists the natives from which op succeeds and the state
	// the instance is in afterwards (gone: ok false).
	type after struct {
		st   provider.State
		gone bool
	}
	allowed := map[provider.Op]map[string]after{
		provider.OpCancel: {"pending": {st: provider.StateCancelled}},
		provider.OpRevoke: {"normal_issued": {st: provider.StateRevoked}, "willExpire": {st: provider.StateRevoked}},
		provider.OpDelete: {"inactive_withdrawn": {gone: true}, "refund": {gone: true}, "closed": {gone: true}},
	}
	action := map[provider.Op]string{
		provider.OpCancel: alibabatest.ActionCancelPending, provider.OpRevoke: alibabatest.ActionRevokeCert,
		provider.OpDelete: alibabatest.ActionDeleteInstance, provider.OpStatus: alibabatest.ActionInstanceDetail,
	}
	status := map[string]provider.State{
		"inactive": provider.StatePendingApplication, "inactive_withdrawn": provider.StatePendingApplication,
		"pending": provider.StateUnderReview, "normal_issued": provider.StateIssued, "willExpire": provider.StateExpiring,
		"expired": provider.StateExpired, "normal_revoked": provider.StateRevoked,
		"refund": provider.StateUnknown, "closed": provider.StateUnknown,
	}
	s := newEmulator(t)
	a := adapterFor(t, s)
	for _, op := range provider.Ops() {
		for _, n := range instanceNatives {
			t.Run(fmt.Sprintf("%s/from_%s", op, n.name), func(t *testing.T) {
				t.Parallel()
				id := s.SeedInstance(n.in)
				before, _ := s.Instance(id)
				res, err := callOp(t, a, op, id)
				if got := actionsFor(s, id); op == provider.OpRenew && len(got) != 0 {
					t.Errorf("actions sent: %v; want none (an instance is never renewed)", got)
				} else if op != provider.OpRenew && (len(got) != 1 || got[0] != action[op]) {
					t.Errorf("actions sent: %v; want [%s]", got, action[op])
				}
				switch want, ok := allowed[op][n.name]; {
				case op == provider.OpStatus:
					if err != nil || res.State != status[n.name] {
						t.Fatalf("status: %+v, %v; want %s", res, err, status[n.name])
					}
					if hasCert := n.in.CertificateStatus != ""; hasCert != !res.NotAfter.IsZero() ||
						(hasCert && !res.NotAfter.Equal(before.NotAfter.Truncate(time.Millisecond))) {
						t.Errorf("NotAfter = %v; want %v", res.NotAfter, before.NotAfter)
					}
				case op == provider.OpRenew:
					if provider.KindOf(err) != provider.KindUnsupported {
						t.Fatalf("renew: %v; want unsupported, before sending", err)
					}
				case ok:
					if err != nil || res.ID != id || res.Op != op {
						t.Fatalf("%s: %+v, %v; want success", op, res, err)
					}
					st, exists := s.State(id)
					if exists == want.gone || (!want.gone && st != want.st) {
						t.Errorf("afterwards: %s, exists %v; want %+v", st, exists, want)
					}
				default:
					var pe *provider.Error
					if !errors.As(err, &pe) || pe.Kind != provider.KindInvalidState || pe.Code != "InstanceStateError" || pe.HTTPStatus != 403 {
						t.Fatalf("%s: %v; want invalid_state with code InstanceStateError and HTTP 403", op, err)
					}
				}
				if _, ok := allowed[op][n.name]; !ok {
					if now, _ := s.Instance(id); now != before {
						t.Errorf("the instance changed: %+v -> %+v", before, now)
					}
				}
			})
		}
	}
}

// actionsFor lists the actions of the logged requests that named id.
func actionsFor(s *alibabatest.Server, id string) []string {
	var out []string
	for _, r := range s.Requests() {
		if r.ID == id {
			out = append(out, r.Action)
		}
	}
	return out
}

// TestInstanceNotFound: every operation on an instance that does not
// exist is not_found, with the emulator's code.
func TestInstanceNotFound(t *testing.T) {
	t.Parallel()
	s := newEmulator(t)
	a := adapterFor(t, s)
	for _, op := range provider.Ops() {
		if op == provider.OpRenew {
			continue // refused before sending: see TestInstanceOperations
		}
		_, err := callOp(t, a, op, s.UnknownInstanceID())
		var pe *provider.Error
		if !errors.As(err, &pe) || pe.Kind != provider.KindNotFound || pe.Code != "NotFoundInstance" {
			t.Errorf("%s: %v; want not_found (NotFoundInstance)", op, err)
		}
	}
}

// TestInstanceIDShapes: CheckID accepts both documented shapes and
// nothing in between, and an order ID is still an order ID.
func TestInstanceIDShapes(t *testing.T) {
	t.Parallel()
	a := newTestAdapter(t, Config{AccessKeyID: "id", AccessKeySecret: "secret"})
	for _, tc := range []struct {
		id string
		ok bool
	}{
		{"cas_dv-cn-rp643r82d0i1", true}, {"cas-cn-68n1mm16ab", true}, {"cas_dv-cn-123", true},
		{"cas_ov-cn-a", true}, {"123451222", true},
		{"cas-cn-68n1mm16****", false}, {"cas_dv-cn-", false}, {"cas_dv-ap-abc", false}, {"Cas-cn-abc", false},
		{"cas_dv-cn-abc ", false}, {"cas_dv-cn-abc%26x", false}, {"cas__dv-cn-abc", false}, {"cas_dv--cn-abc", false},
		{"cas_dv-cn-" + strings.Repeat("0", 33), false}, {"cas", false}, {"casx", false}, {"", false},
	} {
		if err := a.CheckID(tc.id); (err == nil) != tc.ok {
			t.Errorf("CheckID(%q) = %v; want ok %v", tc.id, err, tc.ok)
		}
	}
}

// TestCheckAgreesWithTheCallForInstances: for bad instance IDs Check and
// the call refuse alike without sending; good instance requests pass
// Check.
func TestCheckAgreesWithTheCallForInstances(t *testing.T) {
	t.Parallel()
	s := newEmulator(t)
	a := adapterFor(t, s)
	for _, id := range []string{"cas_dv-cn-", "CAS-cn-abc", "cas-cn-ab/../c", "cas-cn-abc?x=1", "cas_dv-cn-abc\n"} {
		for _, op := range provider.Ops() {
			req := provider.NewRequest(op, id, provider.RequestInputs{})
			checkErr := a.Check(req)
			_, callErr := provider.Call(t.Context(), a, req)
			var ce, pe *provider.Error
			if !errors.As(checkErr, &ce) || !errors.As(callErr, &pe) || ce.Kind != provider.KindInvalidArgument ||
				ce.Error() != pe.Error() {
				t.Errorf("%s %q: Check = %v, call = %v; want the same invalid_argument", op, id, checkErr, callErr)
			}
		}
	}
	renewBad := provider.RenewRequest{ID: "cas_dv-cn-abc", CSR: "not a CSR"}
	if ce, pe := a.Check(renewBad), func() error { _, err := a.Renew(t.Context(), renewBad); return err }(); ce == nil || pe == nil ||
		ce.Error() != pe.Error() {
		t.Errorf("renew with a bad CSR: Check = %v, call = %v", ce, pe)
	}
	if n := s.RequestCount(); n != 0 {
		t.Errorf("the refused calls sent %d requests", n)
	}
	for _, op := range provider.Ops() {
		err := a.Check(provider.NewRequest(op, "cas_dv-cn-rp643r82d0i1", provider.RequestInputs{}))
		if op == provider.OpRenew {
			// No renewal in the instance model: refused before sending,
			// as CapabilitiesFor says.
			if provider.KindOf(err) != provider.KindUnsupported {
				t.Errorf("Check(renew of an instance) = %v, want unsupported", err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Check(%s of an instance) = %v", op, err)
		}
	}
}

// TestInstanceOutcomeRule: when a mutating instance action was applied
// and its answer lost (HTTP 500 after apply), the error is
// outcome_unknown, and a state read afterwards proves only what it may:
// a revoked certificate proves the revocation, a withdrawn application
// reads like a fresh one and proves nothing, and a deleted instance is
// not_found. The failed action is sent once: no SDK retry.
func TestInstanceOutcomeRule(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		op       provider.Op
		from     provider.State
		action   string
		evidence provider.Evidence
	}{
		{provider.OpRevoke, provider.StateIssued, alibabatest.ActionRevokeCert, provider.Applied},
		{provider.OpCancel, provider.StateUnderReview, alibabatest.ActionCancelPending, provider.NoEvidence},
		{provider.OpDelete, provider.StateCancelled, alibabatest.ActionDeleteInstance, provider.NoEvidence},
	} {
		t.Run(string(tc.op), func(t *testing.T) {
			t.Parallel()
			s := newEmulator(t)
			a := adapterFor(t, s)
			id := s.SeedInstanceState(tc.from)
			s.InjectFault(alibabatest.Fault{Action: tc.action, Kind: alibabatest.FaultServerError, AfterApply: true, Times: 1})
			if _, err := callOp(t, a, tc.op, id); provider.KindOf(err) != provider.KindOutcomeUnknown {
				t.Fatalf("%s with a lost answer: %v; want outcome_unknown", tc.op, err)
			}
			if n := sentFor(s, tc.action, id); n != 1 {
				t.Errorf("%s was sent %d times; want once (the SDK's retries are off)", tc.action, n)
			}
			res, err := a.Status(t.Context(), provider.StatusRequest{ID: id})
			if tc.op == provider.OpDelete {
				if provider.KindOf(err) != provider.KindNotFound {
					t.Fatalf("status after the delete: %v; want not_found", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ev := a.Capabilities().Evidence(tc.op, res.State); ev != tc.evidence {
				t.Errorf("status reads %s after %s: evidence %s; want %s", res.State, tc.op, ev, tc.evidence)
			}
		})
	}
}

// TestInstanceWire records each instance action as it leaves the adapter
// (a proxy in front of the emulator), checks it was paced under its own
// action name, and checks it independently of the emulator: the action
// name, its one parameter InstanceId, Version
// 2020-04-07, the signature parameters, and an HMAC-SHA1 signature
// recomputed here from the documented recipe.
func TestInstanceWire(t *testing.T) {
	t.Parallel()
	s := newEmulator(t)
	target, _ := url.Parse(s.URL())
	var mu sync.Mutex
	var seen []url.Values
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		q, _ := url.ParseQuery(r.URL.RawQuery)
		f, _ := url.ParseQuery(string(body))
		for k, v := range f {
			q[k] = v
		}
		mu.Lock()
		seen = append(seen, q)
		mu.Unlock()
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		httputil.NewSingleHostReverseProxy(target).ServeHTTP(w, r)
	}))
	t.Cleanup(proxy.Close)
	a := newTestAdapter(t, Config{Endpoint: proxy.URL, AccessKeyID: s.AccessKeyID(), AccessKeySecret: s.AccessKeySecret()})

	for _, tc := range []struct {
		op     provider.Op
		from   provider.State
		action string
	}{
		{provider.OpStatus, provider.StateIssued, "GetInstanceDetail"},
		{provider.OpCancel, provider.StateUnderReview, "CancelPendingCertificate"},
		{provider.OpRevoke, provider.StateIssued, "RevokeCertificate"},
		{provider.OpDelete, provider.StateCancelled, "DeleteInstance"},
	} {
		id := s.SeedInstanceState(tc.from)
		mu.Lock()
		seen = nil
		mu.Unlock()
		pacer := &namingPacer{}
		if _, err := callOpCtx(provider.WithPacer(t.Context(), pacer), a, tc.op, id); err != nil {
			t.Fatalf("%s: %v", tc.op, err)
		}
		if fmt.Sprint(pacer.apis) != fmt.Sprint([]string{tc.action}) {
			t.Errorf("%s: paced as %v; want [%s]", tc.op, pacer.apis, tc.action)
		}
		mu.Lock()
		got := seen
		mu.Unlock()
		if len(got) != 1 {
			t.Fatalf("%s: %d requests; want 1", tc.op, len(got))
		}
		q := got[0]
		own := map[string]string{}
		for k := range q {
			if !commonWireParams[k] {
				own[k] = q.Get(k)
			}
		}
		switch {
		case q.Get("Action") != tc.action:
			t.Errorf("%s: Action %q; want %q", tc.op, q.Get("Action"), tc.action)
		case q.Get("Version") != "2020-04-07":
			t.Errorf("%s: Version %q", tc.op, q.Get("Version"))
		case q.Get("SignatureMethod") != "HMAC-SHA1" || q.Get("SignatureVersion") != "1.0" || q.Get("Format") != "JSON":
			t.Errorf("%s: signature parameters %v", tc.op, q)
		case fmt.Sprint(own) != fmt.Sprint(map[string]string{"InstanceId": id}):
			t.Errorf("%s: own parameters %v; want InstanceId only", tc.op, own)
		case q.Get("Signature") != rpcSignature(q, s.AccessKeySecret()):
			t.Errorf("%s: the signature does not verify", tc.op)
		}
	}
}

// commonWireParams are the parameters of every RPC request.
var commonWireParams = map[string]bool{
	"Action": true, "Version": true, "Format": true, "AccessKeyId": true, "Signature": true,
	"SignatureMethod": true, "SignatureVersion": true, "SignatureNonce": true, "SignatureType": true,
	"Timestamp": true, "RegionId": true,
}

// rpcSignature is the RPC (V1) signature of q: HMAC-SHA1 with key
// secret+"&" over "POST&%2F&" + the encoded, sorted, encoded query
// without Signature (help.aliyun.com, "Signature mechanism").
func rpcSignature(q url.Values, secret string) string {
	enc := func(s string) string {
		return strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~").Replace(url.QueryEscape(s))
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		if k != "Signature" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	pairs := make([]string, len(keys))
	for i, k := range keys {
		pairs[i] = enc(k) + "=" + enc(q.Get(k))
	}
	m := hmac.New(sha1.New, []byte(secret+"&"))
	m.Write([]byte("POST&%2F&" + enc(strings.Join(pairs, "&"))))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// namingPacer admits every request and records the API it was asked for.
type namingPacer struct {
	mu   sync.Mutex
	apis []string
}

func (p *namingPacer) Wait(ctx context.Context, api string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.apis = append(p.apis, api)
	return ctx.Err()
}
