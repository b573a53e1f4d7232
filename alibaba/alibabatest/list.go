package alibabatest

import (
	"cmp"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"slices"
	"strconv"
	"strings"
	"time"
)

// defaultShowSize is the page size of ListUserCertificateOrder when
// ShowSize is not given; maxShowSize the largest accepted [unverified].
const (
	defaultShowSize = 50
	maxShowSize     = 1000
)

// listStatuses are the Status filter values ListUserCertificateOrder
// accepts.
var listStatuses = []string{
	StatusPayed, StatusChecking, StatusCheckedFail, StatusIssued,
	StatusWillExpire, StatusExpired, StatusNotActivated, StatusRevoked,
}

// list is ListUserCertificateOrder (help.aliyun.com/document_detail/455804).
// It takes Keyword, Status, OrderType (CPACK by default, BUY, CERT or
// UPLOAD), CurrentPage and ShowSize (defaultShowSize), and answers the
// SDK's CertificateOrderListItem field names; CertStartTime and CertEndTime
// are epoch milliseconds. OrderType CPACK (the default) and BUY
// list orders of that type; CERT lists the certificates of orders (without
// a Status filter only ISSUED and WILLEXPIRED); UPLOAD lists nothing, as
// uploads are not emulated. Keyword is what the documentation says it is,
// a fuzzy match on the domain or the resource (instance) ID: a
// case-insensitive substring of either. Neither contains the order ID, so
// a Keyword of an order ID finds nothing, as it may on the real cloud.
// Keyword also matches the order's other domains (Order.Sans), which the
// item's Sans lists after Domain, comma-separated [unverified: the page
// says "domain" and does not describe Sans]. Items come newest (highest
// ID) first [unverified]; TotalCount counts every match, and a page past
// the end is empty. Each request filters and sorts the whole inventory,
// which serves 10,000 orders at test speed.
func (s *Server) list(p map[string]string, now time.Time) result {
	status := p["Status"]
	if status != "" && !slices.Contains(listStatuses, status) {
		return failed(errInvalid("Status", "it must be one of "+strings.Join(listStatuses, ", ")))
	}
	orderType := p["OrderType"]
	switch orderType {
	case "":
		orderType = OrderTypePackage
	case OrderTypePackage, OrderTypeBuy, "CERT", "UPLOAD":
	default:
		return failed(errInvalid("OrderType", "it must be CPACK, BUY, CERT or UPLOAD"))
	}
	page, err := positiveParam(p, "CurrentPage", 1, 1<<30)
	if err != nil {
		return failed(err)
	}
	size, err := positiveParam(p, "ShowSize", defaultShowSize, maxShowSize)
	if err != nil {
		return failed(err)
	}
	keyword := strings.ToLower(p["Keyword"])

	s.mu.Lock()
	defer s.mu.Unlock()
	var hits []*record
	for _, r := range s.orders {
		o := r.current(now)
		if !listed(o, orderType, status) || !matches(o, keyword) {
			continue
		}
		hits = append(hits, r)
	}
	slices.SortFunc(hits, func(a, b *record) int { return cmp.Compare(b.ID, a.ID) })
	items := []map[string]any{}
	start := (page - 1) * size
	for i := start; i < len(hits) && i < start+size; i++ {
		items = append(items, s.listItem(hits[i], now))
	}
	return result{body: map[string]any{
		"TotalCount":           len(hits),
		"CurrentPage":          page,
		"ShowSize":             size,
		"CertificateOrderList": items,
	}}
}

// listed reports whether o belongs in a listing of orderType with the
// Status filter status.
func listed(o Order, orderType, status string) bool {
	switch orderType {
	case "UPLOAD":
		return false
	case "CERT":
		if o.Type != TypeCertificate && o.Status != StatusRevoked {
			return false
		}
		if status == "" {
			return o.Status == StatusIssued || o.Status == StatusWillExpire
		}
	default:
		if o.OrderType != orderType {
			return false
		}
	}
	return status == "" || o.Status == status
}

// matches reports whether o matches the lower-cased keyword: part of its
// domain, of one of its Sans [unverified: the page says "domain"], or of
// its instance ID.
func matches(o Order, keyword string) bool {
	if keyword == "" {
		return true
	}
	for _, d := range o.Sans {
		if strings.Contains(strings.ToLower(d), keyword) {
			return true
		}
	}
	return strings.Contains(strings.ToLower(o.Domain), keyword) || strings.Contains(instanceID(o.ID), keyword)
}

// instanceID is the resource (instance) ID of order id, shaped like the
// cloud's ("cas-cn-" and a suffix). Its suffix is letters only, so that it
// never contains the order ID.
func instanceID(id int64) string { return "cas-cn-" + letters(id) }

// letters spells a scrambled id in twelve lower-case letters.
func letters(id int64) string {
	x := uint64(id) * 0x9e3779b97f4a7c15
	b := make([]byte, 12)
	for i := range b {
		b[i] = 'a' + byte(x%26)
		x /= 26
	}
	return string(b)
}

// positiveParam reads an optional integer parameter from 1 to limit.
func positiveParam(p map[string]string, name string, def, limit int) (int, *apiError) {
	v, ok := p[name]
	if !ok || v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > limit {
		return 0, errInvalid(name, "it must be an integer from 1 to "+strconv.Itoa(limit))
	}
	return n, nil
}

// listItem renders r as a CertificateOrderList item, with the field names
// of the SDK's CertificateOrderListItem. Times are epoch milliseconds. The
// caller holds s.mu.
func (s *Server) listItem(r *record, now time.Time) map[string]any {
	o := r.current(now)
	domainType, wild := "ONE_DOMAIN", 0
	if strings.HasPrefix(o.Domain, "*.") {
		domainType, wild = "WILDCARD", 1
	}
	item := map[string]any{
		"OrderId":         o.ID,
		"InstanceId":      instanceID(o.ID),
		"Status":          o.Status,
		"ProductCode":     o.ProductCode,
		"ProductName":     o.ProductCode,
		"Domain":          o.Domain,
		"DomainType":      domainType,
		"DomainCount":     1,
		"WildDomainCount": wild,
		"CertType":        "DV",
		"Algorithm":       "ECC",
		"AliyunOrderId":   200_000_000_000_000 + o.ID,
		"BuyDate":         o.BuyDate.UnixMilli(),
		"SourceType":      "buy",
		"TrusteeStatus":   "unTrustee",
		"RootBrand":       "alibabatest",
		"CommonName":      o.Domain,
		"Sans":            strings.Join(append([]string{o.Domain}, o.Sans...), ","),
		"Expired":         o.Status == StatusExpired,
		"Upload":          false,
		"ResourceGroupId": "",
	}
	if !o.NotAfter.IsZero() {
		item["CertStartTime"] = o.NotBefore.UnixMilli()
		item["CertEndTime"] = o.NotAfter.UnixMilli()
		item["StartDate"] = o.NotBefore.UTC().Format(time.DateOnly)
		item["EndDate"] = o.NotAfter.UTC().Format(time.DateOnly)
		item["CertificateId"] = o.ID
		item["Name"] = "cert-" + strconv.FormatInt(o.ID, 10)
		item["SerialNo"] = strconv.FormatInt(o.ID, 16)
		item["Issuer"] = "alibabatest emulator"
	}
	if o.Type == TypeCertificate {
		if text, err := s.certificate(r); err == nil {
			if b, _ := pem.Decode([]byte(text)); b != nil {
				s1, s2 := sha1.Sum(b.Bytes), sha256.Sum256(b.Bytes)
				item["Fingerprint"] = strings.ToUpper(hex.EncodeToString(s1[:]))
				item["Sha2"] = strings.ToUpper(hex.EncodeToString(s2[:]))
			}
		}
	}
	return item
}
