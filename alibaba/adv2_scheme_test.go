package alibaba

import (
	"context"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/certbroker/certbroker/provider"
)

// TestAdv2DefaultEndpointIsTLS: with no Endpoint, every request the SDK
// makes (each operation, in every region form) starts with a TLS
// handshake, never plain HTTP. Dials are redirected to a loopback
// listener that records the first byte.
func TestAdv2DefaultEndpointIsTLS(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var mu sync.Mutex
	var first []byte
	var addrs []string
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				b := make([]byte, 1)
				_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
				if n, _ := c.Read(b); n == 1 {
					mu.Lock()
					first = append(first, b[0])
					mu.Unlock()
				}
			}()
		}
	}()
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		mu.Lock()
		addrs = append(addrs, addr)
		mu.Unlock()
		return (&net.Dialer{}).DialContext(ctx, "tcp", ln.Addr().String())
	}}
	for _, region := range []string{"", "cn-hangzhou", "ap-southeast-1", "xx-nowhere-9"} {
		a := newTestAdapter(t, Config{Region: region, AccessKeyID: testKeyID, AccessKeySecret: testSecret,
			Timeout: time.Second}, WithHTTPTransport(tr))
		ctx := context.Background()
		_, _ = a.Status(ctx, provider.StatusRequest{ID: "123"})
		_, _ = a.Cancel(ctx, provider.CancelRequest{ID: "123"})
		_, _ = a.Revoke(ctx, provider.RevokeRequest{ID: "123"})
		_, _ = a.Delete(ctx, provider.DeleteRequest{ID: "123"})
		_, _ = a.Renew(ctx, provider.RenewRequest{ID: "123"})
	}
	time.Sleep(100 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	if len(first) == 0 {
		t.Fatal("no connection seen")
	}
	for i, b := range first {
		if b != 0x16 {
			t.Errorf("connection %d began with %q, not a TLS handshake (dialled %v)", i, b, addrs)
		}
	}
	for _, ad := range addrs {
		if _, port, _ := net.SplitHostPort(ad); port != "443" {
			t.Errorf("dialled %s, want port 443", ad)
		}
	}
}
