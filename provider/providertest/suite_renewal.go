package providertest

import (
	"fmt"
	"slices"
	"time"

	"github.com/certbroker/certbroker/provider"
)

// renewal runs the checks of a provider that is a provider.RenewalFinder:
// a search finds the order a marked renewal created, never proves an
// order for a mark no renewal carried, and refuses bad input before
// sending.
func (s *suite[T]) renewal(t T) {
	t.Parallel()
	from, ok := s.allowedState(provider.OpRenew)
	if !ok || !s.caps.Renew.Supported {
		// Nothing to renew, so nothing to find: the invalid-input check
		// still applies.
		t.Run("invalid", s.renewalInvalid)
		return
	}
	t.Run("finds_a_marked_renewal", func(t T) { s.renewalFound(t, from) })
	t.Run("no_false_proof", func(t T) { s.renewalNoFalseProof(t, from) })
	t.Run("invalid", s.renewalInvalid)
}

// renewalFound renews a seeded order with a mark and checks that the
// search with the same request proves the new order, or at least names it
// among the candidates.
func (s *suite[T]) renewalFound(t T, from provider.State) {
	t.Parallel()
	h := s.newHarness(t)
	p := h.Provider()
	f := p.(provider.RenewalFinder)
	id := h.Seed(t, from)
	req := provider.RenewRequest{ID: id, Tags: []provider.Tag{{Key: provider.RenewalTagKey, Value: "suite-found-0001"}}}
	since := time.Now().Add(-time.Second)
	res, err := p.Renew(t.Context(), req)
	if err != nil {
		t.Fatalf("renew %s from %s: %v", id, from, err)
	}
	found, err := f.FindRenewal(t.Context(), req, since)
	if err != nil {
		t.Fatalf("FindRenewal after renewing %s: %v", id, err)
	}
	if found == nil {
		t.Fatalf("FindRenewal returned neither a search nor an error")
	}
	switch {
	case found.NewID == res.NewID:
	case found.NewID != "":
		t.Errorf("FindRenewal proved %q; the renewal created %q", found.NewID, res.NewID)
	case !slices.ContainsFunc(found.Candidates, func(e provider.ListEntry) bool { return e.ID == res.NewID }):
		t.Errorf("FindRenewal neither proved nor named the created order %q (candidates %v, basis %q)",
			res.NewID, found.Candidates, found.Basis)
	}
}

// renewalNoFalseProof checks that a search for a mark that no renewal
// carried proves nothing, even with another marked renewal made.
func (s *suite[T]) renewalNoFalseProof(t T, from provider.State) {
	t.Parallel()
	h := s.newHarness(t)
	p := h.Provider()
	f := p.(provider.RenewalFinder)
	since := time.Now().Add(-time.Second)
	other := h.Seed(t, from)
	if _, err := p.Renew(t.Context(), provider.RenewRequest{ID: other,
		Tags: []provider.Tag{{Key: provider.RenewalTagKey, Value: "suite-other-0001"}}}); err != nil {
		t.Fatalf("renew %s from %s: %v", other, from, err)
	}
	id := h.Seed(t, from)
	req := provider.RenewRequest{ID: id, Tags: []provider.Tag{{Key: provider.RenewalTagKey, Value: "suite-never-sent-0001"}}}
	found, err := f.FindRenewal(t.Context(), req, since)
	if err != nil {
		t.Fatalf("FindRenewal of a renewal never sent: %v", err)
	}
	if found == nil || found.NewID != "" {
		t.Errorf("FindRenewal of a renewal never sent proved an order: %+v", found)
	}
}

// renewalInvalid checks that FindRenewal refuses IDs the provider refuses,
// before sending anything.
func (s *suite[T]) renewalInvalid(t T) {
	t.Parallel()
	h := s.newHarness(t)
	f := h.Provider().(provider.RenewalFinder)
	for _, id := range s.invalidIDs {
		before := h.Requests(t)
		_, err := f.FindRenewal(t.Context(), provider.RenewRequest{ID: id,
			Tags: []provider.Tag{{Key: provider.RenewalTagKey, Value: "suite-invalid-0001"}}}, time.Now())
		what := fmt.Sprintf("FindRenewal for invalid ID %q", id)
		expectKind(t, what, err, provider.KindInvalidArgument)
		expectNoRequests(t, h, what, before)
	}
}
