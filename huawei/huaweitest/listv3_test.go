package huaweitest

import (
	"slices"
	"testing"
	"time"

	"github.com/certbroker/certbroker/provider"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/scm/v3/model"
)

func v3IDs(r *model.ListCertificatesResponse) []string {
	var ids []string
	if r.Certificates != nil {
		for _, c := range *r.Certificates {
			ids = append(ids, c.Id)
		}
	}
	return ids
}

// TestListV3 lists through the SDK's own ListCertificates (services/scm/v3)
// and checks the documented filters, sort and paging (api-ccm
// ListCertificates).
func TestListV3(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	s := NewServer(WithClock(clock.Now), WithProjectID("main"), WithProjectID("side"), WithTimeFormat(TimeListSample))
	t.Cleanup(s.Close)
	c := newScmClient(t, s)
	base := clock.Now().Truncate(time.Second)
	day := 24 * time.Hour
	// Created in this order; update times all equal (the fake clock
	// stands still), so the default sort is creation order reversed.
	shop := s.SeedCert(Cert{Status: StatusIssued, Name: "shop", DomainName: "shop.example.com", AltNames: []string{"api.example.net"}, DomainType: "MULTI_DOMAIN", DomainCount: 2, NotAfter: base.Add(300 * day)})
	blog := s.SeedCert(Cert{Status: StatusIssued, Name: "blog", DomainName: "blog.example.org", NotAfter: base.Add(100 * day)})
	mail := s.SeedCert(Cert{Status: StatusChecking, Name: "Mail", DomainName: "mail.example.com"})
	old := s.SeedCert(Cert{Status: StatusExpired, Name: "old", DomainName: "old.example.com", NotAfter: base.Add(-20 * day)})
	older := s.SeedCert(Cert{Status: StatusExpired, Name: "older", DomainName: "older.test", NotAfter: base.Add(-40 * day)})
	s.SeedCert(Cert{ProjectID: "side", Status: StatusIssued, Name: "shop"})

	tests := []struct {
		name string
		req  model.ListCertificatesRequest
		want []string
	}{
		{"default: certUpdateTime DESC", model.ListCertificatesRequest{}, []string{older, old, mail, blog, shop}},
		{"ALL", model.ListCertificatesRequest{Status: ptr("ALL")}, []string{older, old, mail, blog, shop}},
		{"expiry ASC", model.ListCertificatesRequest{SortKey: ptr("certExpiredTime"), SortDir: ptr("ASC")}, []string{mail, older, old, blog, shop}},
		{"expiry DESC", model.ListCertificatesRequest{SortKey: ptr("certExpiredTime")}, []string{shop, blog, old, older, mail}},
		{"status", model.ListCertificatesRequest{Status: ptr("EXPIRED"), SortDir: ptr("ASC")}, []string{old, older}},
		{"content in a SAN", model.ListCertificatesRequest{Content: ptr("EXAMPLE.NET")}, []string{shop}},
		{"content substring", model.ListCertificatesRequest{Content: ptr("example"), SortDir: ptr("ASC")}, []string{shop, blog, mail, old}},
		{"content in the name", model.ListCertificatesRequest{Content: ptr("mail")}, []string{mail}},
		{"expired_days_since 30", model.ListCertificatesRequest{ExpiredDaysSince: ptr(int32(30)), SortDir: ptr("ASC")}, []string{shop, blog, old}},
		{"expired_days_since 0", model.ListCertificatesRequest{ExpiredDaysSince: ptr(int32(0)), SortDir: ptr("ASC")}, []string{shop, blog}},
		{"offset and limit", model.ListCertificatesRequest{Offset: ptr(int32(3)), Limit: ptr(int32(10)), SortDir: ptr("ASC")}, []string{old, older}},
		{"offset past the end", model.ListCertificatesRequest{Offset: ptr(int32(9))}, nil},
	}
	for _, tt := range tests {
		r, err := c.ListCertificates(&tt.req)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if got := v3IDs(r); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
		if tt.name == "ALL" && (r.TotalCount == nil || *r.TotalCount != 5) {
			t.Errorf("total_count %v, want 5", r.TotalCount)
		}
	}

	r, err := c.ListCertificates(&model.ListCertificatesRequest{Content: ptr("shop")})
	if err != nil || r.Certificates == nil || len(*r.Certificates) != 1 {
		t.Fatalf("shop: %+v, %v", r, err)
	}
	row := (*r.Certificates)[0]
	if row.Domain != "shop.example.com" || row.Sans != "api.example.net" || row.Status != "ISSUED" ||
		row.Type != "OV_SSL_CERT" || row.Brand != "GLOBALSIGN" || row.DomainCount != 2 || row.ValidityPeriod != 12 ||
		row.ExpireTime != base.Add(300*day).UTC().Format("2006-01-02 15:04:05")+".0" {
		t.Errorf("row %+v", row)
	}
	r, err = c.ListCertificates(&model.ListCertificatesRequest{Content: ptr("mail")})
	if err != nil || (*r.Certificates)[0].ExpireTime != "" {
		t.Errorf("unissued row: %+v, %v", r, err)
	}
}

// TestListV3Refuses checks that undocumented values are refused with
// SCM.0005 (limit other than 10/20/50, bad sort, unknown status).
func TestListV3Refuses(t *testing.T) {
	t.Parallel()
	s, _ := newServer(t)
	c := newScmClient(t, s)
	for _, tt := range []struct {
		name string
		req  model.ListCertificatesRequest
	}{
		{"limit 7", model.ListCertificatesRequest{Limit: ptr(int32(7))}},
		{"limit 100", model.ListCertificatesRequest{Limit: ptr(int32(100))}},
		{"negative offset", model.ListCertificatesRequest{Offset: ptr(int32(-1))}},
		{"sort key", model.ListCertificatesRequest{SortKey: ptr("name")}},
		{"sort dir", model.ListCertificatesRequest{SortDir: ptr("UP")}},
		{"status CANCELSUPPLEMENTING is no filter value", model.ListCertificatesRequest{Status: ptr("CANCELSUPPLEMENTING")}},
		{"negative expired_days_since", model.ListCertificatesRequest{ExpiredDaysSince: ptr(int32(-1))}},
		{"expired_days_since above 1095", model.ListCertificatesRequest{ExpiredDaysSince: ptr(int32(1096))}},
	} {
		_, err := c.ListCertificates(&tt.req)
		if err == nil {
			t.Errorf("%s: accepted", tt.name)
			continue
		}
		wantCode(t, err, 400, codeInvalidParameter)
	}
}

// TestListV3Large pages through 10,000 seeded certificates 50 at a time
// with a stable sort: none twice, none missed.
func TestListV3Large(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("10,000 certificates")
	}
	s, _ := newServer(t)
	c := newScmClient(t, s)
	const n = 10_000
	states := States()
	want := map[string]bool{}
	for i := range n {
		want[s.Seed(states[i%len(states)])] = true
	}
	seen := map[string]bool{}
	for off := int32(0); ; off += 50 {
		r, err := c.ListCertificates(&model.ListCertificatesRequest{Limit: ptr(int32(50)), Offset: ptr(off), SortKey: ptr("certExpiredTime"), SortDir: ptr("ASC")})
		if err != nil {
			t.Fatalf("offset %d: %v", off, err)
		}
		if *r.TotalCount != n {
			t.Fatalf("total_count %d", *r.TotalCount)
		}
		for _, id := range v3IDs(r) {
			if seen[id] || !want[id] {
				t.Fatalf("offset %d: %s twice or not seeded", off, id)
			}
			seen[id] = true
		}
		if len(v3IDs(r)) < 50 {
			break
		}
	}
	if len(seen) != n {
		t.Errorf("listed %d of %d", len(seen), n)
	}
}

// TestSeedListed checks the listing seeder: NotAfter and domains as
// given, and an issued certificate past expiry left ISSUED.
func TestSeedListed(t *testing.T) {
	t.Parallel()
	s, _ := newServer(t)
	past := time.Now().Add(-48 * time.Hour).Truncate(time.Second)
	id := s.SeedListed(provider.StateExpiring, past, "a.example.com", "b.example.net")
	got, ok := s.Cert(id)
	if !ok || !got.NotAfter.Equal(past) || got.Status != StatusIssued || got.DomainName != "a.example.com" ||
		!slices.Equal(got.AltNames, []string{"b.example.net"}) || got.DomainType != "MULTI_DOMAIN" || got.DomainCount != 2 {
		t.Errorf("seeded %+v", got)
	}
	exp := s.SeedListed(provider.StateExpired, past.Add(-48*time.Hour))
	if got, _ := s.Cert(exp); got.Status != StatusExpired {
		t.Errorf("expired seeded as %s", got.Status)
	}
	defer func() {
		if recover() == nil {
			t.Error("SeedListed gave an expiry to a certificate under review")
		}
	}()
	s.SeedListed(provider.StateUnderReview, past)
}
