package providertest_test

import (
	"strconv"
	"sync"
	"testing"

	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

func TestFakeCallLogLimit(t *testing.T) {
	t.Parallel()
	const unbounded = -1
	tests := []struct {
		name  string
		limit int // unbounded for no WithCallLogLimit
		calls int
		kept  int // calls Calls returns: the last ones
	}{
		{name: "default, none", limit: unbounded, calls: 0, kept: 0},
		{name: "default keeps all", limit: unbounded, calls: 7, kept: 7},
		{name: "zero keeps none", limit: 0, calls: 7, kept: 0},
		{name: "one keeps the last", limit: 1, calls: 7, kept: 1},
		{name: "under the limit", limit: 5, calls: 3, kept: 3},
		{name: "at the limit", limit: 5, calls: 5, kept: 5},
		{name: "wrapped once", limit: 3, calls: 4, kept: 3},
		{name: "wrapped twice and more", limit: 3, calls: 8, kept: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var opts []providertest.FakeOption
			if tt.limit != unbounded {
				opts = append(opts, providertest.WithCallLogLimit(tt.limit))
			}
			f := providertest.NewFake(opts...)
			id := f.Seed(provider.StateIssued)
			const unknown = "fake-999999"
			for i := range tt.calls {
				// Odd calls fail, so that each entry's Err shows whose it is.
				target := id
				if i%2 == 1 {
					target = unknown
				}
				_, _ = f.Status(t.Context(), provider.StatusRequest{ID: target})
			}
			if got := f.CallCount(); got != tt.calls {
				t.Errorf("CallCount() = %d, want %d", got, tt.calls)
			}
			calls := f.Calls()
			if len(calls) != tt.kept {
				t.Fatalf("Calls() has %d calls, want %d: %+v", len(calls), tt.kept, calls)
			}
			first := tt.calls - tt.kept
			for j, c := range calls {
				i := first + j
				wantID, wantErr := id, i%2 == 1
				if wantErr {
					wantID = unknown
				}
				if c.RequestID != "fake-req-"+strconv.Itoa(i+1) || c.ID != wantID || (c.Err != nil) != wantErr || c.End.IsZero() {
					t.Errorf("Calls()[%d] = %+v, want call %d (ID %s, error %v, ended)", j, c, i+1, wantID, wantErr)
				}
			}
		})
	}
}

// A call still in flight when the log drops it must neither fail nor
// overwrite the entry that took its place when it ends.
func TestFakeCallLogLimitDropsInFlightCall(t *testing.T) {
	t.Parallel()
	f := providertest.NewFake(providertest.WithCallLogLimit(1))
	id, errc := holdRevoke(t, f)
	if _, err := f.Status(t.Context(), provider.StatusRequest{ID: id}); err != nil {
		t.Fatalf("status during a held revoke: %v", err)
	}
	f.SetLatency(provider.OpRevoke, 0)
	if err := <-errc; err != nil {
		t.Fatalf("released revoke: %v", err)
	}
	calls := f.Calls()
	if len(calls) != 1 || calls[0].Op != provider.OpStatus || calls[0].RequestID != "fake-req-2" || calls[0].Err != nil {
		t.Errorf("Calls() = %+v, want only the status call, untouched", calls)
	}
	if n := f.CallCount(); n != 2 {
		t.Errorf("CallCount() = %d, want 2", n)
	}
	if st, _ := f.StateOf(id); st != provider.StateRevoked {
		t.Errorf("state after the released revoke: %s", st)
	}
}

func TestFakeCallLogLimitConcurrent(t *testing.T) {
	t.Parallel()
	const workers, each, limit = 8, 50, 16
	f := providertest.NewFake(providertest.WithCallLogLimit(limit))
	id := f.Seed(provider.StateIssued)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range each {
				if _, err := f.Status(t.Context(), provider.StatusRequest{ID: id}); err != nil {
					t.Errorf("status: %v", err)
				}
				_ = f.Calls()
			}
		})
	}
	wg.Wait()
	if n := f.CallCount(); n != workers*each {
		t.Errorf("CallCount() = %d, want %d", n, workers*each)
	}
	calls := f.Calls()
	if len(calls) != limit {
		t.Fatalf("Calls() has %d calls, want %d", len(calls), limit)
	}
	seen := make(map[string]bool)
	for _, c := range calls {
		n, err := strconv.Atoi(c.RequestID[len("fake-req-"):])
		if err != nil || n <= workers*each-limit || seen[c.RequestID] || c.End.IsZero() {
			t.Errorf("kept call %+v is not one of the last %d, or is repeated or unfinished", c, limit)
		}
		seen[c.RequestID] = true
	}
}
