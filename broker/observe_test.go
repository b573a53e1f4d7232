package broker_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
	"github.com/certbroker/certbroker/provider/providertest"
)

// lockedBuffer is a bytes.Buffer safe for a logger used concurrently.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestLogging(t *testing.T) {
	t.Parallel()
	var buf lockedBuffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	b, _ := fastBroker(t, broker.WithLogger(logger))
	f := providertest.NewFake()
	register(t, b, "huawei-eu", f)
	id := f.Seed(provider.StateExpiring)
	f.InjectError(provider.OpRenew, &provider.Error{Kind: provider.KindThrottled, Code: "APIGW.0308",
		RequestID: "req-abc", HTTPStatus: 429, Message: "flow control"}, providertest.Once())
	const csr, tag = "-----BEGIN CERTIFICATE REQUEST-----MIIBsecretish", "tag-value-never-logged"
	_, err := b.Renew(context.Background(), "huawei-eu", provider.RenewRequest{ID: id, CSR: csr, Tags: []provider.Tag{{Key: "team", Value: tag}}})
	if err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Contains(out, "MIIB") || strings.Contains(out, tag) {
		t.Errorf("log contains the CSR or a tag:\n%s", out)
	}
	var records []map[string]any
	for line := range strings.Lines(out) {
		var r map[string]any
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("bad log line %q: %v", line, err)
		}
		records = append(records, r)
	}
	find := func(msg string) map[string]any {
		for _, r := range records {
			if strings.Contains(r["msg"].(string), msg) {
				return r
			}
		}
		t.Fatalf("no %q record in:\n%s", msg, out)
		return nil
	}
	failed := find("call failed")
	for k, want := range map[string]any{"origin": "huawei-eu", "op": "renew", "id": id, "attempt": 1.0,
		"kind": "throttled", "code": "APIGW.0308", "request_id": "req-abc", "level": "DEBUG"} {
		if failed[k] != want {
			t.Errorf("failed-call record: %s = %v, want %v", k, failed[k], want)
		}
	}
	if _, ok := failed["duration"]; !ok {
		t.Error("failed-call record has no duration")
	}
	if r := find("retrying"); r["level"] != "INFO" || r["attempt"] != 1.0 {
		t.Errorf("retry record %v, want INFO for attempt 1", r)
	}
	if r := find("rate lowered"); r["origin"] != "huawei-eu" {
		t.Errorf("rate record %v, want origin huawei-eu", r)
	}
	if r := find("call succeeded"); r["attempt"] != 2.0 || r["request_id"] == "" {
		t.Errorf("success record %v, want attempt 2 with a request ID", r)
	}
}

// tagger is middleware that records the order in which wrappers run.
type tagger struct {
	provider.Provider
	name string
	log  *[]string
}

func (p tagger) Status(ctx context.Context, r provider.StatusRequest) (*provider.Result, error) {
	*p.log = append(*p.log, p.name)
	return p.Provider.Status(ctx, r)
}

func TestMiddleware(t *testing.T) {
	t.Parallel()
	var log, origins []string
	mw := func(name string) func(string, provider.Provider) provider.Provider {
		return func(origin string, p provider.Provider) provider.Provider {
			origins = append(origins, name+"@"+origin)
			return tagger{Provider: p, name: name, log: &log}
		}
	}
	b, _ := fastBroker(t, broker.WithMiddleware(mw("outer")), broker.WithMiddleware(mw("inner")))
	f := providertest.NewFake()
	register(t, b, "alibaba", f)
	id := f.Seed(provider.StateIssued)
	if _, err := b.Status(context.Background(), "alibaba", provider.StatusRequest{ID: id}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(origins, " "); got != "inner@alibaba outer@alibaba" {
		t.Errorf("wrapped as %q, want inner first, then outer around it", got)
	}
	if got := strings.Join(log, " "); got != "outer inner" {
		t.Errorf("calls went through %q, want outer then inner", got)
	}
	// The optional interfaces are read from the provider itself, so a
	// wrapper that hides them does not break ID resolution.
	if ref, err := b.Resolve(id); err != nil || ref.Origin != "alibaba" {
		t.Errorf("Resolve(%q) = %v, %v through middleware", id, ref, err)
	}
}
