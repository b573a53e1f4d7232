package alibabatest

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/certbroker/certbroker/provider"
)

func TestEndpointAndURL(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	if !strings.HasPrefix(s.Endpoint(), "127.0.0.1:") || s.URL() != "http://"+s.Endpoint() {
		t.Fatalf("Endpoint %q URL %q", s.Endpoint(), s.URL())
	}
	if s.AccessKeyID() == "" || s.AccessKeySecret() == "" || s.AccessKeyID() == s.AccessKeySecret() {
		t.Fatal("default key pair missing")
	}
}

// TestConcurrentClients runs one SDK client per goroutine against one
// server; -race checks the server's locking.
func TestLoggerKeepsSecretsOut(t *testing.T) {
	t.Parallel()
	var buf syncBuffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s := newServer(t, WithLogger(logger))
	id := s.Seed(provider.StateUnderReview)
	if err := cancelOrder(newClient(t, s), id); err != nil {
		t.Fatal(err)
	}
	_, _ = describe(newClientWithKey(t, s, s.AccessKeyID(), "wrong-secret"), id)
	out := buf.String()
	if strings.Count(out, "alibabatest request") != 2 || !strings.Contains(out, id) {
		t.Fatalf("log lacks the two requests:\n%s", out)
	}
	for _, secret := range []string{s.AccessKeySecret(), "wrong-secret", "Signature=", "SignatureNonce=", "string to sign"} {
		if strings.Contains(out, secret) {
			t.Fatalf("log contains %q", secret)
		}
	}
}

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

func TestConcurrentClients(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	const workers = 8
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		id := s.Seed(provider.StateUnderReview)
		c := newClient(t, s)
		wg.Go(func() {
			if _, err := describe(c, id); err != nil {
				errs <- err
				return
			}
			if err := cancelOrder(c, id); err != nil {
				errs <- err
				return
			}
			if err := deleteOrder(c, id); err != nil {
				errs <- err
			}
			_, _ = list(c, nil)
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := s.RequestCount(); n != 4*workers {
		t.Fatalf("RequestCount %d, want %d", n, 4*workers)
	}
	for _, e := range s.Requests() {
		if !e.Done || e.HTTPStatus != http.StatusOK {
			t.Fatalf("log entry %+v", e)
		}
	}
}

func TestWaitForRequestsHonoursContext(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.WaitForRequests(ctx, 1); err != context.Canceled {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if err := s.WaitForRequests(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
}
