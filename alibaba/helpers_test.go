package alibaba

import (
	"testing"

	"github.com/certbroker/certbroker/alibaba/alibabatest"
)

// Test credentials for adapters whose tests look for leaks. The emulator
// accepts them through alibabatest.WithAccessKey.
const (
	testKeyID  = "LTAItestkey0001"
	testSecret = "s3cr3t-Secret/Value+with=chars"
	testToken  = "sts-T0ken/with+odd=chars"
)

// newEmulator starts an emulator that also accepts the test key pair and
// closes it when the test ends.
func newEmulator(t testing.TB, opts ...alibabatest.Option) *alibabatest.Server {
	t.Helper()
	s := alibabatest.NewServer(append([]alibabatest.Option{alibabatest.WithAccessKey(testKeyID, testSecret)}, opts...)...)
	t.Cleanup(s.Close)
	return s
}

// emulatorConfig is a Config for s with its default key pair.
func emulatorConfig(s *alibabatest.Server) Config {
	return Config{Endpoint: s.URL(), AccessKeyID: s.AccessKeyID(), AccessKeySecret: s.AccessKeySecret()}
}

// newTestAdapter builds an adapter for cfg and fails the test on error.
func newTestAdapter(t testing.TB, cfg Config, opts ...Option) *Adapter {
	t.Helper()
	a, err := New(cfg, opts...)
	if err != nil {
		t.Fatalf("New(%v): %v", cfg, err)
	}
	t.Cleanup(a.CloseIdleConnections)
	return a
}

// adapterFor builds an adapter talking to emulator s.
func adapterFor(t testing.TB, s *alibabatest.Server, opts ...Option) *Adapter {
	t.Helper()
	return newTestAdapter(t, emulatorConfig(s), opts...)
}

// sentFor counts the requests for action that named order id in the
// emulator's request log.
func sentFor(s *alibabatest.Server, action, id string) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Action == action && r.ID == id {
			n++
		}
	}
	return n
}
