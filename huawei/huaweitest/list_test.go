package huaweitest

import (
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"
)

func TestList(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	s, c := newServer(t, WithClock(clock.Now), WithProjectID("main"), WithProjectID("side"))
	base := clock.Now().Truncate(time.Millisecond)
	ids := []string{
		s.SeedCert(Cert{Status: StatusIssued, Name: "shop", DomainName: "shop.example.com", NotAfter: base.Add(300 * 24 * time.Hour)}),
		s.SeedCert(Cert{Status: StatusIssued, Name: "blog", DomainName: "blog.example.org", NotAfter: base.Add(100 * 24 * time.Hour)}),
		s.SeedCert(Cert{Status: StatusChecking, Name: "Mail", DomainName: "mail.example.com", DomainType: "WILDCARD"}),
		s.SeedCert(Cert{Status: StatusPaid, Name: "spare", DomainName: "x.test", AltNames: []string{"shopfront.test"}}),
	}
	s.SeedCert(Cert{ProjectID: "side", Status: StatusIssued, Name: "shop"})

	all, err := c.list(listReq{})
	if err != nil {
		t.Fatal(err)
	}
	if all.Total != 4 || all.FreeRemain != 20 || !slices.Equal(listIDs(all), ids) {
		t.Fatalf("unfiltered list: total %d, free %d, ids %v; want %v in creation order", all.Total, all.FreeRemain, listIDs(all), ids)
	}
	first := all.OrderList[0]
	want := sdkListItem{
		CertId: ids[0], CertName: "shop", Domain: "shop.example.com", CertType: "OV", CertBrand: "GLOBALSIGN",
		DomainType: "SINGLE_DOMAIN", PurchasePeriod: 1, OrderStatus: "ISSUED", DomainNum: 1,
		ExpiredTime: strconv.FormatInt(base.Add(300*24*time.Hour).UnixMilli(), 10),
	}
	if first != want {
		t.Fatalf("item\n got %+v\nwant %+v", first, want)
	}
	if all.OrderList[2].ExpiredTime != "" || all.OrderList[2].WildcardNumber != 1 {
		t.Fatalf("unissued wildcard item %+v; want no expired_time and wildcard_number 1", all.OrderList[2])
	}

	tests := []struct {
		name string
		q    listReq
		want []string
	}{
		{"by status", listReq{OrderStatus: ptr("ISSUED")}, ids[:2]},
		{"keyword in name, any case", listReq{Content: ptr("mAIl")}, ids[2:3]},
		{"keyword in domain or alt name", listReq{Content: ptr("shop")}, []string{ids[0], ids[3]}},
		{"keyword in cert_id", listReq{Content: ptr(ids[1][5:])}, ids[1:2]},
		{"status and keyword", listReq{OrderStatus: ptr("PAID"), Content: ptr("shop")}, ids[3:4]},
		{"sort by expiry", listReq{OrderStatus: ptr("ISSUED"), SortKey: ptr("certExpiredTime")}, []string{ids[1], ids[0]}},
		{"sort by expiry descending", listReq{OrderStatus: ptr("ISSUED"), SortKey: ptr("certExpiredTime"), SortDir: ptr("DESC")}, ids[:2]},
		{"sort by status", listReq{SortKey: ptr("certStatus")}, []string{ids[2], ids[0], ids[1], ids[3]}},
		{"offset", listReq{Offset: ptr(int32(3))}, ids[3:]},
		{"offset past the end", listReq{Offset: ptr(int32(9))}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, err := c.list(tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := listIDs(out); !slices.Equal(got, tt.want) {
				t.Fatalf("got %v; want %v", got, tt.want)
			}
		})
	}
}

func TestListPaging(t *testing.T) {
	t.Parallel()
	s, c := newServer(t)
	var ids []string
	for range 25 {
		ids = append(ids, s.SeedCert(Cert{}))
	}
	var got []string
	for offset := int32(0); offset < 25; offset += 10 {
		out, err := c.list(listReq{Limit: ptr(int32(10)), Offset: ptr(offset)})
		if err != nil {
			t.Fatal(err)
		}
		if out.Total != 25 {
			t.Fatalf("total %d; want 25", out.Total)
		}
		got = append(got, listIDs(out)...)
	}
	if !slices.Equal(got, ids) {
		t.Fatalf("pages gave %v; want %v", got, ids)
	}
	def, err := c.list(listReq{})
	if err != nil || len(def.OrderList) != 10 {
		t.Fatalf("default limit gave %d items, %v; want 10", len(def.OrderList), err)
	}
}

func TestListRejectsBadQueries(t *testing.T) {
	t.Parallel()
	_, c := newServer(t)
	for _, q := range []listReq{
		{OrderStatus: ptr("ALL")},
		{SortKey: ptr("name")},
		{SortDir: ptr("up")},
		{Limit: ptr(int32(100))},
		{Offset: ptr(int32(-1))},
	} {
		_, err := c.list(q)
		wantCode(t, err, http.StatusBadRequest, codeInvalidParameter)
	}
}

func listIDs(r *listResp) []string {
	var ids []string
	for _, it := range r.OrderList {
		ids = append(ids, it.CertId)
	}
	return ids
}
