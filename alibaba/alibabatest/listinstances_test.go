package alibabatest

import (
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/certbroker/certbroker/provider"
)

// listInstances sends ListInstances with params and returns the IDs of
// InstanceList, TotalCount and the whole answer.
func listInstancesIDs(t *testing.T, s *Server, params map[string]string) ([]string, int, map[string]any, error) {
	t.Helper()
	body, err := instanceCall(newClient(t, s), ActionListInstances, params)
	if err != nil {
		return nil, 0, nil, err
	}
	var ids []string
	list, _ := body["InstanceList"].([]any)
	for _, item := range list {
		ids = append(ids, item.(map[string]any)["InstanceId"].(string))
	}
	total, _ := body["TotalCount"].(float64)
	return ids, int(total), body, nil
}

// TestListInstancesPaging: newest first, ShowSize 10 by default, pages by
// CurrentPage, TotalCount counts every match, a page past the end is
// empty, and a deleted instance shifts the rows after it back.
func TestListInstancesPaging(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	var ids []string
	for range 23 {
		ids = append(ids, s.SeedInstanceState(provider.StateCancelled))
	}
	newest := slices.Clone(ids)
	slices.Reverse(newest)
	got, total, body, err := listInstancesIDs(t, s, nil)
	if err != nil || total != 23 || !slices.Equal(got, newest[:10]) || body["ShowSize"] != float64(10) || body["CurrentPage"] != float64(1) {
		t.Fatalf("default page: %v, total %d, %v; want the 10 newest of 23", got, total, err)
	}
	var all []string
	for page := 1; page <= 4; page++ {
		got, _, _, err := listInstancesIDs(t, s, map[string]string{"CurrentPage": strconv.Itoa(page), "ShowSize": "7"})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, got...)
	}
	if !slices.Equal(all, newest) {
		t.Errorf("pages of 7: %v, want %v", all, newest)
	}
	if got, _, _, _ := listInstancesIDs(t, s, map[string]string{"CurrentPage": "9", "ShowSize": "100"}); len(got) != 0 {
		t.Errorf("past the end: %v", got)
	}
	// A delete shifts the later rows back by one; a creation shifts
	// every row forward.
	before, _, _, _ := listInstancesIDs(t, s, map[string]string{"CurrentPage": "2", "ShowSize": "5"})
	c := newClient(t, s)
	if _, err := instanceCall(c, ActionDeleteInstance, map[string]string{"InstanceId": newest[0]}); err != nil {
		t.Fatal(err)
	}
	after, total, _, _ := listInstancesIDs(t, s, map[string]string{"CurrentPage": "2", "ShowSize": "5"})
	if total != 22 || !slices.Equal(after, newest[6:11]) || slices.Equal(before, after) {
		t.Errorf("after deleting the newest: %v (total %d), want %v", after, total, newest[6:11])
	}
	fresh := s.SeedInstanceState(provider.StateIssued)
	if got, _, _, _ := listInstancesIDs(t, s, map[string]string{"ShowSize": "1"}); !slices.Equal(got, []string{fresh}) {
		t.Errorf("first row %v, want the new instance %s", got, fresh)
	}
}

// TestListInstancesFiltersAndFields: the documented filters, Keyword as a
// substring of the domain or the instance ID, and the documented fields
// of an item.
func TestListInstancesFiltersAndFields(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	notAfter := time.Now().Add(200 * 24 * time.Hour).Truncate(time.Millisecond)
	created := time.Now().Add(-time.Hour).Truncate(time.Millisecond)
	issued := s.SeedInstance(Instance{CertificateStatus: CertIssued, NotAfter: notAfter, Domain: "www.example.net", Created: created})
	fresh := s.SeedInstance(Instance{Status: InstanceInactive, Domain: "badexample.net"})
	pending := s.SeedInstanceState(provider.StateUnderReview)
	revoked := s.SeedInstanceState(provider.StateRevoked)
	withdrawn := s.SeedInstanceState(provider.StateCancelled)
	for _, tt := range []struct {
		params map[string]string
		want   []string
	}{
		{map[string]string{"Status": "inactive"}, []string{withdrawn, fresh}},
		{map[string]string{"Status": "pending"}, []string{pending}},
		{map[string]string{"Status": "normal"}, []string{revoked, issued}},
		{map[string]string{"CertificateStatus": "revoked"}, []string{revoked}},
		{map[string]string{"CertificateStatus": "issued"}, []string{issued}},
		{map[string]string{"Keyword": "EXAMPLE.net"}, []string{fresh, issued}},
		{map[string]string{"Keyword": issued[len(issued)-6:]}, []string{issued}},
		{map[string]string{"CertificateType": "DV", "InstanceType": "BUY", "Brand": "DigiCert", "Status": "pending"}, []string{pending}},
		{map[string]string{"CertificateType": "OV"}, nil},
		{map[string]string{"InstanceType": "TEST"}, nil},
		{map[string]string{"ResourceGroupId": "rg-x"}, nil},
	} {
		got, total, _, err := listInstancesIDs(t, s, tt.params)
		if err != nil || !slices.Equal(got, tt.want) || total != len(tt.want) {
			t.Errorf("%v: %v (total %d), %v; want %v", tt.params, got, total, err, tt.want)
		}
	}
	_, _, body, err := listInstancesIDs(t, s, map[string]string{"Keyword": "www.example.net"})
	if err != nil {
		t.Fatal(err)
	}
	item := body["InstanceList"].([]any)[0].(map[string]any)
	in, _ := s.Instance(issued)
	for k, v := range map[string]any{
		"InstanceId": issued, "Status": InstanceNormal, "CertificateStatus": CertIssued, "Domain": "www.example.net",
		"CertificateDomain": "www.example.net", "CertificateNotAfter": float64(notAfter.UnixMilli()),
		"CertificateId": float64(in.CertificateID), "CertificateType": "DV", "InstanceType": "BUY", "Brand": "DigiCert",
		"OrderStartTime": float64(created.UnixMilli()),
	} {
		if item[k] != v {
			t.Errorf("%s = %v, want %v", k, item[k], v)
		}
	}
	// No certificate: no certificate fields.
	got, _, body, _ := listInstancesIDs(t, s, map[string]string{"Keyword": "badexample"})
	if item := body["InstanceList"].([]any)[0].(map[string]any); len(got) != 1 || item["CertificateStatus"] != nil ||
		item["CertificateNotAfter"] != nil || item["Status"] != InstanceInactive {
		t.Errorf("inactive instance item %v", item)
	}
}

// TestListInstancesBadRequests: undocumented values and ShowSize above
// the documented 100 are refused with InvalidParameter; faults and the
// signature check apply.
func TestListInstancesBadRequests(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	s.SeedInstanceState(provider.StateIssued)
	for _, params := range []map[string]string{
		{"ShowSize": "101"}, {"ShowSize": "0"}, {"CurrentPage": "0"}, {"CurrentPage": "x"},
		{"Status": "Inactive"}, {"Status": "cancelled"}, {"CertificateStatus": "pending"},
		{"CertificateType": "dv"}, {"InstanceType": "FREE"}, {"Brand": "Let's Encrypt"},
	} {
		_, _, _, err := listInstancesIDs(t, s, params)
		serverError(t, err, http.StatusBadRequest, codeInvalidParameter)
	}
	if _, _, _, err := listInstancesIDs(t, s, map[string]string{"ShowSize": "100"}); err != nil {
		t.Errorf("ShowSize 100: %v", err)
	}

	s.InjectFault(Fault{Action: ActionListInstances, Kind: FaultServerError, Times: 1})
	_, _, _, err := listInstancesIDs(t, s, nil)
	serverError(t, err, http.StatusInternalServerError, codeInternalError)
	s.InjectFault(Fault{Action: ActionListInstances, Kind: FaultThrottle, Times: 1})
	_, _, _, err = listInstancesIDs(t, s, nil)
	serverError(t, err, http.StatusBadRequest, codeThrottling)
	if _, _, _, err := listInstancesIDs(t, s, nil); err != nil {
		t.Errorf("after the faults: %v", err)
	}

	bad := newClientWithKey(t, s, s.AccessKeyID(), "not-the-secret")
	_, err = instanceCall(bad, ActionListInstances, nil)
	serverError(t, err, http.StatusBadRequest, codeSignatureDoesNotMatch)
}
