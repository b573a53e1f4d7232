package provider_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/certbroker/certbroker/provider"
)

func TestListRequestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		req  provider.ListRequest
		ok   bool
	}{
		{"zero", provider.ListRequest{}, true},
		{"max page", provider.ListRequest{PageSize: provider.MaxPageSize}, true},
		{"filters", provider.ListRequest{States: []provider.State{provider.StateIssued}, ExpiringWithin: time.Hour, Domain: "example.com"}, true},
		{"negative page", provider.ListRequest{PageSize: -1}, false},
		{"page too big", provider.ListRequest{PageSize: provider.MaxPageSize + 1}, false},
		{"negative duration", provider.ListRequest{ExpiringWithin: -time.Second}, false},
		{"unknown state", provider.ListRequest{States: []provider.State{provider.StateUnknown}}, true},
		{"negative state", provider.ListRequest{States: []provider.State{provider.State(-1)}}, false},
		{"out of range state", provider.ListRequest{States: []provider.State{provider.State(999)}}, false},
		{"domain with slash", provider.ListRequest{Domain: "a/b"}, false},
		{"domain with space", provider.ListRequest{Domain: "a b"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.req.Validate()
			if tt.ok != (err == nil) {
				t.Fatalf("Validate() = %v, want ok=%v", err, tt.ok)
			}
			if err != nil && (provider.KindOf(err) != provider.KindInvalidArgument || !errors.Is(err, provider.ErrInvalidArgument)) {
				t.Errorf("kind = %v, want invalid_argument", provider.KindOf(err))
			}
		})
	}
}

func TestListRequestKeeps(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	e := provider.ListEntry{ID: "x", State: provider.StateExpiring, Domains: []string{"www.Example.com."}, NotAfter: now.Add(10 * 24 * time.Hour)}
	tests := []struct {
		name string
		req  provider.ListRequest
		want bool
	}{
		{"no filter", provider.ListRequest{}, true},
		{"state in set", provider.ListRequest{States: []provider.State{provider.StateIssued, provider.StateExpiring}}, true},
		{"state not in set", provider.ListRequest{States: []provider.State{provider.StateIssued}}, false},
		{"expiring within 30d", provider.ListRequest{ExpiringWithin: 30 * 24 * time.Hour}, true},
		{"not expiring within 5d", provider.ListRequest{ExpiringWithin: 5 * 24 * time.Hour}, false},
		{"domain suffix", provider.ListRequest{Domain: "example.com"}, true},
		{"domain exact", provider.ListRequest{Domain: "www.example.com"}, true},
		{"domain lookalike", provider.ListRequest{Domain: "ample.com"}, false},
		{"domain deeper", provider.ListRequest{Domain: "a.www.example.com"}, false},
	}
	for _, tt := range tests {
		if got := tt.req.Keeps(e, now); got != tt.want {
			t.Errorf("%s: Keeps = %v, want %v", tt.name, got, tt.want)
		}
	}
	if (provider.ListRequest{ExpiringWithin: time.Hour}).Keeps(provider.ListEntry{}, now) {
		t.Errorf("an entry without NotAfter passed an expiry filter")
	}
}

// countingLister lists n entries, pageSize at a time, and can repeat a token.
type countingLister struct {
	n, pageSize int
	stuck       bool
}

func (l countingLister) List(_ context.Context, req provider.ListRequest) (*provider.ListPage, error) {
	start := 0
	if req.PageToken != "" {
		start, _ = strconv.Atoi(req.PageToken)
	}
	p := &provider.ListPage{}
	for i := start; i < min(start+l.pageSize, l.n); i++ {
		p.Entries = append(p.Entries, provider.ListEntry{ID: strconv.Itoa(i)})
	}
	if end := start + l.pageSize; end < l.n {
		p.Next = strconv.Itoa(end)
		if l.stuck && start > 0 {
			p.Next = req.PageToken
		}
	}
	return p, nil
}

func TestPages(t *testing.T) {
	t.Parallel()
	var ids []string
	pages := 0
	for page, err := range provider.Pages(t.Context(), countingLister{n: 7, pageSize: 3}, provider.ListRequest{}) {
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, e := range page.Entries {
			ids = append(ids, e.ID)
		}
	}
	if pages != 3 || len(ids) != 7 || ids[6] != "6" {
		t.Errorf("pages = %d, ids = %v; want 3 pages of 0..6", pages, ids)
	}

	var last error
	n := 0
	for _, err := range provider.Pages(t.Context(), countingLister{n: 10, pageSize: 2, stuck: true}, provider.ListRequest{}) {
		last = err
		if n++; n > 5 {
			t.Fatal("Pages looped on a repeated token")
		}
	}
	if provider.KindOf(last) != provider.KindOther {
		t.Errorf("last error = %v, want kind other", last)
	}

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	for _, err := range provider.Pages(ctx, countingLister{n: 1, pageSize: 1}, provider.ListRequest{}) {
		if !errors.Is(err, context.Canceled) || provider.KindOf(err) != provider.KindCanceled {
			t.Errorf("err = %v, want canceled", err)
		}
	}
}
