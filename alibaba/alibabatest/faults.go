package alibabatest

import (
	"maps"
	"math"
	"net/http"

	"github.com/certbroker/certbroker/internal/faultinject"
)

// Fault is one fault rule; Fault.Action is a CAS action name such as
// ActionRenew, or "" for every action.
type Fault = faultinject.Fault

// FaultKind is the kind of a fault.
type FaultKind = faultinject.Kind

// The fault kinds and what a client of this emulator sees.
const (
	// FaultLatency delays the response by Fault.Latency, then answers.
	FaultLatency = faultinject.Latency
	// FaultServerError answers HTTP 500 InternalError.
	FaultServerError = faultinject.ServerError
	// FaultUnavailable answers HTTP 503 ServiceUnavailable.
	FaultUnavailable = faultinject.Unavailable
	// FaultThrottle answers HTTP 400 Throttling.User, never after applying.
	FaultThrottle = faultinject.Throttle
	// FaultReset reads the request, then resets the connection.
	FaultReset = faultinject.Reset
	// FaultHang holds the request until the client gives up or Close.
	FaultHang = faultinject.Hang
	// FaultMalformed answers HTTP 200 with a body that is not valid JSON.
	FaultMalformed = faultinject.Malformed
)

// Faults of the HTTP front end rather than of CAS: a proxy, load balancer
// or misrouted gateway answering with an HTML page and no Alibaba code.
const (
	// FaultHTMLNotFound answers HTTP 404 with an HTML page and no code.
	// A client must not read it as NotFoundOrder: the order was not
	// looked at.
	FaultHTMLNotFound = faultinject.ProxyNotFound
	// FaultHTMLBadGateway answers HTTP 502 with an HTML page and no
	// code. With AfterApply the action was applied first.
	FaultHTMLBadGateway = faultinject.ProxyBadGateway
)

// The HTML bodies of FaultHTMLNotFound and FaultHTMLBadGateway, shaped
// like the pages of the Tengine front ends Alibaba Cloud runs.
const (
	htmlNotFound   = "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>Tengine</center>\r\n</body>\r\n</html>\r\n"
	htmlBadGateway = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>Tengine</center>\r\n</body>\r\n</html>\r\n"
)

// InjectFault adds a fault rule. Rules are tried in the order they were
// added; the first that matches and is drawn applies.
func (s *Server) InjectFault(f Fault) { s.faults.Add(f) }

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
