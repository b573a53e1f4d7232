package main

import (
	"context"
	"errors"
	"os"
	"slices"
	"testing"

	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

func TestRevokeExpiring(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		states []provider.State
		// inject sets up failures on the Fake, given the seeded IDs.
		inject      func(f *providertest.Fake, ids []string)
		wantRevoked []int // indexes into the seeded IDs
		wantKinds   []provider.Kind
		wantStates  []provider.State
	}{
		{
			name:        "only expiring ones are revoked",
			states:      []provider.State{provider.StateIssued, provider.StateExpiring, provider.StateRevoked, provider.StateExpiring},
			wantRevoked: []int{1, 3},
			wantStates:  []provider.State{provider.StateIssued, provider.StateRevoked, provider.StateRevoked, provider.StateRevoked},
		},
		{
			name:   "a failed status read is reported and the rest continue",
			states: []provider.State{provider.StateExpiring, provider.StateExpiring},
			inject: func(f *providertest.Fake, ids []string) {
				f.InjectError(provider.OpStatus, provider.ErrThrottled, providertest.ForID(ids[0]))
			},
			wantRevoked: []int{1},
			wantKinds:   []provider.Kind{provider.KindThrottled},
			wantStates:  []provider.State{provider.StateExpiring, provider.StateRevoked},
		},
		{
			name:   "a revoke whose answer was lost is reported, not hidden",
			states: []provider.State{provider.StateExpiring},
			inject: func(f *providertest.Fake, ids []string) {
				f.InjectError(provider.OpRevoke, provider.ErrOutcomeUnknown, providertest.AfterApply(), providertest.Once())
			},
			wantKinds:  []provider.Kind{provider.KindOutcomeUnknown},
			wantStates: []provider.State{provider.StateRevoked}, // applied, though the caller could not know
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := providertest.NewFake()
			var ids []string
			for _, st := range tt.states {
				ids = append(ids, fake.Seed(st))
			}
			if tt.inject != nil {
				tt.inject(fake, ids)
			}
			revoked, err := revokeExpiring(context.Background(), fake, ids, "test")

			var want []string
			for _, i := range tt.wantRevoked {
				want = append(want, ids[i])
			}
			if !slices.Equal(revoked, want) {
				t.Errorf("revoked %v, want %v", revoked, want)
			}
			for _, k := range tt.wantKinds {
				if !errors.Is(err, k) {
					t.Errorf("error %v is not %v", err, k)
				}
			}
			if len(tt.wantKinds) == 0 && err != nil {
				t.Errorf("unexpected error %v", err)
			}
			for i, id := range ids {
				if st, _ := fake.StateOf(id); st != tt.wantStates[i] {
					t.Errorf("%s: state %v, want %v", id, st, tt.wantStates[i])
				}
			}
			// Nothing but expiring orders was ever sent a Revoke.
			for _, c := range fake.Calls() {
				if c.Op == provider.OpRevoke && !slices.Contains(ids, c.ID) {
					t.Errorf("revoke of unseeded %s", c.ID)
				}
				if c.Op == provider.OpRevoke && tt.states[slices.Index(ids, c.ID)] != provider.StateExpiring {
					t.Errorf("revoke sent for %s in %v", c.ID, tt.states[slices.Index(ids, c.ID)])
				}
			}
		})
	}
}

func Example() {
	if err := run(context.Background(), os.Stdout); err != nil {
		panic(err)
	}
	// Output:
	// revoked [fake-2 fake-4]
	// fake-1: issued
	// fake-2: revoked
	// fake-3: under_review
	// fake-4: revoked
}
