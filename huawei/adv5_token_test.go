package huawei

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/certbroker/certbroker/provider"
)

// adv5 (adversarial review): h2 page tokens edited, cut, replayed with
// other filters or taken from Alibaba are refused with invalid_argument
// before any request (huawei/lister.go List doc: "one not issued here, or
// issued for other filters, is refused before any request").

func adv5H2(t *testing.T) (*harness, string) {
	t.Helper()
	base := time.Now().Add(100 * 24 * time.Hour).Truncate(time.Hour)
	h := newEmulated(t, false)
	for i := range 12 {
		h.srv.SeedListed(provider.StateIssued, base.Add(time.Duration(i%3)*time.Hour))
	}
	// Two pages in, so the token has anchors, a key and a run.
	p, err := h.a.List(t.Context(), provider.ListRequest{PageSize: 4})
	if err != nil || p.Next == "" {
		t.Fatalf("first page: %v", err)
	}
	p, err = h.a.List(t.Context(), provider.ListRequest{PageSize: 4, PageToken: p.Next})
	if err != nil || p.Next == "" {
		t.Fatalf("second page: %v", err)
	}
	return h, p.Next
}

func adv5HwRefused(t *testing.T, h *harness, req provider.ListRequest) {
	t.Helper()
	before := h.srv.RequestCount()
	_, err := h.a.List(t.Context(), req)
	if provider.KindOf(err) != provider.KindInvalidArgument {
		t.Errorf("token %q: %v, want invalid_argument", req.PageToken, err)
	}
	if n := h.srv.RequestCount() - before; n != 0 {
		t.Errorf("token %q: %d requests sent", req.PageToken, n)
	}
}

// TestAdv5H2EveryByteEdited changes each byte of the decoded token in
// turn, and cuts it at each length: every one is refused before sending.
// (Held up.)
func TestAdv5H2EveryByteEdited(t *testing.T) {
	t.Parallel()
	h, tok := adv5H2(t)
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		t.Fatal(err)
	}
	for i := range raw {
		for _, d := range []byte{1, 2, 0x20} {
			e := []byte(string(raw))
			e[i] ^= d
			adv5HwRefused(t, h, provider.ListRequest{PageSize: 4, PageToken: base64.RawURLEncoding.EncodeToString(e)})
		}
	}
	for n := 0; n < len(raw); n++ {
		if n == 0 {
			continue // "" is the first page
		}
		adv5HwRefused(t, h, provider.ListRequest{PageSize: 4, PageToken: base64.RawURLEncoding.EncodeToString(raw[:n])})
	}
	// The real token still works.
	if _, err := h.a.List(t.Context(), provider.ListRequest{PageSize: 4, PageToken: tok}); err != nil {
		t.Errorf("own token: %v", err)
	}
}

// TestAdv5H2ForeignAndReplayed: replayed with other filters, an Alibaba
// v2 token, garbage, oversize, an empty anchor list with a run. (Held up.)
func TestAdv5H2ForeignAndReplayed(t *testing.T) {
	t.Parallel()
	h, tok := adv5H2(t)
	raw, _ := base64.RawURLEncoding.DecodeString(tok)
	parts := strings.Split(string(raw), ".")
	// An empty anchor list with a run > 0, re-summed: refused by shape.
	body := strings.Join([]string{parts[0], parts[1], "", parts[3], "2", parts[5]}, ".")
	noAnchors := base64.RawURLEncoding.EncodeToString([]byte(body + "." + tokenSum(body)))
	ali := base64.RawURLEncoding.EncodeToString([]byte(`{"v":2,"t":2,"p":2,"s":1,"c":0,"n":4,"f":1762396013757236306,"a":[1120752088865963448]}`))
	for name, req := range map[string]provider.ListRequest{
		"other domain":      {PageToken: tok, Domain: "example.com"},
		"other states":      {PageToken: tok, States: []provider.State{provider.StateExpiring}},
		"other expiry":      {PageToken: tok, ExpiringWithin: 24 * time.Hour},
		"alibaba v2":        {PageToken: ali},
		"garbage":           {PageToken: "\x1b[2J\u202e"},
		"oversize":          {PageToken: strings.Repeat("A", 1<<20)},
		"empty anchors run": {PageToken: noAnchors},
		"padded":            {PageToken: base64.URLEncoding.EncodeToString(raw)},
	} {
		t.Run(name, func(t *testing.T) { adv5HwRefused(t, h, req) })
	}
}
