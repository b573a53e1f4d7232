package alibabatest

import (
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/certbroker/certbroker/internal/faultinject"
)

// serveHTTP answers one RPC request: parameters, authentication, QPS
// limit, faults, then the action. Every outcome is written to the request
// log before the response goes out, so a client that saw the answer finds
// it in the log.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	now := s.now()
	idx, reqID := s.logStart(now)
	defer s.logOutcome(idx)
	note := func(f func(*Request)) { s.logUpdate(idx, f) }
	defer note(func(e *Request) { e.Done = true })
	fail := func(e *apiError) {
		note(func(l *Request) { l.HTTPStatus, l.Code = e.status, e.code })
		writeError(w, reqID, e)
	}

	p, perr := readParams(r)
	if perr != nil {
		fail(perr)
		return
	}
	note(func(e *Request) {
		e.Action, e.ID, e.AccessKeyID = p["Action"], truncate(p["OrderId"]+p["InstanceId"]), truncate(p["AccessKeyId"])
		e.Params = actionParams(p)
	})
	if aerr := s.authenticate(r.Method, p, now); aerr != nil {
		fail(aerr)
		return
	}
	action := p["Action"]
	if s.overQPS(action) {
		note(func(e *Request) { e.Fault = FaultThrottle })
		fail(errThrottled())
		return
	}

	f, hit := s.pickFault(action)
	afterApply := hit && f.AfterApply && f.Kind != FaultLatency && f.Kind != FaultThrottle
	if hit {
		note(func(e *Request) { e.Fault = f.Kind })
	}
	// A fault before applying waits out its latency first; one after
	// applying applies first, so that the change has happened even when
	// the client gives up during the latency (as the Huawei emulator does).
	if hit && !afterApply {
		if !s.faultLatency(w, r, f) {
			return
		}
		if f.Kind != FaultLatency {
			s.renderFault(w, r, f, reqID, note, fail)
			return
		}
	}

	res := actions[action](s, p, now)
	note(func(e *Request) { e.Applied, e.NewID = res.applied, res.newID })
	if afterApply {
		if !s.faultLatency(w, r, f) {
			return
		}
		s.renderFault(w, r, f, reqID, note, fail)
		return
	}
	if res.err != nil {
		fail(res.err)
		return
	}
	res.body["RequestId"] = reqID
	note(func(e *Request) { e.HTTPStatus = http.StatusOK })
	writeJSON(w, http.StatusOK, res.body)
}

// faultLatency waits out a fault's latency. When the client leaves or the
// server closes first, it drops the connection (rather than let net/http
// send an empty 200) and reports false.
func (s *Server) faultLatency(w http.ResponseWriter, r *http.Request, f Fault) bool {
	if f.Latency > 0 && !s.faults.Sleep(r, f.Latency) {
		faultinject.ResetConn(w)
		return false
	}
	return true
}

// readParams collects the query and form parameters of r into one map,
// refusing anything but GET or POST to "/", bad encoding and repeated
// parameters. Every action is an HTTP POST (GET is accepted too) to "/"
// with its parameters in the query string; parameters in an
// application/x-www-form-urlencoded body are accepted as well, and are
// part of the signature.
func readParams(r *http.Request) (map[string]string, *apiError) {
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		return nil, newError(http.StatusBadRequest, codeUnsupportedHTTPMethod, "This http method %q is not supported.", r.Method)
	}
	if r.URL.Path != "/" && r.URL.Path != "" {
		return nil, newError(http.StatusNotFound, codeInvalidAction, "Specified api is not found, please check your url and method.")
	}
	if err := r.ParseForm(); err != nil {
		return nil, newError(http.StatusBadRequest, codeInvalidParameter, "The request query or body is not valid URL encoding.")
	}
	p := make(map[string]string, len(r.Form))
	for k, vs := range r.Form {
		if len(vs) > 1 {
			return nil, errInvalid(truncate(k), "the parameter is repeated")
		}
		p[k] = vs[0]
	}
	return p, nil
}

// commonParams are the parameters every RPC request carries; the rest
// belong to the action.
var commonParams = map[string]bool{
	"Action": true, "Version": true, "Format": true, "AccessKeyId": true, "Signature": true,
	"SignatureMethod": true, "SignatureVersion": true, "SignatureNonce": true, "SignatureType": true,
	"Timestamp": true, "RegionId": true, "SecurityToken": true, "BearerToken": true,
	"SourceIp": true, "SecureTransport": true,
}

// actionParams returns the action's own parameters from p (OrderId,
// Keyword, Status, Tags.N.Key, ...), values truncated, or nil if none.
func actionParams(p map[string]string) map[string]string {
	var out map[string]string
	for k, v := range p {
		if commonParams[k] {
			continue
		}
		if out == nil {
			out = make(map[string]string)
		}
		out[truncate(k)] = truncate(v)
	}
	return out
}

// truncate shortens a client-supplied value for logs and messages.
func truncate(s string) string {
	const limit = 64
	if len(s) <= limit {
		return s
	}
	return s[:limit] + "…"
}

// writeError writes the cloud's error body:
// {"RequestId","HostId":"cas.aliyuncs.com","Code","Message","Recommend"},
// all JSON strings (a numeric RequestId would panic the SDK). A success is
// {"RequestId": "…", <action fields>}; XML responses are not emulated.
func writeError(w http.ResponseWriter, requestID string, e *apiError) {
	writeJSON(w, e.status, map[string]string{
		"RequestId": requestID,
		"HostId":    hostID,
		"Code":      e.code,
		"Message":   e.message,
		"Recommend": recommend + url.QueryEscape(e.code) + "&product=cas",
	})
}

// writeJSON writes v as a JSON body with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"Code":"InternalError","Message":"encoding the response failed","HostId":"` + hostID + `"}`)
	}
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
