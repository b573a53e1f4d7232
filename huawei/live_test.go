package huawei

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/certbroker/certbroker/provider"
)

// Opt-in checks against the real cloud. They read only (Status) and are
// skipped unless CERTBROKER_LIVE=1, the standard Huawei credential
// variables are set (see ConfigFromEnv) and CERTBROKER_LIVE_REFS names at
// least one certificate with Huawei's ID shape:
//
//	CERTBROKER_LIVE=1 HUAWEICLOUD_SDK_AK=… HUAWEICLOUD_SDK_SK=… \
//	HUAWEICLOUD_SDK_PROJECT_ID=… [HUAWEICLOUD_SDK_REGION=…] \
//	CERTBROKER_LIVE_REFS=huawei:scs1481110651012,alibaba:123 \
//	go test -run TestLive ./huawei/
const (
	envLive     = "CERTBROKER_LIVE"
	envLiveRefs = "CERTBROKER_LIVE_REFS"
)

// liveIDs returns the IDs of the comma-separated refs ("origin:id") that
// have Huawei's ID shape, in order and without repeats; other refs (other
// clouds, malformed ones) are skipped.
func liveIDs(refs string) []string {
	var ids []string
	for s := range strings.SplitSeq(refs, ",") {
		ref, err := provider.ParseRef(strings.TrimSpace(s))
		if err != nil || checkID(ref.ID) != nil || slices.Contains(ids, ref.ID) {
			continue
		}
		ids = append(ids, ref.ID)
	}
	return ids
}

func TestLiveIDs(t *testing.T) {
	t.Parallel()
	got := liveIDs(" huawei:scs1481110651012, alibaba:123451222,huawei-eu:scs1554192131150,bad,huawei:scs1481110651012,x:scs1")
	want := []string{"scs1481110651012", "scs1554192131150"}
	if !slices.Equal(got, want) {
		t.Fatalf("liveIDs = %v, want %v", got, want)
	}
}

// TestLiveStatus reads the Status of each live ref from the real cloud.
func TestLiveStatus(t *testing.T) {
	t.Parallel()
	if os.Getenv(envLive) != "1" {
		t.Skipf("live checks are off: set %s=1 (read-only Status against the real cloud)", envLive)
	}
	cfg, err := ConfigFromEnv(os.LookupEnv)
	if err != nil {
		t.Skipf("live checks need Huawei credentials: %v", err)
	}
	ids := liveIDs(os.Getenv(envLiveRefs))
	if len(ids) == 0 {
		t.Skipf("%s names no ref with a Huawei certificate ID (origin:scs + 13 digits)", envLiveRefs)
	}
	a, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		res, err := a.Status(t.Context(), provider.StatusRequest{ID: id})
		if err != nil {
			t.Errorf("%s: %v", id, err)
			continue
		}
		t.Logf("%s: %s (native %q), not after %v, request %s", id, res.State, res.NativeState, res.NotAfter, res.RequestID)
		if res.ID != id || res.NativeState == "" || res.RequestID == "" {
			t.Errorf("%s: incomplete result %+v", id, res)
		}
		if (res.State == provider.StateIssued || res.State == provider.StateExpiring) && res.NotAfter.IsZero() {
			t.Errorf("%s: %s without a NotAfter (not_after unreadable?)", id, res.State)
		}
	}
}
