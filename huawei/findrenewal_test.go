package huawei

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certbroker/certbroker/huawei/huaweitest"
	"github.com/certbroker/certbroker/provider"
)

// markTags is a renewal's tags with the broker's mark.
func markTags(mark string) []provider.Tag {
	return []provider.Tag{{Key: "team", Value: "edge"}, {Key: provider.RenewalTagKey, Value: mark}}
}

// actionsFrom returns the API names of the emulator's requests from the
// nth on.
func actionsFrom(h *harness, n int) []string {
	var out []string
	for _, r := range h.srv.Requests()[n:] {
		out = append(out, r.Action)
	}
	return out
}

// recordingPacer records the API of every Wait.
type recordingPacer struct {
	mu   sync.Mutex
	apis []string
}

func (p *recordingPacer) Wait(ctx context.Context, api string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.apis = append(p.apis, api)
	return ctx.Err()
}

func (p *recordingPacer) got() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.apis)
}

// TestFindRenewalProvesLostPurchase: a marked renewal whose purchase was
// applied but whose answer was lost (outcome_unknown) is proven by the
// search by tag: NewID is the certificate the purchase created, found with
// one read, paced as list-certificates-by-tag.
func TestFindRenewalProvesLostPurchase(t *testing.T) {
	t.Parallel()
	for _, kind := range []huaweitest.FaultKind{huaweitest.FaultServerError, huaweitest.FaultReset, huaweitest.FaultHTMLBadGateway} {
		t.Run(kind.String(), func(t *testing.T) {
			t.Parallel()
			h := newEmulated(t, true)
			id := h.srv.Seed(provider.StateExpiring)
			h.srv.InjectFault(huaweitest.Fault{Action: huaweitest.ActionPurchase, Kind: kind, AfterApply: true, Times: 1})
			req := provider.RenewRequest{ID: id, Tags: markTags("mk7q2zv4b3xw6y5a8c9dnp2r")}
			sent := time.Now()
			_, err := h.a.Renew(t.Context(), req)
			if pe := asProviderError(t, err); pe.Kind != provider.KindOutcomeUnknown {
				t.Fatalf("Renew: %v, want outcome_unknown", err)
			}
			ps := h.srv.Purchases()
			if len(ps) != 1 || len(ps[0].CertIDs) != 1 {
				t.Fatalf("purchases %+v", ps)
			}
			before := h.srv.RequestCount()
			pacer := &recordingPacer{}
			s, err := h.a.FindRenewal(provider.WithPacer(t.Context(), pacer), req, sent)
			if err != nil {
				t.Fatal(err)
			}
			if s.NewID != ps[0].CertIDs[0] || len(s.Candidates) != 0 || s.RequestID == "" {
				t.Fatalf("search %+v, want NewID %s", s, ps[0].CertIDs[0])
			}
			if want := "tag certbroker-renewal=mk7q2zv4…: one certificate carries it"; s.Basis != want {
				t.Errorf("Basis %q, want %q", s.Basis, want)
			}
			if got := actionsFrom(h, before); !slices.Equal(got, []string{huaweitest.ActionListByTag}) {
				t.Errorf("requests %v, want one list-by-tag", got)
			}
			if got := pacer.got(); !slices.Equal(got, []string{apiListByTag}) {
				t.Errorf("paced %v, want [%s]", got, apiListByTag)
			}
			if len(h.srv.Purchases()) != 1 {
				t.Error("the search bought something")
			}
		})
	}
}

// TestFindRenewalNothingBought: when the purchase never applied (the fault
// came before it), the search finds nothing and proves nothing.
func TestFindRenewalNothingBought(t *testing.T) {
	t.Parallel()
	h := newEmulated(t, true)
	id := h.srv.Seed(provider.StateExpiring)
	h.srv.InjectFault(huaweitest.Fault{Action: huaweitest.ActionPurchase, Kind: huaweitest.FaultReset, Times: 1})
	req := provider.RenewRequest{ID: id, Tags: markTags("abcdefghijkl")}
	if _, err := h.a.Renew(t.Context(), req); err == nil {
		t.Fatal("Renew succeeded through a reset")
	}
	if n := len(h.srv.Purchases()); n != 0 {
		t.Fatalf("%d purchases, want none", n)
	}
	s, err := h.a.FindRenewal(t.Context(), req, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if s.NewID != "" || len(s.Candidates) != 0 || s.Basis != "tag certbroker-renewal=abcdefgh…: no certificate carries it" {
		t.Fatalf("search %+v, want an empty one", s)
	}
}

// TestFindRenewalNotConfused: other renewals, with other marks (one a
// prefix of ours, one that extends it), a certificate carrying our mark
// under another key, and the renewal disabled in this adapter, do not
// change what the search proves.
func TestFindRenewalNotConfused(t *testing.T) {
	t.Parallel()
	h := newEmulated(t, true)
	first := h.srv.Seed(provider.StateExpiring)
	res, err := h.a.Renew(t.Context(), provider.RenewRequest{ID: first, Tags: markTags("mark-other")})
	if err != nil {
		t.Fatal(err)
	}
	second := h.srv.SeedCert(huaweitest.Cert{Status: huaweitest.StatusIssued, Brand: "GEOTRUST", Type: "DV_SSL_CERT",
		NotAfter: time.Now().Add(10 * 24 * time.Hour)})
	h.srv.InjectFault(huaweitest.Fault{Action: huaweitest.ActionPurchase, Kind: huaweitest.FaultServerError, AfterApply: true, Times: 1})
	mine := provider.RenewRequest{ID: second, Tags: markTags("mark")}
	if _, err := h.a.Renew(t.Context(), mine); err == nil {
		t.Fatal("Renew succeeded through the fault")
	}
	h.srv.SeedCert(huaweitest.Cert{Tags: []huaweitest.Tag{{Key: provider.RenewalTagKey, Value: "mark2"}}})
	h.srv.SeedCert(huaweitest.Cert{Tags: []huaweitest.Tag{{Key: "certbroker-renewal-x", Value: "mark"}}})
	ps := h.srv.Purchases()
	if len(ps) != 2 {
		t.Fatalf("purchases %+v", ps)
	}
	disabled := mustNew(t, Config{Endpoint: h.srv.URL(), ProjectID: h.srv.ProjectID(),
		AK: h.srv.AccessKeyID(), SK: h.srv.AccessKeySecret()})
	tests := []struct {
		name string
		a    *Adapter
		req  provider.RenewRequest
		want string
	}{
		{"mine", h.a, mine, ps[1].CertIDs[0]},
		{"the other", h.a, provider.RenewRequest{ID: first, Tags: markTags("mark-other")}, res.NewID},
		{"renewal disabled here", disabled, mine, ps[1].CertIDs[0]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := tt.a.FindRenewal(t.Context(), tt.req, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			if s.NewID != tt.want || len(s.Candidates) != 0 {
				t.Fatalf("search %+v, want NewID %s", s, tt.want)
			}
		})
	}
}

// TestFindRenewalSeveral: several certificates carrying one mark prove
// none; they are candidates. So is the renewed certificate itself.
func TestFindRenewalSeveral(t *testing.T) {
	t.Parallel()
	h := newEmulated(t, true)
	id := h.srv.Seed(provider.StateExpiring)
	tag := []huaweitest.Tag{{Key: provider.RenewalTagKey, Value: "twice"}}
	notAfter := time.Now().Add(90 * 24 * time.Hour).Truncate(time.Millisecond)
	a := h.srv.SeedCert(huaweitest.Cert{Tags: tag, DomainName: "a.example.com", Status: huaweitest.StatusIssued, NotAfter: notAfter})
	b := h.srv.SeedCert(huaweitest.Cert{Tags: tag})
	s, err := h.a.FindRenewal(t.Context(), provider.RenewRequest{ID: id, Tags: markTags("twice")}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range s.Candidates {
		ids = append(ids, c.ID)
	}
	if s.NewID != "" || !slices.Equal(ids, []string{a, b}) || !strings.Contains(s.Basis, "2 certificates carry it") {
		t.Fatalf("search %+v, want candidates %s and %s", s, a, b)
	}
	c := s.Candidates[0]
	if c.State != provider.StateIssued || c.NativeState != "ISSUED" || !c.NotAfter.Equal(notAfter) ||
		!slices.Equal(c.Domains, []string{"a.example.com"}) || c.Type != "GLOBALSIGN OV_SSL_CERT" {
		t.Errorf("candidate %+v", c)
	}
	if s.Candidates[1].State != provider.StatePendingApplication {
		t.Errorf("candidate %+v", s.Candidates[1])
	}

	self := h.srv.SeedCert(huaweitest.Cert{Status: huaweitest.StatusIssued, Tags: []huaweitest.Tag{{Key: provider.RenewalTagKey, Value: "self"}}})
	s, err = h.a.FindRenewal(t.Context(), provider.RenewRequest{ID: self, Tags: markTags("self")}, time.Now())
	if err != nil || s.NewID != "" || len(s.Candidates) != 1 || s.Candidates[0].ID != self {
		t.Fatalf("renewed certificate carrying the mark: %+v, %v", s, err)
	}
}

// TestFindRenewalPages: the search reads every page (50 rows each) and
// proves nothing from many.
func TestFindRenewalPages(t *testing.T) {
	t.Parallel()
	h := newEmulated(t, true)
	id := h.srv.Seed(provider.StateExpiring)
	for range 55 {
		h.srv.SeedCert(huaweitest.Cert{Tags: []huaweitest.Tag{{Key: provider.RenewalTagKey, Value: "many"}}})
	}
	before := h.srv.RequestCount()
	s, err := h.a.FindRenewal(t.Context(), provider.RenewRequest{ID: id, Tags: markTags("many")}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if s.NewID != "" || len(s.Candidates) != 55 {
		t.Fatalf("NewID %q, %d candidates; want 55", s.NewID, len(s.Candidates))
	}
	if got := actionsFrom(h, before); len(got) != 2 {
		t.Fatalf("requests %v, want two pages", got)
	}
}

// TestFindRenewalInvalid: input Renew would refuse is refused with
// invalid_argument and op find-renewal, before anything is sent or paced.
func TestFindRenewalInvalid(t *testing.T) {
	t.Parallel()
	h := newEmulated(t, true)
	id := h.srv.Seed(provider.StateExpiring)
	many := make([]provider.Tag, 21)
	for i := range many {
		many[i] = provider.Tag{Key: string(rune('a' + i))}
	}
	tests := []struct {
		name string
		req  provider.RenewRequest
	}{
		{"short ID", provider.RenewRequest{ID: "scs123", Tags: markTags("m")}},
		{"path in the ID", provider.RenewRequest{ID: "../scs1481110651012", Tags: markTags("m")}},
		{"empty ID", provider.RenewRequest{Tags: markTags("m")}},
		{"mark with a path", provider.RenewRequest{ID: id, Tags: markTags("../x")}},
		{"mark with a slash", provider.RenewRequest{ID: id, Tags: markTags("a/b")}},
		{"mark too long", provider.RenewRequest{ID: id, Tags: markTags(strings.Repeat("m", 256))}},
		{"mark with a space around", provider.RenewRequest{ID: id, Tags: markTags(" m")}},
		{"mark with a control character", provider.RenewRequest{ID: id, Tags: markTags("m\n")}},
		{"mark with a quote", provider.RenewRequest{ID: id, Tags: markTags(`m"`)}},
		{"mark twice", provider.RenewRequest{ID: id, Tags: append(markTags("m"), provider.Tag{Key: provider.RenewalTagKey, Value: "n"})}},
		{"21 tags", provider.RenewRequest{ID: id, Tags: many}},
		{"a CSR", provider.RenewRequest{ID: id, CSR: "-----BEGIN CERTIFICATE REQUEST-----", Tags: markTags("m")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pacer := &recordingPacer{}
			s, err := h.a.FindRenewal(provider.WithPacer(t.Context(), pacer), tt.req, time.Now())
			if s != nil || err == nil {
				t.Fatalf("FindRenewal = %+v, %v; want an error", s, err)
			}
			pe := asProviderError(t, err)
			if pe.Kind != provider.KindInvalidArgument || pe.Op != provider.OpFindRenewal || pe.Origin != DefaultOrigin {
				t.Fatalf("error %+v, want invalid_argument for find-renewal", pe)
			}
			if len(pacer.got()) != 0 {
				t.Errorf("paced %v for refused input", pacer.got())
			}
		})
	}
	t.Cleanup(func() {
		if n := h.srv.RequestCount(); n != 0 {
			t.Errorf("%d requests sent for refused input", n)
		}
	})

	// Renew refuses the same marks, so that no renewal carries a mark the
	// search could not send.
	for _, mark := range []string{"../x", strings.Repeat("m", 256)} {
		if _, err := h.a.Renew(t.Context(), provider.RenewRequest{ID: id, Tags: markTags(mark)}); asProviderError(t, err).Kind != provider.KindInvalidArgument {
			t.Errorf("Renew with mark %.10q: %v, want invalid_argument", mark, err)
		}
	}
}

// TestFindRenewalReadFails: a failing search is an error of the read's
// kind (a 5xx or a lost answer is unavailable, never outcome_unknown),
// with op find-renewal.
func TestFindRenewalReadFails(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind   huaweitest.FaultKind
		want   provider.Kind
		status int
		code   string
	}{
		{huaweitest.FaultServerError, provider.KindUnavailable, http.StatusInternalServerError, "SCM.4001"},
		{huaweitest.FaultUnavailable, provider.KindUnavailable, http.StatusServiceUnavailable, "APIGW.0613"},
		{huaweitest.FaultHTMLBadGateway, provider.KindUnavailable, http.StatusBadGateway, ""},
		{huaweitest.FaultReset, provider.KindUnavailable, 0, ""},
		{huaweitest.FaultMalformed, provider.KindUnavailable, http.StatusOK, ""},
		{huaweitest.FaultThrottle, provider.KindThrottled, http.StatusTooManyRequests, "APIGW.0308"},
		{huaweitest.FaultHTMLNotFound, provider.KindOther, http.StatusNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String(), func(t *testing.T) {
			t.Parallel()
			h := newEmulated(t, true)
			id := h.srv.Seed(provider.StateExpiring)
			h.srv.InjectFault(huaweitest.Fault{Action: huaweitest.ActionListByTag, Kind: tt.kind})
			s, err := h.a.FindRenewal(t.Context(), provider.RenewRequest{ID: id, Tags: markTags("m")}, time.Now())
			if s != nil || err == nil {
				t.Fatalf("FindRenewal = %+v, %v; want an error", s, err)
			}
			pe := asProviderError(t, err)
			if pe.Kind != tt.want || pe.Op != provider.OpFindRenewal || pe.ID != id || pe.HTTPStatus != tt.status || pe.Code != tt.code {
				t.Fatalf("error %+v; want %s, HTTP %d, code %q", pe, tt.want, tt.status, tt.code)
			}
			if strings.Contains(err.Error(), h.srv.AccessKeySecret()) {
				t.Fatal("the secret is in the error")
			}
		})
	}
}

// TestFindRenewalCanceled: a search whose context ended first is
// canceled and sends nothing; one the caller cuts off in flight is an
// unavailable read, not described as a read before some other request.
func TestFindRenewalCanceled(t *testing.T) {
	t.Parallel()
	h := newEmulated(t, true)
	id := h.srv.Seed(provider.StateExpiring)
	req := provider.RenewRequest{ID: id, Tags: markTags("m")}

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := h.a.FindRenewal(ctx, req, time.Now())
	if pe := asProviderError(t, err); pe.Kind != provider.KindCanceled || pe.Op != provider.OpFindRenewal || h.srv.RequestCount() != 0 {
		t.Fatalf("ended context: %+v, %d requests", pe, h.srv.RequestCount())
	}

	h.srv.InjectFault(huaweitest.Fault{Action: huaweitest.ActionListByTag, Kind: huaweitest.FaultHang})
	ctx, cancel = context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	_, err = h.a.FindRenewal(ctx, req, time.Now())
	pe := asProviderError(t, err)
	if pe.Kind != provider.KindUnavailable || pe.Op != provider.OpFindRenewal || strings.Contains(pe.Message, "precedes") {
		t.Fatalf("cut off: %+v", pe)
	}
}

// TestFindRenewalWire: the search's request is the SDK's
// ListCertificatesByTag (POST /v3/scm/resource_instances/action, action
// filter, the mark as the one value of certbroker-renewal, limit 50,
// offset 0), and a resource the answer shows without the mark proves
// nothing, whatever the cloud's filter did.
func TestFindRenewalWire(t *testing.T) {
	t.Parallel()
	const marked = `{"resource_id":"scs1554192131150","resource_name":"n","tags":[{"key":"certbroker-renewal","value":"mine"}],
		"resource_detail":{"cert_id":"scs1554192131150","order_status":"PAID"}}`
	const unmarked = `{"resource_id":"scs1481110651012","resource_name":"n","tags":[{"key":"certbroker-renewal","value":"other"}],
		"resource_detail":{"cert_id":"scs1481110651012","order_status":"PAID"}}`
	const noID = `{"resource_id":"x","tags":[{"key":"certbroker-renewal","value":"mine"}]}`
	full := `{"total_count":500,"resources":[` + strings.TrimSuffix(strings.Repeat(unmarked+",", 50), ",") + `]}`
	tests := []struct {
		name, body, newID, basis string
		requests                 int
	}{
		{"one marked", `{"total_count":1,"resources":[` + marked + `]}`, otherCertID, "one certificate carries it", 1},
		{"marked without an ID", `{"total_count":1,"resources":[` + noID + `]}`, "",
			"one certificate carries it, without a readable certificate ID (1 carrying it without a readable certificate ID)", 1},
		{"marked, and one without an ID", `{"total_count":2,"resources":[` + marked + `,` + noID + `]}`, "",
			"2 certificates carry it; a renewal buys one, so none is proven (1 carrying it without a readable certificate ID)", 1},
		{"pages without end", full, "",
			"no certificate carries it (200 certificate(s) returned without it, ignored; stopped after 4 pages)", 4},
		{"filter ignored", `{"total_count":2,"resources":[` + unmarked + `,` + marked + `]}`, otherCertID,
			"one certificate carries it (1 certificate(s) returned without it, ignored)", 1},
		{"only unmarked", `{"total_count":1,"resources":[` + unmarked + `]}`, "",
			"no certificate carries it (1 certificate(s) returned without it, ignored)", 1},
		{"resources not an array", `{"total_count":1,"resources":{}}`, "", "no certificate carries it", 1},
		{"tags unreadable", `{"total_count":1,"resources":[{"resource_id":"scs1554192131150","tags":"certbroker-renewal=mine"}]}`, "",
			"no certificate carries it (1 certificate(s) returned without it, ignored)", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st := newStub(t, answer(http.StatusOK, tt.body))
			a := mustNew(t, stubConfig(st.URL))
			s, err := a.FindRenewal(t.Context(), provider.RenewRequest{ID: testCertID, Tags: markTags("mine")}, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if s.NewID != tt.newID || s.Basis != "tag certbroker-renewal=mine: "+tt.basis || s.RequestID != "req-stub-1" {
				t.Fatalf("search %+v; want NewID %q, basis %q", s, tt.newID, tt.basis)
			}
			reqs := st.requests()
			if len(reqs) != tt.requests || reqs[0].Method != http.MethodPost || reqs[0].Path != "/v3/scm/resource_instances/action" {
				t.Fatalf("%d requests, want %d: %+v", len(reqs), tt.requests, reqs)
			}
			for i, r := range reqs {
				var body map[string]any
				if err := json.Unmarshal([]byte(r.Body), &body); err != nil {
					t.Fatal(err)
				}
				want := map[string]any{"action": "filter", "limit": 50.0, "offset": float64(50 * i),
					"tags": []any{map[string]any{"key": "certbroker-renewal", "values": []any{"mine"}}}}
				if b, w := mustJSON(t, body), mustJSON(t, want); b != w || r.Path != reqs[0].Path {
					t.Errorf("request %d: %s %s, want %s", i, r.Path, b, w)
				}
			}
		})
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestFindRenewalUnmarked: without a mark there is no proof; the search
// reads the renewed certificate and lists PAID certificates of its spec
// as candidates, paced as each request's API.
func TestFindRenewalUnmarked(t *testing.T) {
	t.Parallel()
	h := newEmulated(t, true)
	id := h.srv.Seed(provider.StateExpiring) // GLOBALSIGN OV_SSL_CERT SINGLE_DOMAIN
	older := h.srv.SeedCert(huaweitest.Cert{})
	h.srv.SeedCert(huaweitest.Cert{Brand: "GEOTRUST", Type: "DV_SSL_CERT"})
	h.srv.SeedCert(huaweitest.Cert{Status: huaweitest.StatusChecking})
	h.srv.InjectFault(huaweitest.Fault{Action: huaweitest.ActionPurchase, Kind: huaweitest.FaultServerError, AfterApply: true, Times: 1})
	req := provider.RenewRequest{ID: id, Tags: []provider.Tag{{Key: "team", Value: "edge"}}}
	if _, err := h.a.Renew(t.Context(), req); err == nil {
		t.Fatal("Renew succeeded through the fault")
	}
	bought := h.srv.Purchases()[0].CertIDs[0]
	pacer := &recordingPacer{}
	s, err := h.a.FindRenewal(provider.WithPacer(t.Context(), pacer), req, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range s.Candidates {
		ids = append(ids, c.ID)
	}
	slices.Sort(ids)
	want := []string{older, bought}
	slices.Sort(want)
	if s.NewID != "" || !slices.Equal(ids, want) || !strings.HasPrefix(s.Basis, "no certbroker-renewal tag: PAID certificates") {
		t.Fatalf("search %+v; want candidates %v", s, want)
	}
	if got := pacer.got(); !slices.Equal(got, []string{apiShow, apiList}) {
		t.Errorf("paced %v", got)
	}
}
