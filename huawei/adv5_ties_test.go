package huawei

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/certbroker/certbroker/provider"
)

// TestAdv5TieHeavyRandomChanges (adv5, adversarial review) lists an
// inventory of a few large groups of certificates sharing one
// expire_time, page by page at odd page sizes, while between every page
// up to 3 certificates that are not among the token's anchors are deleted
// (before or after the position) and up to 3 are created with an expiry
// that ties with an existing group. The token's anchors always survive,
// so List's doc (huawei/lister.go, "Paging under changes", step 1)
// promises: nothing listed twice, every certificate present throughout
// listed exactly once, a created one at most once.
func TestAdv5TieHeavyRandomChanges(t *testing.T) {
	t.Parallel()
	for seed := range 24 {
		// Odd seeds may delete every anchor but one (chosen at random),
		// which List's doc still covers: "one of the previous page's
		// anchors is still in the list".
		t.Run(strconv.Itoa(seed), func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(uint64(seed), 99))
			h := newEmulated(t, false)
			base := time.Now().Add(100 * 24 * time.Hour).Truncate(time.Hour)
			groups := []time.Time{base, base.Add(time.Hour), base.Add(2 * time.Hour), base.Add(3 * time.Hour)}
			alive := map[string]bool{}
			var order []string
			for i := range 160 {
				id := h.srv.SeedListed(provider.StateIssued, groups[i%len(groups)])
				alive[id] = true
				order = append(order, id)
			}
			present := map[string]bool{}
			for id := range alive {
				present[id] = true // until deleted
			}
			created := map[string]bool{}
			size := 3 + rng.IntN(9)
			req := provider.ListRequest{PageSize: size}
			count := map[string]int{}
			for pages := 0; ; pages++ {
				if pages > 500 {
					t.Fatal("the listing never ends")
				}
				p, err := h.a.List(t.Context(), req)
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
				pos, err := decodeToken(p.Next, req)
				if err != nil {
					t.Fatalf("own token: %v", err)
				}
				anchors := map[string]bool{}
				for _, id := range pos.ids {
					anchors[id] = true
				}
				if seed%2 == 1 && len(pos.ids) > 0 {
					keep := pos.ids[rng.IntN(len(pos.ids))]
					anchors = map[string]bool{keep: true}
				}
				for range rng.IntN(4) {
					var cands []string
					for _, id := range order {
						if alive[id] && !anchors[id] {
							cands = append(cands, id)
						}
					}
					if len(cands) == 0 {
						break
					}
					id := cands[rng.IntN(len(cands))]
					if _, err := h.a.Delete(t.Context(), provider.DeleteRequest{ID: id}); err != nil {
						t.Fatalf("delete %s: %v", id, err)
					}
					alive[id], present[id] = false, false
				}
				for range rng.IntN(4) {
					id := h.srv.SeedListed(provider.StateIssued, groups[rng.IntN(len(groups))])
					alive[id], created[id] = true, true
					order = append(order, id)
				}
			}
			for id, ok := range present {
				if ok && count[id] != 1 {
					t.Errorf("%s present throughout, listed %d times (size %d)", id, count[id], size)
				}
			}
			for id, n := range count {
				if !created[id] && !alive[id] && n > 1 {
					t.Errorf("deleted %s listed %d times", id, n)
				}
			}
		})
	}
}
