package httpserver

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// The stage plumbing the demos share: a static folder, a server on a
// loopback port, clients that close their connections, a GET that
// checks the status, a gauge. The demos' stories are in their own files.

// safety bounds every network wait in real time, so that nothing can hang
// however loaded the machine; it is a watchdog, not part of any story.
const safety = 10 * time.Second

// site is a static folder, the way the classic exercise lays it out:
// static/index.html and static/hello.txt, with a secret.txt next to the
// folder (not in it) that no request may ever read.
type site struct {
	dir    string // the parent: holds static/ and secret.txt
	static string // the folder the server serves
}

const (
	indexHTML = "<h1>It works!</h1>\n"
	helloTxt  = "hello from the static folder\n"
	secretTxt = "the password is swordfish\n"
)

func makeSite() (*site, error) {
	dir, err := os.MkdirTemp("", "conclab-http-")
	if err != nil {
		return nil, err
	}
	st := &site{dir: dir, static: filepath.Join(dir, "static")}
	files := map[string]string{
		filepath.Join(st.static, "index.html"): indexHTML,
		filepath.Join(st.static, "hello.txt"):  helloTxt,
		filepath.Join(dir, "secret.txt"):       secretTxt,
	}
	if err := os.Mkdir(st.static, 0o755); err != nil {
		st.remove()
		return nil, err
	}
	for name, body := range files {
		if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
			st.remove()
			return nil, err
		}
	}
	return st, nil
}

func (st *site) remove() { os.RemoveAll(st.dir) }

// serve runs srv on a fresh loopback listener (port 0: any free port) and
// returns its base URL and a stop function that closes it and waits for
// Serve to return.
func serve(srv *http.Server) (url string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(ln) // returns ErrServerClosed after Close or Shutdown
	}()
	return "http://" + ln.Addr().String(), func() { srv.Close(); <-done }, nil
}

// newClient returns a client with its own transport, so that a demo can
// close its idle connections (and their goroutines) when it ends. Every
// request is bounded by limit.
func newClient(limit time.Duration) *http.Client {
	return &http.Client{Transport: &http.Transport{}, Timeout: limit}
}

func closeClient(c *http.Client) { c.Transport.(*http.Transport).CloseIdleConnections() }

// gauge counts how many goroutines are inside a section now and the most
// there ever were, with its own mutex: it measures, it does not take part.
type gauge struct {
	mu        sync.Mutex
	now, peak int
}

func (g *gauge) enter() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.now++
	g.peak = max(g.peak, g.now)
}

func (g *gauge) leave() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.now--
}

func (g *gauge) highest() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.peak
}

// get fetches url and checks for 200 OK, reading the body to the end.
func get(ctx context.Context, client *http.Client, url string) error {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return nil
}

// rawGet sends a request line exactly as given (no client cleans the
// path) and returns the status code and body.
func rawGet(addr, path string) (int, string, error) {
	conn, err := net.DialTimeout("tcp", addr, safety)
	if err != nil {
		return 0, "", err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(safety))
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", path, addr)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil) // the real parser judges our bytes
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
