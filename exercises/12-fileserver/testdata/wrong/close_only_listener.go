// want: leak
// Close only closes the listener: connected clients are never hung up on, so their goroutines live on after it returns.
// Package fileserver serves the files of one folder over TCP to clients
// that prove they know a shared key.
//
// Read README.md for the task and the protocol; the end of this file has
// the messages and the file operations, given; the tests in
// fileserver_test.go are the contract.
package fileserver

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
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
)

// idle bounds every wait for a client: a client that goes quiet cannot
// hold a goroutine for ever.
const idle = 30 * time.Second

// Server serves one folder. Make it with New, run it with Serve, stop it
// with Close.
type Server struct {
	root *os.Root
	key  []byte

	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]bool
	closed bool
	wg     sync.WaitGroup // every connection's goroutine
}

// New returns a server for the files of dir, for clients that know key.
func New(dir string, key []byte) (*Server, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &Server{root: root, key: key, conns: map[net.Conn]bool{}}, nil
}

// Serve accepts connections on ln and serves each in its own goroutine,
// until Close. It returns nil after Close, or the error that stopped it.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		ln.Close()
		return nil
	}
	s.ln = ln
	s.mu.Unlock()
	for {
		conn, err := ln.Accept()
		if err != nil {
			s.mu.Lock()
			closed := s.closed
			s.mu.Unlock()
			if closed {
				return nil
			}
			return err
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			conn.Close()
			return nil
		}
		s.conns[conn] = true
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			defer func() {
				s.mu.Lock()
				delete(s.conns, conn)
				s.mu.Unlock()
				conn.Close()
			}()
			s.handle(conn)
		}()
	}
}

// handle serves one client: the challenge, then requests until QUIT, an
// error or Close.
func (s *Server) handle(conn net.Conn) {
	conn.SetDeadline(time.Now().Add(idle))
	if !s.authenticate(conn) {
		return
	}
	for {
		conn.SetDeadline(time.Now().Add(idle))
		req, err := ReadHeader(conn)
		if err != nil {
			return
		}
		switch req.Op {
		case "LIST":
			err = List(conn, s.root)
		case "GET":
			err = Get(conn, s.root, req.Name)
		case "PUT":
			err = Put(conn, s.root, req)
		case "QUIT":
			WriteHeader(conn, Header{Op: "OK"})
			return
		default:
			err = Refuse(conn, "unknown op "+req.Op+"; valid: LIST, GET, PUT, QUIT")
		}
		if err != nil {
			return
		}
	}
}

// authenticate sends a fresh challenge and checks the answer in constant
// time; a client that fails is told so, and handle hangs up.
func (s *Server) authenticate(conn net.Conn) bool {
	nonce := NewNonce()
	if WriteHeader(conn, Header{Op: "CHALLENGE", Nonce: hex.EncodeToString(nonce)}) != nil {
		return false
	}
	answer, err := ReadHeader(conn)
	if err != nil {
		return false
	}
	got, err := hex.DecodeString(answer.MAC)
	if answer.Op != "AUTH" || err != nil || !hmac.Equal(got, MAC(s.key, nonce)) {
		Refuse(conn, ErrAuth)
		return false
	}
	return WriteHeader(conn, Header{Op: "OK"}) == nil
}

// Close stops Serve, hangs up on every client, waits until every
// goroutine the server started has returned, and closes the folder.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return errors.New("already closed")
	}
	s.closed = true
	if s.ln != nil {
		s.ln.Close()
	}
	s.mu.Unlock()
	return s.root.Close()
}

// ---------------------------------------------------------------------
// Given: the protocol's messages and the file operations. You need not
// change anything below this line; your part is above it.
// ---------------------------------------------------------------------

// Header is every message of the protocol: 4 bytes of big-endian length,
// then that many bytes of JSON. A header with a Size is followed by
// exactly Size bytes of body. See README.md for the conversation.
type Header struct {
	Op     string   `json:"op"`               // CHALLENGE AUTH LIST GET PUT QUIT; OK or ERR in replies
	Name   string   `json:"name,omitempty"`   // GET, PUT
	Size   int64    `json:"size,omitempty"`   // bytes of body after this header
	SHA256 string   `json:"sha256,omitempty"` // of the body, hex
	Names  []string `json:"names,omitempty"`  // LIST's answer
	Nonce  string   `json:"nonce,omitempty"`  // CHALLENGE: 32 random bytes, hex
	MAC    string   `json:"mac,omitempty"`    // AUTH: HMAC-SHA256 of the nonce under the key, hex
	Error  string   `json:"error,omitempty"`  // ERR: why
}

// The errors the server replies with, word for word.
const (
	ErrNotExist = "file does not exist"
	ErrExist    = "file already exists"
	ErrBadName  = "name not allowed"
	ErrAuth     = "authentication failed"
	ErrChecksum = "checksum mismatch"
)

// Limits.
const (
	MaxHeader = 64 << 10 // bytes of JSON in one header
	MaxFile   = 1 << 30  // bytes in one file
)

// WriteHeader sends h as one message.
func WriteHeader(w io.Writer, h Header) error {
	body, err := json.Marshal(h)
	if err != nil {
		return err
	}
	msg := binary.BigEndian.AppendUint32(make([]byte, 0, 4+len(body)), uint32(len(body)))
	_, err = w.Write(append(msg, body...))
	return err
}

// ReadHeader reads one message. It returns io.EOF if the peer hung up
// cleanly between messages.
func ReadHeader(r io.Reader) (Header, error) {
	var n [4]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		return Header{}, err
	}
	size := binary.BigEndian.Uint32(n[:])
	if size > MaxHeader {
		return Header{}, fmt.Errorf("header of %d bytes is over the %d limit", size, MaxHeader)
	}
	body := make([]byte, size)
	if _, err := io.ReadFull(r, body); err != nil {
		return Header{}, fmt.Errorf("header cut short: %w", err)
	}
	var h Header
	if err := json.Unmarshal(body, &h); err != nil {
		return Header{}, fmt.Errorf("bad header: %w", err)
	}
	return h, nil
}

// Refuse sends an ERR reply with the reason why.
func Refuse(w io.Writer, why string) error { return WriteHeader(w, Header{Op: "ERR", Error: why}) }

// NewNonce returns 32 bytes from crypto/rand: a challenge nobody can
// predict, never the same twice.
func NewNonce() []byte {
	b := make([]byte, 32)
	rand.Read(b) // never fails (Go 1.24)
	return b
}

// MAC is HMAC-SHA256 of nonce under key: what a client that knows the key
// answers to the challenge nonce.
func MAC(key, nonce []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(nonce)
	return m.Sum(nil)
}

// CopyBody copies exactly size bytes from r to w and checks their SHA-256
// against sum (hex). An error whose text is ErrChecksum means every byte
// was read, and the stream is still in step.
func CopyBody(w io.Writer, r io.Reader, size int64, sum string) error {
	h := sha256.New()
	if _, err := io.CopyN(io.MultiWriter(w, h), r, size); err != nil {
		return fmt.Errorf("body cut short: %w", err)
	}
	if hex.EncodeToString(h.Sum(nil)) != sum {
		return errors.New(ErrChecksum)
	}
	return nil
}

// uploadPrefix names the files PUT writes before it links them into
// place: hidden from LIST and GET.
const uploadPrefix = ".upload-"

// refusal is the reply for an error of the root.
func refusal(err error) string {
	if errors.Is(err, fs.ErrNotExist) {
		return ErrNotExist
	}
	return ErrBadName // the root refused it: ../, an absolute path, a link out
}

// List answers LIST: the regular files at the top of root, sorted.
func List(w io.Writer, root *os.Root) error {
	entries, err := fs.ReadDir(root.FS(), ".")
	if err != nil {
		return Refuse(w, err.Error())
	}
	names := []string{}
	for _, e := range entries {
		if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), uploadPrefix) {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return WriteHeader(w, Header{Op: "OK", Names: names})
}

// Get answers GET name: OK with the size and SHA-256, then the file; or
// ERR. Every name goes through root, so none leaves its folder. The
// error is for the connection: a refusal is a reply, not an error.
func Get(w io.Writer, root *os.Root, name string) error {
	if strings.HasPrefix(path.Base(name), uploadPrefix) {
		return Refuse(w, ErrNotExist)
	}
	f, err := root.Open(name)
	if err != nil {
		return Refuse(w, refusal(err))
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		return Refuse(w, ErrNotExist)
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if err := WriteHeader(w, Header{Op: "OK", Name: name, Size: info.Size(), SHA256: hex.EncodeToString(h.Sum(nil))}); err != nil {
		return err
	}
	_, err = io.CopyN(w, f, info.Size())
	return err
}

// Put answers PUT (req is its header): ERR at once if the name is taken
// or not allowed; otherwise OK ("send it"), then the body, then OK when it
// is stored or ERR. The file appears whole or not at all, and of two PUTs
// of one name at once exactly one succeeds. The error is for the
// connection: after one, hang up.
func Put(rw io.ReadWriter, root *os.Root, req Header) error {
	if req.Size < 0 || req.Size > MaxFile {
		return Refuse(rw, fmt.Sprintf("size %d out of range 0..%d", req.Size, MaxFile))
	}
	if strings.HasPrefix(path.Base(req.Name), uploadPrefix) || req.Name == "" {
		return Refuse(rw, ErrBadName)
	}
	if _, err := root.Lstat(req.Name); err == nil {
		return Refuse(rw, ErrExist)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return Refuse(rw, refusal(err))
	}
	tmp := uploadPrefix + hex.EncodeToString(NewNonce()[:8]) // random: no two PUTs share one
	f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return Refuse(rw, err.Error())
	}
	defer root.Remove(tmp) // once linked, the name keeps the file
	if err := WriteHeader(rw, Header{Op: "OK"}); err != nil {
		f.Close()
		return err
	}
	err = CopyBody(f, rw, req.Size, req.SHA256)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	switch {
	case err != nil && err.Error() == ErrChecksum:
		return Refuse(rw, ErrChecksum)
	case err != nil:
		return err
	}
	// A link fails if the name exists: the first of two PUTs wins.
	if err := root.Link(tmp, req.Name); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return Refuse(rw, ErrExist)
		}
		return Refuse(rw, refusal(err))
	}
	return WriteHeader(rw, Header{Op: "OK"})
}
