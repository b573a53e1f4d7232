package huaweitest

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/certbroker/certbroker/internal/faultinject"
)

// maxBody is the largest request body accepted.
const maxBody = 1 << 20

// route is a request matched to an API.
type route struct {
	api     string
	project string
	certID  string
	query   string // the raw query string
	// v3 is set for the SCM v3 paths, which carry no project: the
	// project is the X-Project-Id header's.
	v3 bool
}

// parseRoute matches method and the decoded path against the APIs. Paths
// are relative to the server's URL; {project_id} must be a known project
// (WithProjectID) and equal the X-Project-Id header the SDK adds. The v3
// paths carry no project: the certificate's project is the X-Project-Id
// header's, which must be a known project.
//
//	POST   /v2/{project_id}/scm/cert/{cert_id}/cancel-cert   ActionCancelCert
//	POST   /v2/{project_id}/scm/cert/{cert_id}/revoke        ActionRevoke
//	DELETE /v2/{project_id}/scm/cert/{cert_id}               ActionDelete
//	GET    /v2/{project_id}/scm/cert/{cert_id}               ActionDetails
//	GET    /v2/{project_id}/scm/certlist                     ActionList
//	POST   /v2/{project_id}/scm/cert/purchase                ActionPurchase
//	GET    /v3/scm/certificates                              ActionList (v3)
//	GET    /v3/scm/certificates/{certificate_id}             ActionDetails (v3)
//	DELETE /v3/scm/certificates/{certificate_id}             ActionDelete (v3)
//	POST   /v3/scm/certificates/buy                          ActionPurchase (v3)
//	POST   /v3/scm/resource_instances/action                 ActionListByTag (v3)
//
// The last is ListCertificatesByTag, whose path the reference writes
// /v3/scm/{resource_instances}/action with the fixed value
// "resource_instances" (tags.go); any other value there matches no API.
func parseRoute(method, path string) (route, bool) {
	segs := strings.Split(path, "/")
	for _, r := range routes() {
		if r.method != method {
			continue
		}
		if rt, ok := r.match(segs); ok {
			return rt, true
		}
	}
	return route{}, false
}

// routeDef is one API of the table above: a method, a pattern whose
// {project_id} and {cert_id} segments are captured, and the API.
type routeDef struct {
	method, pattern, api string
}

// routes is the table of parseRoute, in its doc's order.
func routes() []routeDef {
	return []routeDef{
		{http.MethodPost, "/v2/{project_id}/scm/cert/{cert_id}/cancel-cert", ActionCancelCert},
		{http.MethodPost, "/v2/{project_id}/scm/cert/{cert_id}/revoke", ActionRevoke},
		{http.MethodDelete, "/v2/{project_id}/scm/cert/{cert_id}", ActionDelete},
		{http.MethodGet, "/v2/{project_id}/scm/cert/{cert_id}", ActionDetails},
		{http.MethodGet, "/v2/{project_id}/scm/certlist", ActionList},
		{http.MethodPost, "/v2/{project_id}/scm/cert/purchase", ActionPurchase},
		{http.MethodGet, "/v3/scm/certificates", ActionList},
		{http.MethodGet, "/v3/scm/certificates/{cert_id}", ActionDetails},
		{http.MethodDelete, "/v3/scm/certificates/{cert_id}", ActionDelete},
		{http.MethodPost, "/v3/scm/certificates/buy", ActionPurchase},
		{http.MethodPost, "/v3/scm/resource_instances/action", ActionListByTag},
	}
}

// reservedSegments are the literal last segments of the table, which are
// never read as a certificate ID.
func reservedSegment(s string) bool { return s == "purchase" || s == "buy" || s == "certlist" }

// match matches the path's segments against the pattern.
func (r routeDef) match(segs []string) (route, bool) {
	pat := strings.Split(r.pattern, "/")
	if len(pat) != len(segs) {
		return route{}, false
	}
	rt := route{api: r.api, v3: pat[1] == "v3"}
	for i, p := range pat {
		switch {
		case p == "{project_id}" && segs[i] != "":
			rt.project = segs[i]
		case p == "{cert_id}" && segs[i] != "" && !reservedSegment(segs[i]):
			rt.certID = segs[i]
		case p != segs[i] || strings.HasPrefix(p, "{"):
			return route{}, false
		}
	}
	return rt, true
}

// exchange is one request being answered.
type exchange struct {
	s     *Server
	w     http.ResponseWriter
	r     *http.Request
	idx   int
	reqID string
}

// reply sends a JSON response with the request ID and logs the outcome.
func (ex *exchange) reply(status int, code string, body []byte) {
	h := ex.w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Request-Id", ex.reqID)
	ex.w.WriteHeader(status)
	_, _ = ex.w.Write(body)
	ex.s.logUpdate(ex.idx, func(q *Request) { q.HTTPStatus, q.Code = status, code })
}

// replyHTML answers like a proxy: an HTML page, no error code and no
// X-Request-Id.
func (ex *exchange) replyHTML(status int, title string) {
	ex.w.Header().Set("Content-Type", "text/html; charset=utf-8")
	ex.w.WriteHeader(status)
	_, _ = ex.w.Write([]byte("<html><head><title>" + title + "</title></head><body><center><h1>" + title +
		"</h1></center><hr><center>nginx</center></body></html>\n"))
	ex.s.logUpdate(ex.idx, func(q *Request) { q.HTTPStatus = status })
}

func (ex *exchange) fail(e *apiError) { ex.reply(e.status, e.code, e.body()) }

// reset drops the connection without a response.
func (ex *exchange) reset() { faultinject.ResetConn(ex.w) }

// serveHTTP is the pipeline every request goes through: log, route, read,
// authenticate, check the project, throttle, pick a fault, apply, answer.
// Authentication is checked first, then the project, then QPS limits and
// injected faults, then the operation's own parameters. Every response,
// success or failure, carries an X-Request-Id header and Content-Type
// application/json.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.inflight.enter() {
		faultinject.ResetConn(w)
		return
	}
	defer s.inflight.leave()
	idx, reqID := s.logStart(r, s.now())
	ex := &exchange{s: s, w: w, r: r, idx: idx, reqID: reqID}
	defer s.logOutcome(idx)
	defer s.logUpdate(idx, func(q *Request) { q.Done = true })
	s.handle(ex)
}

func (s *Server) handle(ex *exchange) {
	r := ex.r
	rt, ok := parseRoute(r.Method, r.URL.Path)
	if !ok {
		ex.fail(errNoAPI())
		return
	}
	rt.query = r.URL.RawQuery
	if rt.v3 {
		rt.project = r.Header.Get("X-Project-Id")
	}
	s.logUpdate(ex.idx, func(q *Request) { q.Action, q.ProjectID, q.ID = rt.api, rt.project, rt.certID })
	body, err := io.ReadAll(http.MaxBytesReader(ex.w, r.Body, maxBody))
	if err != nil {
		if _, tooLarge := errors.AsType[*http.MaxBytesError](err); tooLarge {
			ex.fail(errTooLarge())
			return
		}
		ex.reset()
		return
	}
	ak, aerr := s.authenticate(r, body, s.now())
	if aerr != nil {
		ex.fail(aerr)
		return
	}
	s.logUpdate(ex.idx, func(q *Request) { q.AccessKeyID = ak })
	if r.Header.Get("X-Project-Id") != rt.project || rt.project == "" {
		ex.fail(errProjectMismatch())
		return
	}
	if !s.knownProject(rt.project) {
		ex.fail(errNoProject())
		return
	}
	if s.overQPS(rt.api) {
		ex.fail(errThrottled())
		return
	}
	f, hit := s.pickFault(rt.api)
	if hit {
		s.logUpdate(ex.idx, func(q *Request) { q.Fault = f.Kind })
		if !f.AfterApply {
			if !s.faults.Sleep(r, f.Latency) {
				ex.reset()
				return
			}
			if f.Kind != FaultLatency {
				s.renderFault(ex, f)
				return
			}
			hit = false // plain latency: answer normally below
		}
	}
	status, out, apiErr := s.apply(rt, body, s.now())
	if apiErr == nil {
		s.logUpdate(ex.idx, func(q *Request) { q.Applied = true })
	}
	if hit {
		if !s.faults.Sleep(r, f.Latency) {
			ex.reset()
			return
		}
		if f.Kind != FaultLatency {
			s.renderFault(ex, f)
			return
		}
	}
	if apiErr != nil {
		ex.fail(apiErr)
		return
	}
	ex.reply(status, "", out)
}

// renderFault answers with fault f instead of the operation's response.
func (s *Server) renderFault(ex *exchange, f Fault) {
	switch f.Kind {
	case FaultServerError:
		ex.fail(errServer())
	case FaultUnavailable:
		ex.fail(errUnavailable())
	case FaultThrottle:
		ex.fail(errThrottled())
	case FaultReset:
		ex.reset()
	case FaultHang:
		s.faults.HangUntilGone(ex.w, ex.r)
	case FaultMalformed:
		ex.reply(http.StatusOK, "", []byte(`{"message": "succ`))
	case FaultHTMLNotFound:
		ex.replyHTML(http.StatusNotFound, "404 Not Found")
	case FaultHTMLBadGateway:
		ex.replyHTML(http.StatusBadGateway, "502 Bad Gateway")
	default:
		ex.fail(errServer())
	}
}
