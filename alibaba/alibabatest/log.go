package alibabatest

import (
	"context"
	"slices"
	"time"
)

// Request is one entry of the request log: a request the server received
// and what became of it.
type Request struct {
	// Time is when the request arrived, by the server clock.
	Time time.Time
	// Action is the Action parameter as sent ("" if none).
	Action string
	// ID is the OrderId or InstanceId parameter as sent ("" if none; an
	// action takes one or the other).
	ID string
	// AccessKeyID is the AccessKeyId parameter as sent.
	AccessKeyID string
	// RequestID is the RequestId the server answered (or would have).
	RequestID string
	// HTTPStatus is the status written; 0 while the request is in
	// progress, or when no response was written (reset, hang, client gone).
	HTTPStatus int
	// Code is the error code answered, "" on success.
	Code string
	// Fault is the fault injected, 0 if none. A request refused by a QPS
	// limit shows FaultThrottle.
	Fault FaultKind
	// Applied reports whether the request changed the order state.
	Applied bool
	// Done reports whether the server has finished with the request.
	Done bool

	// Params are the action's own parameters as sent (OrderId, Keyword,
	// Status, OrderType, CurrentPage, Csr, Tags.N.Key, ...), without the
	// common ones (Action, Version, AccessKeyId, Signature*, Timestamp,
	// RegionId, ...); long values are cut to 64 bytes. nil if none.
	Params map[string]string
	// NewID is the order a successful renewal created.
	NewID string
}

// Renewal is one order created by RenewCertificateOrderForPackageRequest.
type Renewal struct {
	// From is the renewed order's ID; NewID the new order's.
	From, NewID string
	// CSR and Tags are what the request carried.
	CSR  string
	Tags []Tag
	// Time is when the renewal happened, by the server clock.
	Time time.Time
}

// QuotaReturn is one certificate quota given back to the account's
// resource plan.
type QuotaReturn struct {
	// OrderID is the order whose quota came back.
	OrderID string
	// Action is the action that gave it back: ActionRevoke (a pending
	// order cancelled, or a certificate revoked within 30 days
	// of issuance) or ActionDelete (a failed or cancelled order removed).
	Action string
	// Time is when, by the server clock.
	Time time.Time
}

// logStart appends an entry for a request arriving now and returns its
// index and request ID. It wakes WaitForRequests. The entry is appended
// under s.mu, with the request ID drawn, so that log order and ID draws
// stay in step (s.mu is taken before the log's own lock, never after).
func (s *Server) logStart(now time.Time) (int, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.newRequestID()
	return s.reqs.Append(Request{Time: now, RequestID: id}), id
}

// logOutcome writes the request's log entry to the logger (WithLogger).
func (s *Server) logOutcome(i int) {
	q := s.reqs.At(i)
	s.cfg.logger.Debug("alibabatest request",
		"action", q.Action, "id", q.ID, "status", q.HTTPStatus, "code", q.Code,
		"fault", q.Fault, "applied", q.Applied, "request_id", q.RequestID)
}

// logUpdate edits entry i.
func (s *Server) logUpdate(i int, f func(*Request)) { s.reqs.Update(i, f) }

// Requests returns a copy of the request log, oldest first.
func (s *Server) Requests() []Request { return s.reqs.Snapshot() }

// RequestCount returns how many requests the server has received.
func (s *Server) RequestCount() int { return s.reqs.Len() }

// WaitForRequests blocks until the server has received at least n requests
// (counted on arrival, before any fault), or ctx is done, returning its
// error. Tests use it to know a request is being held without sleeping.
func (s *Server) WaitForRequests(ctx context.Context, n int) error {
	return s.reqs.Wait(ctx, n)
}

// Renewals returns every order created by a renewal, oldest first.
func (s *Server) Renewals() []Renewal {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.renewals)
	for i := range out {
		out[i].Tags = slices.Clone(out[i].Tags)
	}
	return out
}

// QuotaReturns returns every quota given back, oldest first.
func (s *Server) QuotaReturns() []QuotaReturn {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.quota)
}
