package reliability

import (
	"errors"
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
)

// watchProxy is a loopback TCP proxy in front of an emulator. It forwards
// bytes unchanged and reports, on gone, every client connection that the
// client closed (EOF or reset) — the server-side view of a client giving
// up. It then closes the emulator side too, as the connection would be
// closed at a real cloud.
type watchProxy struct {
	ln     net.Listener
	target string
	gone   chan struct{}
	wg     sync.WaitGroup
	mu     sync.Mutex
	conns  []net.Conn
}

// newWatchProxy starts a proxy to the host:port of targetURL and returns
// it with the URL to give the adapter.
func newWatchProxy(t testing.TB, targetURL string) (*watchProxy, string) {
	t.Helper()
	u, err := url.Parse(targetURL)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &watchProxy{ln: ln, target: u.Host, gone: make(chan struct{}, 64)}
	p.wg.Go(p.serve)
	t.Cleanup(p.close)
	return p, "http://" + ln.Addr().String()
}

func (p *watchProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			_ = c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, up)
		p.mu.Unlock()
		p.wg.Go(func() {
			// client -> emulator: ends when the client closes.
			_, err := io.Copy(up, c)
			if err == nil || !errors.Is(err, net.ErrClosed) {
				select {
				case p.gone <- struct{}{}:
				default:
				}
			}
			_ = up.Close()
		})
		p.wg.Go(func() {
			// emulator -> client.
			_, _ = io.Copy(c, up)
			_ = c.Close()
		})
	}
}

// close stops the proxy and every connection through it.
func (p *watchProxy) close() {
	_ = p.ln.Close()
	p.mu.Lock()
	for _, c := range p.conns {
		_ = c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}
