package alibaba

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/certbroker/certbroker/provider"
)

// TestAdv5InstancesRandomChanges (adv5, adversarial review) lists orders
// then instances at small page sizes while, between every page, up to 2
// instances that are not among the token's anchors are deleted (read or
// not yet read) and up to 2 are created. One of the last eight instances
// read always survives and the rows move by far less than two pages, so
// listInstancePage's doc (alibaba/lister_instances.go) promises every
// instance present throughout is listed exactly once, and none twice.
func TestAdv5InstancesRandomChanges(t *testing.T) {
	t.Parallel()
	for seed := range 16 {
		t.Run(strconv.Itoa(seed), func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(uint64(seed), 7))
			s := newEmulator(t)
			a := adapterFor(t, s)
			for range 5 {
				s.Seed(provider.StateIssued)
			}
			alive := map[string]bool{}
			var all []string
			for range 60 {
				id := s.SeedInstanceState(provider.StateCancelled)
				alive[id] = true
				all = append(all, id)
			}
			present := map[string]bool{}
			for _, id := range all {
				present[id] = true
			}
			created := map[string]bool{}
			size := 2 + rng.IntN(6)
			req := provider.ListRequest{PageSize: size}
			count := map[string]int{}
			for pages := 0; ; pages++ {
				if pages > 1000 {
					t.Fatal("the listing never ends")
				}
				p, err := a.List(t.Context(), req)
				if err != nil {
					t.Fatalf("page %d: %v", pages+1, err)
				}
				for _, e := range p.Entries {
					if count[e.ID]++; count[e.ID] == 2 {
						t.Errorf("%s listed twice (page %d, size %d)", e.ID, pages+1, size)
					}
				}
				if p.Next == "" {
					break
				}
				req.PageToken = p.Next
				tok, err := decodeListToken(p.Next)
				if err != nil {
					t.Fatal(err)
				}
				anchors := map[uint64]bool{}
				for _, h := range tok.Anchors {
					anchors[h] = true
				}
				for range rng.IntN(3) {
					var cands []string
					for _, id := range all {
						if alive[id] && !anchors[anchorHash(id)] {
							cands = append(cands, id)
						}
					}
					if len(cands) == 0 {
						break
					}
					id := cands[rng.IntN(len(cands))]
					if _, err := a.Delete(t.Context(), provider.DeleteRequest{ID: id}); err != nil {
						t.Fatalf("delete %s: %v", id, err)
					}
					alive[id], present[id] = false, false
				}
				for range rng.IntN(3) {
					id := s.SeedInstanceState(provider.StateCancelled)
					alive[id], created[id] = true, true
					all = append(all, id)
				}
			}
			for _, id := range all {
				if present[id] && !created[id] && count[id] != 1 {
					t.Errorf("instance %s present throughout, listed %d times (size %d)", id, count[id], size)
				}
			}
		})
	}
}
