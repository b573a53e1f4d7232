package alibabatest

import (
	"maps"
	"math"
	"net/http"
	"time"

	"github.com/certbroker/certbroker/internal/faultinject"
)

// Fault is one fault rule for [Server.InjectFault].
type Fault struct {
	// Action restricts the rule to one action (ActionRenew, …); ""
	// matches every request.
	Action string
	// Kind is what happens to a request the rule hits.
	Kind FaultKind
	// AfterApply applies the request's state change first and then fails
	// the response: the change happened, but the client cannot know.
	// FaultThrottle ignores it: a throttled request is never applied.
	AfterApply bool
	// Probability is the chance, from 0 to 1, that a matching request is
	// hit, drawn from the seed ([WithSeed]). Zero means always.
	Probability float64
	// Times limits the rule to that many hits; zero means no limit.
	Times int
	// Latency is the delay of FaultLatency; with another kind it is
	// waited out before the fault is rendered.
	Latency time.Duration
}

// FaultKind is what a fault does to a request. Its String is the kind's
// name, the same in both emulators ("server_error", "proxy_not_found", …).
type FaultKind int

// String returns the kind's name.
func (k FaultKind) String() string { return faultinject.Kind(k).String() }

// The fault kinds and what a client of this emulator sees. The names are
// the same in both emulators; the answers are each cloud's own.
const (
	// FaultLatency delays the response by Fault.Latency, then answers.
	FaultLatency = FaultKind(faultinject.Latency)
	// FaultServerError answers HTTP 500 InternalError.
	FaultServerError = FaultKind(faultinject.ServerError)
	// FaultUnavailable answers HTTP 503 ServiceUnavailable.
	FaultUnavailable = FaultKind(faultinject.Unavailable)
	// FaultThrottle answers HTTP 400 Throttling.User, never after applying.
	FaultThrottle = FaultKind(faultinject.Throttle)
	// FaultReset reads the request, then resets the connection.
	FaultReset = FaultKind(faultinject.Reset)
	// FaultHang holds the request until the client gives up or Close.
	FaultHang = FaultKind(faultinject.Hang)
	// FaultMalformed answers HTTP 200 with a body that is not valid JSON.
	FaultMalformed = FaultKind(faultinject.Malformed)

	// FaultHTMLNotFound answers HTTP 404 with an HTML page and no Alibaba
	// code, as a proxy, load balancer or misrouted gateway in front of CAS
	// does. A client must not read it as NotFoundOrder: the order was not
	// looked at.
	FaultHTMLNotFound = FaultKind(faultinject.ProxyNotFound)
	// FaultHTMLBadGateway answers HTTP 502 with an HTML page and no
	// Alibaba code. With AfterApply the action was applied first.
	FaultHTMLBadGateway = FaultKind(faultinject.ProxyBadGateway)
)

// The HTML bodies of FaultHTMLNotFound and FaultHTMLBadGateway, shaped
// like the pages of the Tengine front ends Alibaba Cloud runs.
const (
	htmlNotFound   = "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>Tengine</center>\r\n</body>\r\n</html>\r\n"
	htmlBadGateway = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>Tengine</center>\r\n</body>\r\n</html>\r\n"
)

// InjectFault adds a fault rule. Rules are tried in the order they were
// added; the first that matches and is drawn applies.
func (s *Server) InjectFault(f Fault) {
	s.faults.Add(faultinject.Fault{
		Action: f.Action, Kind: faultinject.Kind(f.Kind), AfterApply: f.AfterApply,
		Probability: f.Probability, Times: f.Times, Latency: f.Latency,
	})
}

// pickFault decides whether a fault rule hits this request for action.
func (s *Server) pickFault(action string) (Fault, bool) {
	f, hit := s.faults.Pick(action)
	return Fault{
		Action: f.Action, Kind: FaultKind(f.Kind), AfterApply: f.AfterApply,
		Probability: f.Probability, Times: f.Times, Latency: f.Latency,
	}, hit
}

// ClearFaults removes every fault rule and QPS limit.
func (s *Server) ClearFaults() { s.faults.Clear() }

// SetQPS limits action ("" for all actions together) to qps requests per
// second, with a burst of ceil(qps) (at least 1); the excess is answered
// with Throttling.User. A qps of zero or less removes the limit.
func (s *Server) SetQPS(action string, qps float64) {
	burst := 1
	if qps > 1 {
		burst = int(math.Ceil(qps))
	}
	s.faults.SetQPS(action, qps, burst)
}

// documentedQPS is each emulated action's request quota per second, per
// region and account (the quota dimension "regionId, API, ParentUid"), as
// documented: the CAS 2020-04-07 quota page (api-cas-2020-04-07-quota)
// for DescribeCertificateState, DeleteCertificateRequest,
// RenewCertificateOrderForPackageRequest and ListUserCertificateOrder,
// and the QPS notes of the CancelOrderRequest (100) and
// CancelCertificateForPackageRequest (10) pages.
var documentedQPS = map[string]float64{
	ActionDescribe: 10,
	ActionCancel:   100,
	ActionRevoke:   10,
	ActionDelete:   10,
	ActionRenew:    10,
	ActionList:     10,
	// GetInstanceDetail's page: "10 invocations per second" per user.
	// The pages of CancelPendingCertificate, RevokeCertificate and
	// DeleteInstance state no quota (translated copies of the last two
	// carry a private-CA text with 10/s, not trusted), so they have none;
	// neither has ListInstances (its zh and en pages give none; the
	// pt-br and fr copies carry the same private-CA text).
	ActionInstanceDetail: 10,
}

// DocumentedQPS returns the documented per-second quota of each emulated
// action (a fresh map); [WithDocumentedQPS] applies it.
func DocumentedQPS() map[string]float64 { return maps.Clone(documentedQPS) }

// overQPS reports whether a request for action exceeds its own limit or the
// limit on all actions.
func (s *Server) overQPS(action string) bool {
	return s.faults.OverQPS(action) || s.faults.OverQPS("")
}

// malformedBody is what FaultMalformed answers: JSON cut short.
const malformedBody = `{"RequestId":"`

// renderFault answers the request with fault f (a kind other than
// latency), noting the outcome in the log first.
func (s *Server) renderFault(w http.ResponseWriter, r *http.Request, f Fault, requestID string, note func(func(*Request)), fail func(*apiError)) {
	switch f.Kind {
	case FaultServerError:
		fail(errInternal())
	case FaultUnavailable:
		fail(errUnavailable())
	case FaultThrottle:
		fail(errThrottled())
	case FaultReset:
		faultinject.ResetConn(w)
	case FaultHang:
		s.faults.HangUntilGone(w, r)
	case FaultHTMLNotFound:
		writeHTML(w, http.StatusNotFound, htmlNotFound, note)
	case FaultHTMLBadGateway:
		writeHTML(w, http.StatusBadGateway, htmlBadGateway, note)
	case FaultMalformed:
		note(func(e *Request) { e.HTTPStatus = http.StatusOK })
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(malformedBody + requestID))
	}
}

// writeHTML answers with an HTML page and no Alibaba error body.
func writeHTML(w http.ResponseWriter, status int, body string, note func(func(*Request))) {
	note(func(e *Request) { e.HTTPStatus = status })
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}
