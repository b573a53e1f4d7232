package huaweitest

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	scm "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/scm/v3"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/scm/v3/model"
)

// byTag is a ListCertificatesByTag request with the documented path value.
func byTag(b model.ListCertificatesByTagRequestBody) *model.ListCertificatesByTagRequest {
	return &model.ListCertificatesByTagRequest{ResourceInstances: "resource_instances", Body: &b}
}

func scsTag(key string, values ...string) model.ScsTag {
	if values == nil {
		values = []string{}
	}
	return model.ScsTag{Key: ptr(key), Values: &values}
}

func byTagIDs(r *model.ListCertificatesByTagResponse) []string {
	var ids []string
	if r.Resources != nil {
		for _, x := range *r.Resources {
			ids = append(ids, *x.ResourceId)
		}
	}
	return ids
}

// TestListByTag drives ListCertificatesByTag through the SDK's own client
// (services/scm/v3) and checks the documented filters (api-ccm
// ListCertificatesByTag): tags with keys AND and values OR, tags_any,
// the negated lists, without_any_tag, matches on resource_name, count,
// and the project's certificates only.
func TestListByTag(t *testing.T) {
	t.Parallel()
	s := NewServer(WithProjectID("main"), WithProjectID("side"))
	t.Cleanup(s.Close)
	c := newScmClient(t, s)
	a := s.SeedCert(Cert{Name: "alpha", Tags: []Tag{{"env", "prod"}, {"team", "edge"}}})
	b := s.SeedCert(Cert{Name: "beta", Tags: []Tag{{"env", "dev"}}})
	n := s.SeedCert(Cert{Name: "gamma"})
	s.SeedCert(Cert{ProjectID: "side", Name: "alpha", Tags: []Tag{{"env", "prod"}}})

	tests := []struct {
		name string
		body model.ListCertificatesByTagRequestBody
		want []string
	}{
		{"no filter: every certificate", model.ListCertificatesByTagRequestBody{}, []string{a, b, n}},
		{"one value", model.ListCertificatesByTagRequestBody{Tags: &[]model.ScsTag{scsTag("env", "prod")}}, []string{a}},
		{"values OR", model.ListCertificatesByTagRequestBody{Tags: &[]model.ScsTag{scsTag("env", "prod", "dev")}}, []string{a, b}},
		{"no values: any", model.ListCertificatesByTagRequestBody{Tags: &[]model.ScsTag{scsTag("env")}}, []string{a, b}},
		{"keys AND", model.ListCertificatesByTagRequestBody{Tags: &[]model.ScsTag{scsTag("env", "dev"), scsTag("team", "edge")}}, nil},
		{"keys AND, both", model.ListCertificatesByTagRequestBody{Tags: &[]model.ScsTag{scsTag("env", "prod"), scsTag("team")}}, []string{a}},
		{"no such value", model.ListCertificatesByTagRequestBody{Tags: &[]model.ScsTag{scsTag("env", "prod2")}}, nil},
		{"tags_any", model.ListCertificatesByTagRequestBody{TagsAny: &[]model.ScsTag{scsTag("env", "dev"), scsTag("team", "edge")}}, []string{a, b}},
		{"not_tags", model.ListCertificatesByTagRequestBody{NotTags: &[]model.ScsTag{scsTag("env", "prod")}}, []string{b, n}},
		{"not_tags_any", model.ListCertificatesByTagRequestBody{NotTagsAny: &[]model.ScsTag{scsTag("env", "dev"), scsTag("team")}}, []string{n}},
		{"without_any_tag", model.ListCertificatesByTagRequestBody{WithoutAnyTag: ptr(true), Tags: &[]model.ScsTag{scsTag("env")}}, []string{n}},
		{"matches resource_name", model.ListCertificatesByTagRequestBody{Matches: &[]model.ScsMatch{{Key: ptr("resource_name"), Value: ptr("ET")}}}, []string{b}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := tt.body
			body.Action = ptr("filter")
			r, err := c.ListCertificatesByTag(byTag(body))
			if err != nil {
				t.Fatal(err)
			}
			if got := byTagIDs(r); !slices.Equal(got, tt.want) {
				t.Errorf("resources %v, want %v", got, tt.want)
			}
			if r.TotalCount == nil || int(*r.TotalCount) != len(tt.want) {
				t.Errorf("total_count %v, want %d", r.TotalCount, len(tt.want))
			}
			body.Action = ptr("count")
			r, err = c.ListCertificatesByTag(byTag(body))
			if err != nil {
				t.Fatal(err)
			}
			if r.Resources != nil || r.TotalCount == nil || int(*r.TotalCount) != len(tt.want) {
				t.Errorf("count: %+v, want total_count %d and no resources", r, len(tt.want))
			}
		})
	}

	t.Run("resource", func(t *testing.T) {
		t.Parallel()
		r, err := c.ListCertificatesByTag(byTag(model.ListCertificatesByTagRequestBody{Action: ptr("filter"),
			Tags: &[]model.ScsTag{scsTag("team", "edge")}}))
		if err != nil || r.Resources == nil || len(*r.Resources) != 1 {
			t.Fatalf("%+v, %v", r, err)
		}
		x := (*r.Resources)[0]
		d := x.ResourceDetail
		if *x.ResourceId != a || *x.ResourceName != "alpha" || x.Tags == nil || len(*x.Tags) != 2 ||
			*(*x.Tags)[0].Key != "env" || *(*x.Tags)[0].Value != "prod" || d == nil || *d.CertId != a ||
			*d.ResourceId != a || *d.OrderStatus != StatusPaid || *d.CertType != "OV_SSL_CERT" || *d.CertBrand != "GLOBALSIGN" {
			t.Fatalf("resource %v", x)
		}
	})
}

// TestListByTagBuy: the certificates a v3 buy creates carry its tags, so
// the search by tag finds exactly the order's certificates.
func TestListByTagBuy(t *testing.T) {
	t.Parallel()
	s := NewServer()
	t.Cleanup(s.Close)
	c := newScmClient(t, s)
	buy := func(value string, n int32) []string {
		resp, err := c.SubscribeCertificate(&model.SubscribeCertificateRequest{Body: &model.PurchaseCertificateRequestBody{
			CertBrand: "GEOTRUST", CertType: "DV_SSL_CERT", DomainType: "SINGLE_DOMAIN", EffectiveTime: 1,
			DomainNumbers: 1, OrderNumber: n, AgreePrivacyProtection: true, IsAutoPay: ptr(true),
			Tags: &[]model.ScsResourceTag{{Key: ptr("certbroker-renewal"), Value: ptr(value)}, {Key: ptr("team"), Value: ptr("edge")}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, x := range *resp.Cert {
			ids = append(ids, x.CertId)
		}
		return ids
	}
	one := buy("mark-one", 1)
	two := buy("mark-two", 2)
	s.SeedCert(Cert{}) // an untagged certificate
	for _, tt := range []struct {
		value string
		want  []string
	}{{"mark-one", one}, {"mark-two", two}, {"mark-three", nil}} {
		r, err := c.ListCertificatesByTag(byTag(model.ListCertificatesByTagRequestBody{Action: ptr("filter"),
			Tags: &[]model.ScsTag{scsTag("certbroker-renewal", tt.value)}, Limit: ptr(int32(50))}))
		if err != nil {
			t.Fatal(err)
		}
		if got := byTagIDs(r); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.value, got, tt.want)
		}
	}
	if got, _ := s.Cert(one[0]); len(got.Tags) != 2 || got.Tags[0] != (Tag{"certbroker-renewal", "mark-one"}) {
		t.Errorf("cert tags %v", got.Tags)
	}
}

// TestListByTagPaging: limit 10, 20 or 50, offset rows to skip, in
// creation order; total_count counts every match.
func TestListByTagPaging(t *testing.T) {
	t.Parallel()
	s := NewServer()
	t.Cleanup(s.Close)
	c := newScmClient(t, s)
	var ids []string
	for range 23 {
		ids = append(ids, s.SeedCert(Cert{Tags: []Tag{{"k", "v"}}}))
	}
	s.SeedCert(Cert{})
	for _, tt := range []struct {
		limit, offset *int32
		want          []string
	}{
		{nil, nil, ids[:10]},
		{ptr(int32(10)), ptr(int32(20)), ids[20:]},
		{ptr(int32(20)), ptr(int32(5)), ids[5:]},
		{ptr(int32(50)), nil, ids},
		{ptr(int32(50)), ptr(int32(23)), nil},
		{ptr(int32(50)), ptr(int32(500)), nil},
	} {
		r, err := c.ListCertificatesByTag(byTag(model.ListCertificatesByTagRequestBody{Action: ptr("filter"),
			Tags: &[]model.ScsTag{scsTag("k", "v")}, Limit: tt.limit, Offset: tt.offset}))
		if err != nil {
			t.Fatal(err)
		}
		if got := byTagIDs(r); !slices.Equal(got, tt.want) || *r.TotalCount != 23 {
			t.Errorf("limit %v offset %v: %v (total %d), want %v", tt.limit, tt.offset, got, *r.TotalCount, tt.want)
		}
	}
}

// TestListByTagRefused: what the reference does not allow is SCM.0005
// (400) [unverified code], an unknown path value is no API, the route is
// signed like every other, and faults apply to ActionListByTag.
func TestListByTagRefused(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("k", 129)
	many := make([]model.ScsTag, 21)
	for i := range many {
		many[i] = scsTag(string(rune('a'+i)), "v")
	}
	vals := make([]string, 21)
	for i := range vals {
		vals[i] = string(rune('a' + i))
	}
	f := ptr("filter")
	tests := []struct {
		name string
		body model.ListCertificatesByTagRequestBody
	}{
		{"no action", model.ListCertificatesByTagRequestBody{}},
		{"unknown action", model.ListCertificatesByTagRequestBody{Action: ptr("list")}},
		{"limit 30", model.ListCertificatesByTagRequestBody{Action: f, Limit: ptr(int32(30))}},
		{"limit 100", model.ListCertificatesByTagRequestBody{Action: f, Limit: ptr(int32(100))}},
		{"negative offset", model.ListCertificatesByTagRequestBody{Action: f, Offset: ptr(int32(-1))}},
		{"empty tags", model.ListCertificatesByTagRequestBody{Action: f, Tags: &[]model.ScsTag{}}},
		{"values missing", model.ListCertificatesByTagRequestBody{Action: f, Tags: &[]model.ScsTag{{Key: ptr("k")}}}},
		{"key missing", model.ListCertificatesByTagRequestBody{Action: f, Tags: &[]model.ScsTag{{Values: &[]string{"v"}}}}},
		{"key twice", model.ListCertificatesByTagRequestBody{Action: f, Tags: &[]model.ScsTag{scsTag("k", "v"), scsTag("k", "w")}}},
		{"value twice", model.ListCertificatesByTagRequestBody{Action: f, Tags: &[]model.ScsTag{scsTag("k", "v", "v")}}},
		{"slash in a value", model.ListCertificatesByTagRequestBody{Action: f, Tags: &[]model.ScsTag{scsTag("k", "../x")}}},
		{"key too long", model.ListCertificatesByTagRequestBody{Action: f, Tags: &[]model.ScsTag{scsTag(long, "v")}}},
		{"value too long", model.ListCertificatesByTagRequestBody{Action: f, Tags: &[]model.ScsTag{scsTag("k", strings.Repeat("v", 256))}}},
		{"21 keys", model.ListCertificatesByTagRequestBody{Action: f, Tags: &many}},
		{"21 values", model.ListCertificatesByTagRequestBody{Action: f, Tags: &[]model.ScsTag{scsTag("k", vals...)}}},
		{"bad tags_any", model.ListCertificatesByTagRequestBody{Action: f, TagsAny: &[]model.ScsTag{scsTag("k/")}}},
		{"matches other key", model.ListCertificatesByTagRequestBody{Action: f, Matches: &[]model.ScsMatch{{Key: ptr("resource_id"), Value: ptr("x")}}}},
	}
	s := NewServer()
	t.Cleanup(s.Close)
	c := newScmClient(t, s)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := c.ListCertificatesByTag(byTag(tt.body))
			wantCode(t, err, http.StatusBadRequest, codeInvalidParameter)
		})
	}
	t.Run("unknown field", func(t *testing.T) {
		t.Parallel()
		raw := newClient(t, s.URL(), s.AccessKeyID(), s.AccessKeySecret(), s.ProjectID(), nil)
		req := &struct {
			ResourceInstances string `json:"resource_instances"`
			Body              any    `json:"body,omitempty"`
		}{"resource_instances", map[string]any{"action": "filter", "sort_key": "x"}}
		_, err := raw.hc.Sync(req, scm.GenReqDefForListCertificatesByTag())
		wantCode(t, err, http.StatusBadRequest, codeInvalidParameter)
	})
	t.Run("other path value", func(t *testing.T) {
		t.Parallel()
		req := byTag(model.ListCertificatesByTagRequestBody{Action: f})
		req.ResourceInstances = "resource_instance"
		_, err := c.ListCertificatesByTag(req)
		wantCode(t, err, http.StatusNotFound, codeNoAPI)
	})
	t.Run("bad signature", func(t *testing.T) {
		t.Parallel()
		bad := newClient(t, s.URL(), s.AccessKeyID(), "not-the-secret", s.ProjectID(), nil)
		_, err := bad.hc.Sync(byTag(model.ListCertificatesByTagRequestBody{Action: f}), scm.GenReqDefForListCertificatesByTag())
		wantCode(t, err, http.StatusUnauthorized, codeAuthFailed)
	})
}

// TestListByTagFault: a fault rule on ActionListByTag hits the search
// and nothing else.
func TestListByTagFault(t *testing.T) {
	t.Parallel()
	s := NewServer()
	t.Cleanup(s.Close)
	c := newScmClient(t, s)
	s.InjectFault(Fault{Action: ActionListByTag, Kind: FaultServerError, Times: 1})
	_, err := c.ListCertificatesByTag(byTag(model.ListCertificatesByTagRequestBody{Action: ptr("filter")}))
	wantCode(t, err, http.StatusInternalServerError, codeServerError)
	if _, err := c.ListCertificatesByTag(byTag(model.ListCertificatesByTagRequestBody{Action: ptr("filter")})); err != nil {
		t.Fatalf("after the fault: %v", err)
	}
	reqs := s.Requests()
	if len(reqs) != 2 || reqs[0].Action != ActionListByTag || reqs[0].Path != "/v3/scm/resource_instances/action" ||
		reqs[0].Fault != FaultServerError || reqs[1].HTTPStatus != http.StatusOK {
		t.Fatalf("log %+v", reqs)
	}
}
