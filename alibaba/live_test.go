package alibaba

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certbroker/certbroker/provider"
)

// The opt-in live check: with CERTBROKER_LIVE=1, the standard Alibaba
// credential variables (ConfigFromEnv) and CERTBROKER_LIVE_REFS, a
// comma-separated list of origin:id refs, TestLiveStatus reads the
// status of every ref whose ID has the shape of a CAS order ID from the
// real cloud. It is read-only: a pacer in the context refuses, before
// sending, any request other than the two reads Status makes.
const (
	envLive     = "CERTBROKER_LIVE"
	envLiveRefs = "CERTBROKER_LIVE_REFS"
)

// readOnlyAPIs are the only CAS actions the live check lets out.
var readOnlyAPIs = []string{"DescribeCertificateState", listAction}

// readOnlyPacer admits the read-only APIs, records every API asked for,
// and refuses the rest, which are then never sent.
type readOnlyPacer struct {
	mu   sync.Mutex
	apis []string
}

var errNotReadOnly = errors.New("live check: refused a request that is not read-only")

func (p *readOnlyPacer) Wait(ctx context.Context, api string) error {
	p.mu.Lock()
	p.apis = append(p.apis, api)
	p.mu.Unlock()
	if !slices.Contains(readOnlyAPIs, api) {
		return errNotReadOnly
	}
	return ctx.Err()
}

// liveIDs picks, from a CERTBROKER_LIVE_REFS value, the IDs of the refs
// whose ID check passes, in order and without duplicates, and names the
// entries it skips.
func liveIDs(refs string, check func(string) error) (ids, skipped []string) {
	for _, s := range strings.Split(refs, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		r, err := provider.ParseRef(s)
		switch {
		case err != nil:
			skipped = append(skipped, fmt.Sprintf("%q (not origin:id)", s))
		case check(r.ID) != nil:
			skipped = append(skipped, fmt.Sprintf("%s (not a CAS order ID)", r))
		case !slices.Contains(ids, r.ID):
			ids = append(ids, r.ID)
		}
	}
	return ids, skipped
}

func TestLiveIDs(t *testing.T) {
	t.Parallel()
	a := newTestAdapter(t, Config{AccessKeyID: "id", AccessKeySecret: "secret"})
	for _, tc := range []struct {
		in       string
		ids      []string
		nSkipped int
	}{
		{"", nil, 0},
		{"alibaba:123451222", []string{"123451222"}, 0},
		{" alibaba:1 , prod-ali:2,alibaba:1", []string{"1", "2"}, 0},
		{"huawei:scs1554192131150,alibaba:0123,x,alibaba:77", []string{"77"}, 3},
	} {
		ids, skipped := liveIDs(tc.in, a.CheckID)
		if !slices.Equal(ids, tc.ids) || len(skipped) != tc.nSkipped {
			t.Errorf("liveIDs(%q) = %v, skipped %v; want %v and %d skipped", tc.in, ids, skipped, tc.ids, tc.nSkipped)
		}
	}
}

func TestReadOnlyPacer(t *testing.T) {
	t.Parallel()
	p := &readOnlyPacer{}
	for api, want := range map[string]error{"DescribeCertificateState": nil, listAction: nil,
		"CancelCertificateForPackageRequest": errNotReadOnly, "DeleteCertificateRequest": errNotReadOnly} {
		if err := p.Wait(t.Context(), api); !errors.Is(err, want) {
			t.Errorf("Wait(%s) = %v, want %v", api, err, want)
		}
	}
	// Through the adapter: Revoke's state read is admitted, the
	// revocation itself never leaves.
	s := newEmulator(t)
	id := s.Seed(provider.StateIssued)
	_, err := adapterFor(t, s).Revoke(provider.WithPacer(t.Context(), p), provider.RevokeRequest{ID: id})
	if !errors.Is(err, errNotReadOnly) || sentFor(s, "CancelCertificateForPackageRequest", id) != 0 {
		t.Errorf("revoke under the read-only pacer = %v, and the emulator saw %v", err, actions(s))
	}
}

// TestLiveStatus reads real orders; see the constants above. Without the
// opt-in it skips and says why.
func TestLiveStatus(t *testing.T) {
	if os.Getenv(envLive) != "1" {
		t.Skipf("live check off: set %s=1, %s, %s and %s to run Status against the real cloud",
			envLive, EnvAccessKeyID, EnvAccessKeySecret, envLiveRefs)
	}
	cfg, err := ConfigFromEnv(os.LookupEnv)
	if err != nil {
		t.Skipf("live check: %v", err) // names missing variables only
	}
	a := newTestAdapter(t, cfg)
	ids, skipped := liveIDs(os.Getenv(envLiveRefs), a.CheckID)
	for _, s := range skipped {
		t.Logf("skipping ref %s", s)
	}
	if len(ids) == 0 {
		t.Skipf("live check: %s holds no ref with a CAS order ID", envLiveRefs)
	}
	for _, id := range ids {
		t.Run(id, func(t *testing.T) {
			p := &readOnlyPacer{}
			ctx, cancel := context.WithTimeout(provider.WithPacer(t.Context(), p), time.Minute)
			defer cancel()
			res, err := a.Status(ctx, provider.StatusRequest{ID: id})
			if err != nil {
				t.Fatalf("Status(%s): %v", id, err) // errors are redacted by the adapter
			}
			if res.Origin != DefaultOrigin || res.ID != id || res.Op != provider.OpStatus || res.RequestID == "" ||
				res.NativeState == "" || !slices.Contains(provider.States(), res.State) {
				t.Errorf("result %+v: want this origin and ID, a request ID, a native state and a known state", res)
			}
			if res.NativeState == typeCertificate && res.NotAfter.IsZero() {
				t.Errorf("issued order without NotAfter: %+v", res)
			}
			if len(p.apis) == 0 || p.apis[0] != "DescribeCertificateState" {
				t.Errorf("requests %v: want DescribeCertificateState first", p.apis)
			}
			t.Logf("%s: %s (native %q), NotAfter %v, request %s, requests %v",
				id, res.State, res.NativeState, res.NotAfter, res.RequestID, p.apis)
		})
	}
}
