package alibabatest

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/cas"

	"github.com/certbroker/certbroker/provider"
)

func list(c *cas.Client, edit func(r *cas.ListUserCertificateOrderRequest)) (*cas.ListUserCertificateOrderResponse, error) {
	r := cas.CreateListUserCertificateOrderRequest()
	if edit != nil {
		edit(r)
	}
	return c.ListUserCertificateOrder(r)
}

func ids(items []cas.CertificateOrderListItem) []int64 {
	out := make([]int64, len(items))
	for i, it := range items {
		out[i] = it.OrderId
	}
	return out
}

func TestListUserCertificateOrder(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	c := newClient(t, s)
	var all []int64
	byState := map[provider.State]int64{}
	for _, st := range States() {
		o, _ := s.Order(s.Seed(st))
		all = append(all, o.ID)
		byState[st] = o.ID
	}
	buy, _ := s.Order(s.SeedOrder(Order{Type: TypePayed, OrderType: OrderTypeBuy, Domain: "shop.example.org"}))
	slices.Reverse(all) // newest first

	tests := []struct {
		name string
		edit func(r *cas.ListUserCertificateOrderRequest)
		want []int64
	}{
		{"default CPACK", nil, all},
		{"BUY", func(r *cas.ListUserCertificateOrderRequest) { r.OrderType = "BUY" }, []int64{buy.ID}},
		{"UPLOAD", func(r *cas.ListUserCertificateOrderRequest) { r.OrderType = "UPLOAD" }, []int64{}},
		{"CERT without Status", func(r *cas.ListUserCertificateOrderRequest) { r.OrderType = "CERT" },
			[]int64{byState[provider.StateExpiring], byState[provider.StateIssued]}},
		{"CERT REVOKED", func(r *cas.ListUserCertificateOrderRequest) { r.OrderType, r.Status = "CERT", StatusRevoked },
			[]int64{byState[provider.StateRevoked]}},
		{"Status WILLEXPIRED", func(r *cas.ListUserCertificateOrderRequest) { r.Status = StatusWillExpire }, []int64{byState[provider.StateExpiring]}},
		{"Status PAYED", func(r *cas.ListUserCertificateOrderRequest) { r.Status = StatusPayed },
			[]int64{byState[provider.StateCancelled], byState[provider.StatePendingApplication]}},
		// Keyword matches the domain or the resource ID, fuzzily
		// (ListUserCertificateOrder, document_detail/455804), never the
		// order ID.
		{"Keyword = order ID", func(r *cas.ListUserCertificateOrderRequest) { r.Keyword = itoaID(byState[provider.StateRevoked]) },
			[]int64{}},
		{"Keyword = instance ID", func(r *cas.ListUserCertificateOrderRequest) { r.Keyword = instanceID(byState[provider.StateRevoked]) },
			[]int64{byState[provider.StateRevoked]}},
		{"Keyword = part of an instance ID", func(r *cas.ListUserCertificateOrderRequest) {
			r.Keyword = strings.ToUpper(instanceID(byState[provider.StateIssued])[8:17])
		}, []int64{byState[provider.StateIssued]}},
		{"Keyword = part of a domain", func(r *cas.ListUserCertificateOrderRequest) {
			r.Keyword, r.OrderType = "SHOP.example", "BUY"
		}, []int64{buy.ID}},
		{"page 2 of 3", func(r *cas.ListUserCertificateOrderRequest) {
			r.CurrentPage, r.ShowSize = requests.NewInteger(2), requests.NewInteger(3)
		}, all[3:6]},
		{"page past the end", func(r *cas.ListUserCertificateOrderRequest) {
			r.CurrentPage, r.ShowSize = requests.NewInteger(9), requests.NewInteger(3)
		}, []int64{}},
	}
	for _, tt := range tests {
		resp, err := list(c, tt.edit)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if got := ids(resp.CertificateOrderList); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}

	resp, err := list(c, func(r *cas.ListUserCertificateOrderRequest) { r.Keyword = instanceID(byState[provider.StateExpiring]) })
	if err != nil || len(resp.CertificateOrderList) != 1 {
		t.Fatalf("%v %+v", err, resp)
	}
	it := resp.CertificateOrderList[0]
	o, _ := s.Order(itoaID(it.OrderId))
	if it.Status != StatusWillExpire || it.Domain != o.Domain || it.CertEndTime != o.NotAfter.UnixMilli() ||
		it.CertStartTime != o.NotBefore.UnixMilli() || it.InstanceId == "" || it.Sha2 == "" {
		t.Errorf("item %+v for order %+v", it, o)
	}
	if resp.TotalCount != 1 || resp.CurrentPage != 1 || resp.ShowSize != defaultShowSize {
		t.Errorf("paging %d %d %d", resp.TotalCount, resp.CurrentPage, resp.ShowSize)
	}
	if time.Until(time.UnixMilli(it.CertEndTime)) > ExpiringWindow {
		t.Errorf("WILLEXPIRED item ends %v, beyond the window", time.UnixMilli(it.CertEndTime))
	}
}

func TestListRejectsBadFilters(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	c := newClient(t, s)
	for _, edit := range []func(r *cas.ListUserCertificateOrderRequest){
		func(r *cas.ListUserCertificateOrderRequest) { r.Status = "issued" },
		func(r *cas.ListUserCertificateOrderRequest) { r.OrderType = "ALL" },
		func(r *cas.ListUserCertificateOrderRequest) { r.CurrentPage = "0" },
		func(r *cas.ListUserCertificateOrderRequest) { r.ShowSize = "many" },
		func(r *cas.ListUserCertificateOrderRequest) { r.ShowSize = requests.NewInteger(maxShowSize + 1) },
	} {
		_, err := list(c, edit)
		serverError(t, err, http.StatusBadRequest, codeInvalidParameter)
	}
}

// TestListLargeInventoryPages seeds 10,000 orders of both order types and
// reads every page of each, with several ShowSize values and with a Status
// filter: every order of the type (and status) exactly once, newest first,
// TotalCount exact, and a page past the end empty.
func TestListLargeInventoryPages(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	c := newClient(t, s)
	want := map[string]map[string][]int64{OrderTypePackage: {}, OrderTypeBuy: {}}
	for i := range 10_000 {
		typ := OrderTypePackage
		if i%4 == 0 {
			typ = OrderTypeBuy
		}
		st := []string{StatusIssued, StatusPayed, StatusRevoked}[i%3]
		o, _ := s.Order(s.SeedOrder(Order{Status: st, OrderType: typ}))
		want[typ][""] = append(want[typ][""], o.ID)
		want[typ][st] = append(want[typ][st], o.ID)
	}
	for _, tt := range []struct {
		orderType, status string
		size              int
	}{
		{OrderTypePackage, "", 50}, {OrderTypePackage, "", 1000}, {OrderTypeBuy, "", 33},
		{OrderTypeBuy, StatusRevoked, 100}, {OrderTypePackage, StatusIssued, 7},
	} {
		wantIDs := slices.Clone(want[tt.orderType][tt.status])
		slices.Reverse(wantIDs) // newest first
		var got []int64
		for page := 1; ; page++ {
			resp, err := list(c, func(r *cas.ListUserCertificateOrderRequest) {
				r.OrderType, r.Status = tt.orderType, tt.status
				r.CurrentPage, r.ShowSize = requests.NewInteger(page), requests.NewInteger(tt.size)
			})
			if err != nil {
				t.Fatalf("%+v page %d: %v", tt, page, err)
			}
			if resp.TotalCount != int64(len(wantIDs)) {
				t.Fatalf("%+v page %d: TotalCount %d, want %d", tt, page, resp.TotalCount, len(wantIDs))
			}
			if len(resp.CertificateOrderList) > tt.size {
				t.Fatalf("%+v page %d: %d rows", tt, page, len(resp.CertificateOrderList))
			}
			if len(resp.CertificateOrderList) == 0 {
				break
			}
			got = append(got, ids(resp.CertificateOrderList)...)
		}
		if !slices.Equal(got, wantIDs) {
			t.Errorf("%+v: listed %d orders, want the %d seeded, each once, newest first", tt, len(got), len(wantIDs))
		}
	}
}

// TestListSans lists an order's other domains after its domain in Sans,
// and Keyword finds them.
func TestListSans(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	c := newClient(t, s)
	id := s.SeedOrder(Order{Status: StatusIssued, Domain: "example.com", Sans: []string{"api.example.net", "www.example.com"}})
	s.SeedOrder(Order{Status: StatusIssued, Domain: "other.org"})
	for _, tt := range []struct {
		keyword string
		want    int
	}{{"", 2}, {"EXAMPLE.NET", 1}, {"api.example", 1}, {"example.org", 0}} {
		resp, err := list(c, func(r *cas.ListUserCertificateOrderRequest) { r.Keyword = tt.keyword })
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.CertificateOrderList) != tt.want {
			t.Errorf("Keyword %q: %d rows, want %d", tt.keyword, len(resp.CertificateOrderList), tt.want)
		}
		for _, it := range resp.CertificateOrderList {
			if strings.EqualFold(it.Domain, "example.com") && it.Sans != "example.com,api.example.net,www.example.com" {
				t.Errorf("order %s: Sans %q", id, it.Sans)
			}
		}
	}
}
