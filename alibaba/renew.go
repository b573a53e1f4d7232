package alibaba

import (
	"context"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/cas"
	"github.com/certbroker/certbroker/internal/adapterkit"
	"github.com/certbroker/certbroker/provider"
)

// Renew creates a renewal order for an order in its renewal window with
// RenewCertificateOrderForPackageRequest. The CSR and tags are validated
// before anything is sent (see [ValidateCSR] and [ValidateTags]). The new
// order's ID is in Result.NewID and it starts in payed
// ([provider.StatePendingApplication], Capabilities().Renew.Lands); the old
// order is unchanged, and Result.State, which describes the old order, is
// [provider.StateUnknown] because the response does not reveal it. Renew
// is never retried by the adapter: every success creates an order.
func (a *Adapter) Renew(ctx context.Context, r provider.RenewRequest) (*provider.Result, error) {
	start := time.Now()
	n, err := a.validate(r)
	if err != nil {
		return nil, err
	}
	req := cas.CreateRenewCertificateOrderForPackageRequestRequest()
	req.OrderId = requests.NewInteger64(n)
	req.Csr = r.CSR
	addTags(req.GetQueryParams(), r.Tags)
	resp := cas.CreateRenewCertificateOrderForPackageRequestResponse()
	if err := a.invoke(ctx, provider.OpRenew, r.ID, true, req, resp); err != nil {
		return nil, err
	}
	if resp.OrderId <= 0 {
		return nil, a.kit.Stamp(&provider.Error{Kind: provider.KindOutcomeUnknown,
			RequestID: resp.RequestId, HTTPStatus: resp.GetHttpStatus(),
			Message: "the renewal succeeded but the response carried no new OrderId"}, provider.OpRenew, r.ID)
	}
	res := a.kit.Result(provider.OpRenew, r.ID, resp.RequestId)
	res.NewID = formatOrderID(resp.OrderId)
	// Result.State describes the renewed order itself, which the call
	// does not reveal (it is unchanged); the new order starts in payed,
	// Capabilities().Renew.Lands.
	res.State = provider.StateUnknown
	a.done(ctx, res, req.GetActionName(), start)
	return res, nil
}

// Limits on renewal input, from the RenewCertificateOrderForPackageRequest
// documentation.
const (
	MaxTags         = 20
	MaxTagKeyLen    = 128 // characters
	MaxTagValueLen  = 128 // characters
	MinRSAKeyBits   = 2048
	maxCSRBytes     = 16 << 10
	csrPEMType      = "CERTIFICATE REQUEST"
	csrPEMTypeOlder = "NEW CERTIFICATE REQUEST" // written by keytool
)

// ValidateCSR checks an optional renewal CSR the way Alibaba documents it:
// one PEM block of type CERTIFICATE REQUEST (keytool's NEW CERTIFICATE
// REQUEST is accepted too) and nothing else, a valid self-signature, and
// an RSA key of at least 2048 bits or an ECDSA key. An empty CSR is valid:
// Alibaba then generates the key pair.
func ValidateCSR(csr string) error {
	if csr == "" {
		return nil
	}
	if len(csr) > maxCSRBytes {
		return fmt.Errorf("CSR is %d bytes, more than %d", len(csr), maxCSRBytes)
	}
	block, rest := pem.Decode([]byte(csr))
	if block == nil {
		return errors.New("CSR is not PEM: want -----BEGIN CERTIFICATE REQUEST-----")
	}
	if block.Type != csrPEMType && block.Type != csrPEMTypeOlder {
		return fmt.Errorf("CSR PEM block is %q, want %q", adapterkit.Truncate(block.Type, 40), csrPEMType)
	}
	if strings.TrimSpace(string(rest)) != "" {
		return errors.New("CSR has data after the PEM block")
	}
	req, err := x509.ParseCertificateRequest(block.Bytes)
	if err != nil {
		return fmt.Errorf("CSR does not parse: %v", err)
	}
	if err := req.CheckSignature(); err != nil {
		return fmt.Errorf("CSR signature is invalid: %v", err)
	}
	switch k := req.PublicKey.(type) {
	case *rsa.PublicKey:
		if bits := k.N.BitLen(); bits < MinRSAKeyBits {
			return fmt.Errorf("CSR has a %d-bit RSA key: Alibaba requires at least %d bits", bits, MinRSAKeyBits)
		}
	case *ecdsa.PublicKey:
	default:
		return fmt.Errorf("CSR key is %T: Alibaba accepts RSA or ECDSA keys", req.PublicKey)
	}
	return nil
}

// ValidateTags checks renewal tags against Alibaba's documented rules: at
// most 20; each key 1 to 128 characters and each value 0 to 128; neither
// may start with "aliyun" or "acs:" nor contain "http://" or "https://"
// (checked without regard to case); keys are unique; text is valid UTF-8
// without control characters.
func ValidateTags(tags []provider.Tag) error {
	if len(tags) > MaxTags {
		return fmt.Errorf("%d tags, more than %d", len(tags), MaxTags)
	}
	seen := make(map[string]bool, len(tags))
	for i, t := range tags {
		if t.Key == "" {
			return fmt.Errorf("tag %d: empty key", i+1)
		}
		if err := checkTagText("key", t.Key, MaxTagKeyLen); err != nil {
			return fmt.Errorf("tag %d: %w", i+1, err)
		}
		if err := checkTagText("value", t.Value, MaxTagValueLen); err != nil {
			return fmt.Errorf("tag %d (%q): %w", i+1, t.Key, err)
		}
		if seen[t.Key] {
			return fmt.Errorf("tag %d: duplicate key %q", i+1, t.Key)
		}
		seen[t.Key] = true
	}
	return nil
}

func checkTagText(what, s string, maxLen int) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("%s is not valid UTF-8", what)
	}
	if n := utf8.RuneCountInString(s); n > maxLen {
		return fmt.Errorf("%s is %d characters, more than %d", what, n, maxLen)
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return fmt.Errorf("%s contains a control character", what)
	}
	lower := strings.ToLower(s)
	if strings.HasPrefix(lower, "aliyun") || strings.HasPrefix(lower, "acs:") {
		return fmt.Errorf("%s %q starts with a reserved prefix (aliyun, acs:)", what, adapterkit.Truncate(s, 40))
	}
	if strings.Contains(lower, "http://") || strings.Contains(lower, "https://") {
		return fmt.Errorf("%s %q contains http:// or https://", what, adapterkit.Truncate(s, 40))
	}
	return nil
}

// addTags adds tags to a request's query parameters the way the SDK
// encodes a repeated list of structs (requests.flatRepeatedList):
// Tags.1.Key, Tags.1.Value, Tags.2.Key, ... counted from 1. The SDK's
// RenewCertificateOrderForPackageRequest struct has no Tags field, so the
// adapter adds the parameters itself; they are signed like any other. An
// empty value is left out, as the SDK leaves out every empty parameter.
func addTags(q map[string]string, tags []provider.Tag) {
	for i, t := range tags {
		prefix := "Tags." + strconv.Itoa(i+1) + "."
		q[prefix+"Key"] = t.Key
		if t.Value != "" {
			q[prefix+"Value"] = t.Value
		}
	}
}
