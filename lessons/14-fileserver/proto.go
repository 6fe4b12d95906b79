package fileserver

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
)

// The protocol: every message is a header, a 4-byte big-endian length then
// that many bytes of JSON; a header with a Size is followed by exactly Size
// bytes of body (a file), read with io.CopyN. Nothing ends a message but
// its length: the body may hold any bytes at all, "##" included.
//
//	client                                server
//	                                      {"op":"CHALLENGE","nonce":"..."}
//	{"op":"AUTH","mac":"..."}
//	                                      {"op":"OK"} or {"op":"ERR",...}, closed
//	{"op":"LIST"}                         {"op":"OK","names":[...]}
//	{"op":"GET","name":"a"}               {"op":"OK","size":N,"sha256":"..."} + N bytes
//	                                      or {"op":"ERR","error":"file does not exist"}
//	{"op":"PUT","name":"a","size":N,"sha256":"..."}
//	                                      {"op":"OK"} (send it) or {"op":"ERR","error":"file already exists"}
//	N bytes                               {"op":"OK"} or {"op":"ERR","error":"checksum mismatch"}
//	{"op":"QUIT"}                         {"op":"OK"}, closed
type header struct {
	Op     string   `json:"op"`
	Name   string   `json:"name,omitempty"`
	Size   int64    `json:"size,omitempty"`
	SHA256 string   `json:"sha256,omitempty"` // of the body, hex
	Names  []string `json:"names,omitempty"`  // LIST's answer
	Nonce  string   `json:"nonce,omitempty"`  // the server's challenge, hex
	MAC    string   `json:"mac,omitempty"`    // the client's answer, hex
	Error  string   `json:"error,omitempty"`
}

// The replies a client can count on, word for word.
const (
	errNotExist = "file does not exist"
	errExist    = "file already exists"
	errBadName  = "name not allowed"
	errAuth     = "authentication failed"
	errChecksum = "checksum mismatch"
)

// Limits: a header is small; a file is not unlimited either.
const (
	maxHeader = 64 << 10
	maxFile   = 1 << 30
)

func writeHeader(w io.Writer, h header) error {
	body, err := json.Marshal(h)
	if err != nil {
		return err
	}
	msg := binary.BigEndian.AppendUint32(make([]byte, 0, 4+len(body)), uint32(len(body)))
	_, err = w.Write(append(msg, body...)) // one Write: one segment when it fits
	return err
}

func readHeader(r io.Reader) (header, error) {
	var n [4]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		return header{}, err // io.EOF: the peer hung up between messages
	}
	size := binary.BigEndian.Uint32(n[:])
	if size > maxHeader {
		return header{}, fmt.Errorf("header of %d bytes is over the %d limit", size, maxHeader)
	}
	body := make([]byte, size)
	if _, err := io.ReadFull(r, body); err != nil {
		return header{}, fmt.Errorf("header cut short: %w", err)
	}
	var h header
	if err := json.Unmarshal(body, &h); err != nil {
		return header{}, fmt.Errorf("bad header: %w", err)
	}
	return h, nil
}

// copyBody copies exactly size bytes from r to w and checks them against
// the SHA-256 the header announced.
func copyBody(w io.Writer, r io.Reader, size int64, sum string) error {
	h := sha256.New()
	if _, err := io.CopyN(io.MultiWriter(w, h), r, size); err != nil {
		return fmt.Errorf("body cut short: %w", err)
	}
	if got := hexSum(h); got != sum {
		return errors.New(errChecksum)
	}
	return nil
}

func hexSum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }

// sumOf is the SHA-256 of b, hex.
func sumOf(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
