package alibabatest

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/certbroker/certbroker/provider"
)

// Seed creates an order in the normalized state st and returns its ID. It
// panics if st is not one of [States].
func (s *Server) Seed(st provider.State) string {
	o, ok := seedFor[st]
	if !ok {
		panic(fmt.Sprintf("alibabatest: cannot seed state %v: Alibaba CAS has no such order state", st))
	}
	return s.SeedOrder(o)
}

// SeedOrder stores o, filling its defaults (see [Order]), and returns its
// ID. A zero ID allocates the next one. It panics if o is inconsistent
// (an unknown Type or Status, a Status that does not go with the Type or
// NotAfter, a negative or taken ID), like a misused httptest.
func (s *Server) SeedOrder(o Order) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := o.normalize(s.now())
	if err != nil {
		panic("alibabatest: SeedOrder: " + err.Error())
	}
	if n.ID == 0 {
		n.ID = s.allocID()
	} else if _, taken := s.orders[n.ID]; taken {
		panic(fmt.Sprintf("alibabatest: SeedOrder: order %d exists", n.ID))
	} else if n.ID >= s.nextID {
		s.nextID = n.ID + 1
	}
	if n.Domain == "" {
		// Letters only: a Keyword holding the order ID must not match.
		n.Domain = "site-" + letters(n.ID) + ".example.com"
	}
	s.orders[n.ID] = &record{Order: n}
	return strconv.FormatInt(n.ID, 10)
}

// UnknownID returns a well-formed order ID that names no order: one the
// server allocates and never uses, so no request or Seed will create it.
func (s *Server) UnknownID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strconv.FormatInt(s.allocID(), 10)
}

// allocID returns a fresh order ID. The caller holds s.mu.
func (s *Server) allocID() int64 {
	id := s.nextID
	s.nextID++
	return id
}

// Order returns order id as it is now, or false if there is none (never
// created, deleted, or not a decimal ID).
func (s *Server) Order(id string) (Order, bool) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return Order{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.orders[n]
	if !ok {
		return Order{}, false
	}
	return r.current(s.now()), true
}

// State returns the normalized state of order id, or false if it does not
// exist (see the package documentation for the mapping).
func (s *Server) State(id string) (provider.State, bool) {
	if strings.HasPrefix(id, "cas") {
		return s.instanceState(id)
	}
	o, ok := s.Order(id)
	if !ok {
		return provider.StateUnknown, false
	}
	return stateOf(o), true
}

// seedFor is the native order Seed creates for a normalized state.
var seedFor = map[provider.State]Order{
	provider.StatePendingApplication: {Type: TypePayed},
	provider.StateCancelled:          {Type: TypePayed, Cancelled: true},
	provider.StateUnderReview:        {Type: TypeDomainVerify},
	provider.StateReviewFailed:       {Type: TypeVerifyFail},
	provider.StateIssued:             {Type: TypeCertificate, Status: StatusIssued},
	provider.StateExpiring:           {Type: TypeCertificate, Status: StatusWillExpire},
	provider.StateExpired:            {Type: TypeCertificate, Status: StatusExpired},
	provider.StateRevoked:            {Type: TypeUnknown, Status: StatusRevoked},
}

// States lists the normalized states [Server.Seed] accepts, in the order of
// their numeric values. Alibaba has no Cancelling, Revoking or Hosted state,
// and Unknown is not a state one seeds.
func States() []provider.State {
	out := make([]provider.State, 0, len(seedFor))
	for _, st := range provider.States() {
		if _, ok := seedFor[st]; ok {
			out = append(out, st)
		}
	}
	return out
}
