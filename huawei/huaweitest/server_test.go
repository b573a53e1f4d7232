package huaweitest

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/certbroker/certbroker/provider"
)

// syncBuffer is a bytes.Buffer safe for the logger's concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *syncBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

func TestLoggerKeepsSecretsOut(t *testing.T) {
	t.Parallel()
	var buf syncBuffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s, c := newServer(t, WithLogger(logger))
	id := s.Seed(provider.StateIssued)
	if _, err := c.revoke(id, ptr("key compromise")); err != nil {
		t.Fatal(err)
	}
	wrong := newClient(t, s.URL(), s.AccessKeyID(), "wrong-secret", s.ProjectID(), nil)
	_, _ = wrong.details(id)
	out := buf.String()
	if strings.Count(out, "huaweitest request") != 2 || !strings.Contains(out, id) {
		t.Fatalf("log lacks the two requests:\n%s", out)
	}
	for _, secret := range []string{s.AccessKeySecret(), "wrong-secret", "Signature=", "key compromise"} {
		if strings.Contains(out, secret) {
			t.Fatalf("log contains %q", secret)
		}
	}
}

func TestURLAndClose(t *testing.T) {
	t.Parallel()
	s := NewServer()
	if !strings.HasPrefix(s.URL(), "http://127.0.0.1:") && !strings.HasPrefix(s.URL(), "http://[::1]:") {
		t.Fatalf("URL %q is not a loopback http URL", s.URL())
	}
	c := newClient(t, s.URL(), s.AccessKeyID(), s.AccessKeySecret(), s.ProjectID(), nil)
	id := s.Seed(provider.StateIssued)
	if _, err := c.details(id); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s.Close() // idempotent
	if _, err := c.details(id); err == nil {
		t.Fatal("a request after Close succeeded")
	}
	if got, ok := s.State(id); !ok || got != provider.StateIssued {
		t.Fatalf("State after Close: %v, %v", got, ok)
	}
	if s.RequestCount() != 1 {
		t.Fatalf("RequestCount = %d; want 1", s.RequestCount())
	}
}
