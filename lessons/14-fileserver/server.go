package fileserver

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// idle bounds how long the server waits for a client's next message, and
// a transfer's progress: a client that goes quiet cannot hold a goroutine
// and a file for ever.
const idle = 10 * time.Second

// uploadPrefix names the files a PUT writes before it renames them into
// place: a GET never sees half a file.
const uploadPrefix = ".upload-"

// server serves the files of one folder over TCP on loopback, a goroutine
// per connection.
type server struct {
	root *os.Root // every file access goes through it: no name leaves the folder
	key  []byte   // the shared secret clients prove they know
	ln   net.Listener
	lane *lesson.Lane

	mu        sync.Mutex
	conns     map[net.Conn]bool
	uploading map[string]bool // names being PUT: taken, not yet there
	uploads   int             // numbers the upload files
	active    int
	peak      int
	wg        sync.WaitGroup
}

// serve starts a server for the folder dir on 127.0.0.1, port chosen by
// the kernel, and accepts clients in the background until close.
func serve(s *lesson.Stage, dir string, key []byte) (*server, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		root.Close()
		return nil, err
	}
	srv := &server{root: root, key: key, ln: ln, lane: s.Lane("server"),
		conns: map[net.Conn]bool{}, uploading: map[string]bool{}}
	srv.wg.Add(1)
	go srv.acceptLoop()
	return srv, nil
}

func (srv *server) addr() string { return srv.ln.Addr().String() }

func (srv *server) acceptLoop() {
	defer srv.wg.Done()
	for {
		conn, err := srv.ln.Accept()
		if err != nil {
			return // closed
		}
		srv.mu.Lock()
		srv.conns[conn] = true
		srv.active++
		srv.peak = max(srv.peak, srv.active)
		srv.mu.Unlock()
		srv.wg.Add(1)
		go func() { // one goroutine per client: a slow one holds up nobody
			defer srv.wg.Done()
			srv.handle(conn)
			conn.Close()
			srv.mu.Lock()
			delete(srv.conns, conn)
			srv.active--
			srv.mu.Unlock()
		}()
	}
}

// close stops accepting, hangs up on every client and waits for every
// goroutine of the server.
func (srv *server) close() {
	srv.ln.Close()
	srv.mu.Lock()
	for c := range srv.conns {
		c.Close()
	}
	srv.mu.Unlock()
	srv.wg.Wait()
	srv.root.Close()
}

// peakClients is how many clients were connected at once, at most.
func (srv *server) peakClients() int {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	return srv.peak
}

// handle serves one client: the challenge first, then requests until QUIT
// or an error.
func (srv *server) handle(conn net.Conn) {
	if !srv.authenticate(conn) {
		return
	}
	for {
		conn.SetDeadline(time.Now().Add(idle))
		req, err := readHeader(conn)
		if err != nil {
			return // hung up, or spoke nonsense: either way, done
		}
		var keep bool
		switch req.Op {
		case "LIST":
			keep = srv.list(conn)
		case "GET":
			keep = srv.get(conn, req.Name)
		case "PUT":
			keep = srv.put(conn, req)
		case "QUIT":
			writeHeader(conn, header{Op: "OK"})
			return
		default:
			keep = writeHeader(conn, header{Op: "ERR", Error: fmt.Sprintf("unknown op %q; valid: LIST, GET, PUT, QUIT", req.Op)}) == nil
		}
		if !keep {
			return
		}
	}
}

// authenticate sends a fresh random challenge and checks the client's
// HMAC-SHA256 of it under the shared key, in constant time. A client that
// fails is told so and hung up on.
func (srv *server) authenticate(conn net.Conn) bool {
	conn.SetDeadline(time.Now().Add(idle))
	nonce := make([]byte, 32)
	rand.Read(nonce) // crypto/rand: unpredictable, never the same twice; never fails
	if writeHeader(conn, header{Op: "CHALLENGE", Nonce: hex.EncodeToString(nonce)}) != nil {
		return false
	}
	answer, err := readHeader(conn)
	if err != nil {
		return false
	}
	got, err := hex.DecodeString(answer.MAC)
	if answer.Op != "AUTH" || err != nil || !hmac.Equal(got, mac(srv.key, nonce)) {
		writeHeader(conn, header{Op: "ERR", Error: errAuth})
		return false
	}
	return writeHeader(conn, header{Op: "OK"}) == nil
}

// mac is HMAC-SHA256 of nonce under key: what the client must answer.
func mac(key, nonce []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(nonce)
	return m.Sum(nil)
}

func (srv *server) list(conn net.Conn) bool {
	entries, err := fs.ReadDir(srv.root.FS(), ".")
	if err != nil {
		return writeHeader(conn, header{Op: "ERR", Error: err.Error()}) == nil
	}
	names := []string{}
	for _, e := range entries {
		if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), uploadPrefix) {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return writeHeader(conn, header{Op: "OK", Names: names}) == nil
}

// refusal turns an error of the root into the reply the client gets.
func refusal(err error) string {
	if errors.Is(err, fs.ErrNotExist) {
		return errNotExist
	}
	return errBadName // the root refused it: "../x", an absolute path, a symlink out
}

func (srv *server) get(conn net.Conn, name string) bool {
	if strings.HasPrefix(path.Base(name), uploadPrefix) {
		return writeHeader(conn, header{Op: "ERR", Error: errNotExist}) == nil
	}
	f, err := srv.root.Open(name) // os.Root: ../ and symlinks out of the folder fail here
	if err != nil {
		return writeHeader(conn, header{Op: "ERR", Error: refusal(err)}) == nil
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		return writeHeader(conn, header{Op: "ERR", Error: errNotExist}) == nil
	}
	// The sum goes in the header, before the body: read the file twice.
	// A file here never changes once it is in place (PUT renames it in).
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return false
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return false
	}
	if writeHeader(conn, header{Op: "OK", Name: name, Size: info.Size(), SHA256: hexSum(h)}) != nil {
		return false
	}
	conn.SetWriteDeadline(time.Now().Add(idle + time.Duration(info.Size()/(1<<20))*time.Second))
	_, err = io.CopyN(conn, f, info.Size())
	return err == nil
}

func (srv *server) put(conn net.Conn, req header) bool {
	reply := func(h header) bool { return writeHeader(conn, h) == nil }
	if req.Size < 0 || req.Size > maxFile {
		return reply(header{Op: "ERR", Error: fmt.Sprintf("size %d out of range 0..%d", req.Size, maxFile)})
	}
	if strings.HasPrefix(path.Base(req.Name), uploadPrefix) {
		return reply(header{Op: "ERR", Error: errBadName})
	}
	_, err := srv.root.Lstat(req.Name)
	switch {
	case err == nil:
		return reply(header{Op: "ERR", Error: errExist})
	case !errors.Is(err, fs.ErrNotExist):
		return reply(header{Op: "ERR", Error: refusal(err)})
	}
	// Take the name, so that a second PUT of it, at the same moment, is
	// told it exists.
	srv.mu.Lock()
	taken := srv.uploading[req.Name]
	srv.uploading[req.Name] = true
	srv.uploads++
	tmp := fmt.Sprintf("%s%d", uploadPrefix, srv.uploads)
	srv.mu.Unlock()
	if taken {
		return reply(header{Op: "ERR", Error: errExist})
	}
	defer func() {
		srv.mu.Lock()
		delete(srv.uploading, req.Name)
		srv.mu.Unlock()
	}()
	f, err := srv.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return reply(header{Op: "ERR", Error: refusal(err)})
	}
	defer srv.root.Remove(tmp)    // gone after the rename; a failed upload leaves nothing
	if !reply(header{Op: "OK"}) { // go ahead: send the body
		f.Close()
		return false
	}
	conn.SetReadDeadline(time.Now().Add(idle + time.Duration(req.Size/(1<<20))*time.Second))
	err = copyBody(f, conn, req.Size, req.SHA256)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		// A body cut short leaves the stream out of step: hang up. A wrong
		// sum was read whole: say so and carry on.
		return err.Error() == errChecksum && reply(header{Op: "ERR", Error: errChecksum})
	}
	if err := srv.root.Rename(tmp, req.Name); err != nil {
		return reply(header{Op: "ERR", Error: refusal(err)})
	}
	srv.lane.Printf("stored %s (%s bytes, SHA-256 checked)", req.Name, lesson.Number(float64(req.Size)))
	return reply(header{Op: "OK"})
}
