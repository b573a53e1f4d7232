package alibabatest

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxTags is the most tags a renewal may carry, and the highest N of
// Tags.N.Key.
const maxTags = 20

// maxTagLen is the longest tag key or value, in characters.
const maxTagLen = 128

// parseCSR checks the optional Csr parameter: one PEM CERTIFICATE REQUEST
// with a valid self-signature and an RSA key of at least 2048 bits or an
// ECDSA key. It returns the PEM as given and the CSR's CN.
func parseCSR(text string) (csr, cn string, _ *apiError) {
	if text == "" {
		return "", "", nil
	}
	block, rest := pem.Decode([]byte(text))
	if block == nil || (block.Type != "CERTIFICATE REQUEST" && block.Type != "NEW CERTIFICATE REQUEST") {
		return "", "", errInvalid("Csr", "it is not a PEM CERTIFICATE REQUEST")
	}
	if strings.TrimSpace(string(rest)) != "" {
		return "", "", errInvalid("Csr", "it holds more than one PEM block")
	}
	req, err := x509.ParseCertificateRequest(block.Bytes)
	if err != nil {
		return "", "", errInvalid("Csr", "the certificate request cannot be parsed")
	}
	if err := req.CheckSignature(); err != nil {
		return "", "", errInvalid("Csr", "the certificate request signature is not valid")
	}
	switch k := req.PublicKey.(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() < 2048 {
			return "", "", errInvalid("Csr", fmt.Sprintf("the RSA key has %d bits; at least 2048 are required", k.N.BitLen()))
		}
	case *ecdsa.PublicKey:
	default:
		return "", "", errInvalid("Csr", "the key algorithm must be RSA or ECC")
	}
	return text, req.Subject.CommonName, nil
}

// parseTags reads Tags.N.Key and Tags.N.Value (N from 1 to maxTags), the
// way the Alibaba RPC SDKs flatten a repeated list of structs, and checks
// them as the renewal documentation describes: a key is 1 to 128
// characters; keys and values do not start with "aliyun" or "acs:" and do
// not contain "http://" or "https://"; a value may be empty (the SDK then
// omits it); keys are unique. The result is ordered by N.
func parseTags(p map[string]string) ([]Tag, *apiError) {
	type slot struct {
		key, value       string
		hasKey, hasValue bool
	}
	slots := map[int]*slot{}
	for name, v := range p {
		rest, ok := strings.CutPrefix(name, "Tags.")
		if !ok {
			continue
		}
		num, field, ok := strings.Cut(rest, ".")
		n, err := strconv.Atoi(num)
		if !ok || err != nil || n < 1 || num[0] == '0' || (field != "Key" && field != "Value") {
			return nil, errInvalid(truncate(name), "tags are passed as Tags.N.Key and Tags.N.Value with N from 1")
		}
		if n > maxTags {
			return nil, errInvalid(truncate(name), fmt.Sprintf("at most %d tags are allowed", maxTags))
		}
		s := slots[n]
		if s == nil {
			s = &slot{}
			slots[n] = s
		}
		if field == "Key" {
			s.key, s.hasKey = v, true
		} else {
			s.value, s.hasValue = v, true
		}
	}
	nums := make([]int, 0, len(slots))
	for n := range slots {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	tags := make([]Tag, 0, len(nums))
	seen := map[string]bool{}
	for _, n := range nums {
		s := slots[n]
		name := "Tags." + strconv.Itoa(n)
		if !s.hasKey || s.key == "" {
			return nil, errInvalid(name+".Key", "the tag key cannot be empty")
		}
		if why := tagTextProblem(s.key); why != "" {
			return nil, errInvalid(name+".Key", why)
		}
		if why := tagTextProblem(s.value); s.hasValue && why != "" {
			return nil, errInvalid(name+".Value", why)
		}
		if seen[s.key] {
			return nil, errInvalid(name+".Key", "the tag key is repeated")
		}
		seen[s.key] = true
		tags = append(tags, Tag{Key: s.key, Value: s.value})
	}
	if len(tags) == 0 {
		return nil, nil
	}
	return tags, nil
}

// tagTextProblem says what is wrong with a tag key or value, or "".
func tagTextProblem(s string) string {
	lower := strings.ToLower(s)
	switch {
	case utf8.RuneCountInString(s) > maxTagLen:
		return fmt.Sprintf("it is longer than %d characters", maxTagLen)
	case strings.HasPrefix(lower, "aliyun"), strings.HasPrefix(lower, "acs:"):
		return `it cannot start with "aliyun" or "acs:"`
	case strings.Contains(lower, "http://"), strings.Contains(lower, "https://"):
		return `it cannot contain "http://" or "https://"`
	}
	return ""
}
