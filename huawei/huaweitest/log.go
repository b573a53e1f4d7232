package huaweitest

import (
	"context"
	"encoding/hex"
	"net/http"
	"time"
)

// Request is one entry of the request log: what arrived and what became of
// it. Entries are added when a request arrives, so a request held by a hang
// is already there, with HTTPStatus 0.
type Request struct {
	// Time is when the request arrived, by the emulator's clock.
	Time time.Time
	// Action is the API name (ActionCancelCert, …); "" when no API matched.
	Action string
	// ID is the {cert_id} of the path; "" for list and purchase.
	ID string
	// AccessKeyID is the access key ID that signed the request, once the
	// signature was verified.
	AccessKeyID string
	// RequestID is the X-Request-Id the emulator answered with.
	RequestID string
	// HTTPStatus is the HTTP status sent; 0 when no response was sent
	// (reset, hang, client gone, emulator closed).
	HTTPStatus int
	// Code is the error_code sent; "" on success.
	Code string
	// Fault is the injected fault that hit the request; 0 for none.
	Fault FaultKind
	// Applied reports whether the operation ran to success in the state
	// machine, whatever the client was then told.
	Applied bool
	// Done reports whether the emulator has finished with the request.
	Done bool

	// Method and Path are the HTTP method and the decoded URL path.
	Method, Path string
	// ProjectID is the {project_id} of the path; "" when no API matched.
	ProjectID string
}

// Requests returns a copy of the request log, oldest first.
func (s *Server) Requests() []Request { return s.reqs.Snapshot() }

// RequestCount returns how many requests the emulator has received,
// whatever became of them (rejected ones included).
func (s *Server) RequestCount() int { return s.reqs.Len() }

// WaitForRequests blocks until the emulator has received at least n
// requests, or ctx ends (returning its error). It lets a test know that a
// request it sent from another goroutine has arrived, without sleeping.
func (s *Server) WaitForRequests(ctx context.Context, n int) error {
	return s.reqs.Wait(ctx, n)
}

// receive logs a new request and returns its index and request ID. The
// entry is appended under s.mu, with the request ID drawn, so that log
// order and ID draws stay in step (s.mu is taken before the log's own
// lock, never after).
func (s *Server) logStart(r *http.Request, now time.Time) (int, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b [16]byte
	for i := range b {
		b[i] = byte(s.reqRNG.Uint32())
	}
	id := hex.EncodeToString(b[:])
	return s.reqs.Append(Request{Method: r.Method, Path: r.URL.Path, Time: now, RequestID: id}), id
}

// note updates log entry i.
func (s *Server) logUpdate(i int, f func(*Request)) { s.reqs.Update(i, f) }

// logOutcome writes the request's log entry to the logger (WithLogger).
func (s *Server) logOutcome(idx int) {
	q := s.reqs.At(idx)
	s.cfg.logger.Debug("huaweitest request",
		"action", q.Action, "method", q.Method, "id", q.ID, "status", q.HTTPStatus, "code", q.Code,
		"fault", q.Fault, "applied", q.Applied, "request_id", q.RequestID)
}
