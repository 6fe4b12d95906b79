package httpserver

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// byHand is the classic exercise's server written on raw TCP: a goroutine
// per connection (rawServer), a request line and headers read by hand
// (handleRaw), a file from the static folder. A real http.Client talks
// to it, then /../secret.txt is asked of it twice: through os.Root, and
// through filepath.Join as the exercise is usually solved.
func byHand(ctx context.Context, s *lesson.Stage) error {
	st, err := makeSite()
	if err != nil {
		return err
	}
	defer st.remove()
	root, err := os.OpenRoot(st.static)
	if err != nil {
		return err
	}
	defer root.Close()

	s.Heading("%s by hand: a request line, headers, a file from the static folder", serverName)
	s.Say("static folder %s: index.html, hello.txt; ../secret.txt lies next to it", filepath.Base(st.static))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	lane := s.Lane("server")
	done := make(chan struct{})
	go func() {
		defer close(done)
		rawServer(ln, rootOpen(root), lane)
	}()
	defer func() { ln.Close(); <-done }()

	// A real HTTP client talks to it: the bytes we wrote by hand are HTTP.
	client := newClient(s.Limit(safety))
	defer closeClient(client)
	base := "http://" + ln.Addr().String()
	ok, notFound := 0, 0
	for _, path := range []string{"/", "/hello.txt", "/missing.html"} {
		resp, err := client.Get(base + path)
		if err != nil {
			return err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		s.Say("  http.Get %-14s %d %s, Server: %s, %q", path, resp.StatusCode, http.StatusText(resp.StatusCode), resp.Header.Get("Server"), strings.TrimSpace(string(body)))
		switch {
		case resp.StatusCode == 200 && (string(body) == indexHTML || string(body) == helloTxt):
			ok++
		case resp.StatusCode == 404 && string(body) == sorry:
			notFound++
		}
	}
	s.Finding("served", float64(ok), "files, byte for byte")
	s.Finding("not-found", float64(notFound), `"Sorry" pages`)

	if err := s.Pause(ctx, "GET /../secret.txt: what does the server send back?"); err != nil {
		return err
	}
	s.Heading("Path traversal: GET /../secret.txt")
	code, body, err := rawGet(ln.Addr().String(), "/../secret.txt")
	if err != nil {
		return err
	}
	s.Say("  os.Root:       %d %s", code, http.StatusText(code))
	leakedRoot := strings.Contains(body, "swordfish")

	// The same server opening filepath.Join(folder, name), as commonly taught.
	naive, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	naiveDone := make(chan struct{})
	go func() {
		defer close(naiveDone)
		rawServer(naive, naiveOpen(st.static), s.Lane("naive server"))
	}()
	defer func() { naive.Close(); <-naiveDone }()
	ncode, nbody, err := rawGet(naive.Addr().String(), "/../secret.txt")
	if err != nil {
		return err
	}
	s.Say("  filepath.Join: %d %s, %q", ncode, http.StatusText(ncode), strings.TrimSpace(nbody))
	s.Finding("naive-leaked", b2f(strings.Contains(nbody, "swordfish")), "(1: filepath.Join served the secret)")
	s.Finding("root-leaked", b2f(leakedRoot), "(0: os.Root refused to leave the folder)")
	s.Say("filepath.Join cleans \"static/../secret.txt\" into \"secret.txt\": a path")
	s.Say("outside the folder. os.Root refuses every path that leaves it.")
	return nil
}

// rawServer accepts connections and serves each in its own goroutine;
// it returns when ln is closed and every connection is done.
func rawServer(ln net.Listener, open opener, lane *lesson.Lane) {
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			handleRaw(conn, open, lane)
		}()
	}
}

// handleRaw serves one HTTP/1.0-style exchange on conn by hand: read the
// request line and the headers up to the blank line, answer, close.
func handleRaw(conn net.Conn, open opener, lane *lesson.Lane) {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(safety)) // a client that says nothing cannot keep us
	r := bufio.NewReader(conn)
	line, err := r.ReadString('\n')
	if err != nil {
		return
	}
	// "GET /hello.txt HTTP/1.1": method, path, version, split by spaces.
	parts := strings.Fields(line)
	for { // the headers, up to the blank line; this server needs none of them
		h, err := r.ReadString('\n')
		if err != nil {
			return
		}
		if strings.TrimRight(h, "\r\n") == "" {
			break
		}
	}
	if len(parts) != 3 || !strings.HasPrefix(parts[1], "/") {
		respond(conn, 400, "text/plain", "bad request line\n")
		return
	}
	if parts[0] != "GET" {
		respond(conn, 405, "text/plain", "only GET\n")
		return
	}
	name := strings.TrimPrefix(parts[1], "/")
	if name == "" {
		name = "index.html"
	}
	f, err := open(name)
	if err != nil {
		lane.Printf("GET %s -> 404 (%v)", parts[1], shortErr(err))
		respond(conn, 404, "text/html", sorry)
		return
	}
	defer f.Close()
	body, err := io.ReadAll(f)
	if err != nil { // a folder, say
		lane.Printf("GET %s -> 404 (%v)", parts[1], shortErr(err))
		respond(conn, 404, "text/html", sorry)
		return
	}
	lane.Printf("GET %s -> 200 (%d bytes)", parts[1], len(body))
	ctype := "text/plain"
	if strings.HasSuffix(name, ".html") {
		ctype = "text/html"
	}
	respond(conn, 200, ctype, string(body))
}

// respond writes a whole HTTP response: status line, headers, blank
// line, body. Content-Length and Connection: close tell the client where
// the body ends.
func respond(w io.Writer, code int, ctype, body string) {
	fmt.Fprintf(w, "HTTP/1.1 %d %s\r\n", code, http.StatusText(code))
	fmt.Fprintf(w, "Server: %s\r\n", serverName)
	fmt.Fprintf(w, "Content-Type: %s\r\n", ctype)
	fmt.Fprintf(w, "Content-Length: %d\r\n", len(body))
	fmt.Fprintf(w, "Connection: close\r\n\r\n%s", body)
}

// opener opens a file named by a request path ("index.html",
// "../secret.txt"): the part of the hand-written server that decides
// what a request may read.
type opener func(name string) (io.ReadCloser, error)

// rootOpen opens names inside an os.Root (Go 1.24): "..", absolute paths
// and symbolic links that lead outside the folder all fail.
func rootOpen(root *os.Root) opener {
	return func(name string) (io.ReadCloser, error) { return root.Open(name) }
}

// naiveOpen joins the path to the folder, as the classic exercise does:
// "../secret.txt" walks out of it.
func naiveOpen(folder string) opener {
	return func(name string) (io.ReadCloser, error) { return os.Open(filepath.Join(folder, name)) }
}

// serverName is what the classic exercise's server calls itself.
const serverName = "HTTPServer v2.0"

// sorry is the body of its 404 page.
const sorry = "Sorry, the page you asked for is not here.\n"

// shortErr drops the path from a file error: the cause is what matters.
func shortErr(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
