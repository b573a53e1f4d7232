package alibabatest

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ActionListInstances is the instance model's list (CAS 2020-04-07),
// page api-cas-2020-04-07-listinstances under
// help.aliyun.com/zh/ssl-certificate/developer-reference/ (English copy
// under alibabacloud.com/help/en/ssl-certificate/developer-reference/);
// field names as in the Tea SDK, aliyun/alibabacloud-go-sdk
// cas-20200407/client/list_instances_request_model.go and
// list_instances_response_body_model.go.
const ActionListInstances = "ListInstances"

// ListInstances paging: ShowSize defaults to 10 and is at most 100, and
// CurrentPage defaults to 1, as the page documents.
const (
	defaultInstanceShowSize = 10
	maxInstanceShowSize     = 100
)

// The documented values of ListInstances' CertificateType, InstanceType
// and Brand filters.
var (
	instanceStatuses = []string{InstanceInactive, InstancePending, InstanceWillExpire, InstanceExpired,
		InstanceRefund, InstanceNormal, InstanceClosed}
	instanceCertStatuses = []string{CertIssued, CertRevoked, CertWillExpire, CertExpired}
	instanceCertTypes    = []string{"DV", "OV", "EV"}
	instanceTypes        = []string{"BUY", "TEST"}
	instanceBrands       = []string{"WoSign", "CFCA", "DigiCert", "GeoTrust", "GlobalSign", "vTrus", "Alibaba"}
)

// What every emulated instance is: a bought (BUY) DigiCert DV
// certificate. The page lists these among the documented values.
const (
	emulatedInstanceType = "BUY"
	emulatedCertType     = "DV"
	emulatedBrand        = "DigiCert"
)

// listInstances is ListInstances. It takes the documented parameters:
// Keyword, Status, CertificateStatus, CertificateType, Brand,
// InstanceType, ResourceGroupId, CurrentPage and ShowSize, and answers
// RequestId, TotalCount (every match), CurrentPage, ShowSize and
// InstanceList, whose items carry the documented field names.
//
// What the page leaves open, chosen to expose a wrong client:
//
//   - Row order [unverified]: the newest instance first, so that an
//     instance created during a listing shifts every row forward by one
//     and a deleted one shifts the rows after it back: a client paging by
//     offset alone lists an instance twice or skips one.
//   - ShowSize above 100 [unverified]: refused with 400 InvalidParameter,
//     as is a ShowSize or CurrentPage below 1 or not a number, and a
//     filter value the page does not list (Status, CertificateStatus,
//     CertificateType, InstanceType, Brand, case-sensitive). Without
//     ShowSize a page holds 10 rows, the documented default, so a client
//     that assumes 50 skips rows.
//   - Keyword ("fuzzy match on domain names, instance names or resource
//     IDs"): a case-insensitive substring of the instance's Domain, of its
//     InstanceId or of its CertificateName. A substring matches "badexample.com" for
//     "example.com": the client must filter exactly.
//   - Times (CertificateNotAfter, CertificateNotBefore, OrderStartTime,
//     InstanceStartTime, InstanceEndTime) [unverified]: the SDK's comments
//     say seconds, its examples (1801324800000) are milliseconds; the
//     emulator sends milliseconds, as GetInstanceDetail does.
//   - ResourceGroupId: the emulator holds no resource groups, so any value
//     matches nothing.
//
// Status and CertificateStatus follow the clock as GetInstanceDetail's do;
// a withdrawn instance lists as inactive. A page past the end is empty.
func (s *Server) listInstances(p map[string]string, now time.Time) result {
	filters := map[string][]string{
		"Status": instanceStatuses, "CertificateStatus": instanceCertStatuses,
		"CertificateType": instanceCertTypes, "InstanceType": instanceTypes, "Brand": instanceBrands,
	}
	for name, valid := range filters {
		if v, ok := p[name]; ok && !slices.Contains(valid, v) {
			return failed(errInvalid(name, "it must be one of "+strings.Join(valid, ", ")))
		}
	}
	page, err := positiveParam(p, "CurrentPage", 1, 1<<30)
	if err != nil {
		return failed(err)
	}
	size, err := positiveParam(p, "ShowSize", defaultInstanceShowSize, maxInstanceShowSize)
	if err != nil {
		return failed(err)
	}
	keyword := strings.ToLower(p["Keyword"])
	_, byGroup := p["ResourceGroupId"]

	s.mu.Lock()
	defer s.mu.Unlock()
	var hits []Instance
	for _, r := range s.instances {
		in := r.current(now)
		switch {
		case byGroup,
			p["Status"] != "" && in.Status != p["Status"],
			p["CertificateStatus"] != "" && in.CertificateStatus != p["CertificateStatus"],
			p["CertificateType"] != "" && p["CertificateType"] != emulatedCertType,
			p["InstanceType"] != "" && p["InstanceType"] != emulatedInstanceType,
			p["Brand"] != "" && p["Brand"] != emulatedBrand,
			!instanceMatches(in, keyword):
			continue
		}
		hits = append(hits, in)
	}
	slices.SortFunc(hits, func(a, b Instance) int { return cmp.Compare(b.seq, a.seq) })
	items := []map[string]any{}
	for i := (page - 1) * size; i < len(hits) && i < page*size; i++ {
		items = append(items, instanceItem(hits[i]))
	}
	return result{body: map[string]any{
		"TotalCount":   len(hits),
		"CurrentPage":  page,
		"ShowSize":     size,
		"InstanceList": items,
	}}
}

// instanceMatches reports whether in matches the lower-cased keyword.
func instanceMatches(in Instance, keyword string) bool {
	if keyword == "" {
		return true
	}
	for _, v := range []string{in.Domain, in.ID, certificateName(in)} {
		if v != "" && strings.Contains(strings.ToLower(v), keyword) {
			return true
		}
	}
	return false
}

// certificateName is the certificate's name, "cert-" and its ID, or ""
// before a certificate exists.
func certificateName(in Instance) string {
	if in.CertificateID == 0 {
		return ""
	}
	return "cert-" + strconv.FormatInt(in.CertificateID, 10)
}

// instanceItem renders in as an InstanceList item, with the field names of
// the SDK's ListInstancesResponseBodyInstanceList. The certificate fields
// appear once a certificate exists; CertificateDomain ("the domain name of
// the latest issued certificate", example "abc.com,www.abc.com",
// comma-separated) is the one Domain, the emulated certificates having no
// other names.
func instanceItem(in Instance) map[string]any {
	wild := 0
	if strings.HasPrefix(in.Domain, "*.") {
		wild = 1
	}
	item := map[string]any{
		"InstanceId":          in.ID,
		"Status":              in.Status,
		"InstanceType":        emulatedInstanceType,
		"CertificateType":     emulatedCertType,
		"Brand":               emulatedBrand,
		"Domain":              in.Domain,
		"FullDomainCount":     1 - wild,
		"WildcardDomainCount": wild,
		"KeyAlgorithm":        "RSA_2048",
		"AutoReissue":         "disable",
		"Spec":                "ss.dv.t",
		"ResourceGroupId":     "",
		"OrderStartTime":      in.Created.UnixMilli(),
		"OrderEndTime":        in.Created.AddDate(1, 0, 0).UnixMilli(),
		"UsingProductList":    []string{},
	}
	if in.CertificateStatus != "" {
		item["CertificateStatus"] = in.CertificateStatus
		item["CertificateId"] = in.CertificateID
		item["CertificateName"] = certificateName(in)
		item["CertIdentifier"] = strconv.FormatInt(in.CertificateID, 10) + "-cn-hangzhou"
		item["CertificateDomain"] = in.Domain
		item["CertificateNotAfter"] = in.NotAfter.UnixMilli()
		item["CertificateNotBefore"] = in.NotAfter.AddDate(-1, 0, 0).UnixMilli()
		item["InstanceStartTime"] = in.NotAfter.AddDate(-1, 0, 0).UnixMilli()
		item["InstanceEndTime"] = in.NotAfter.UnixMilli()
	}
	return item
}
