package fileserver

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"time"
)

// client speaks the protocol to a server. A reply "ERR" comes back as an
// error whose text is the server's, e.g. "file does not exist".
type client struct {
	conn net.Conn
}

// dial connects to addr and answers the server's challenge with the
// HMAC of key.
func dial(addr string, key []byte, limit time.Duration) (*client, error) {
	conn, err := net.DialTimeout("tcp", addr, limit)
	if err != nil {
		return nil, err
	}
	conn.SetDeadline(time.Now().Add(limit)) // no wait of this client can hang the demo
	c := &client{conn: conn}
	challenge, err := readHeader(conn)
	if err != nil {
		conn.Close()
		return nil, err
	}
	nonce, err := hex.DecodeString(challenge.Nonce)
	if challenge.Op != "CHALLENGE" || err != nil {
		conn.Close()
		return nil, fmt.Errorf("want a challenge, got %+v", challenge)
	}
	if err := c.answer(mac(key, nonce)); err != nil {
		conn.Close()
		return nil, err
	}
	return c, nil
}

// answer sends the response to the challenge and reads the verdict.
func (c *client) answer(response []byte) error {
	if err := writeHeader(c.conn, header{Op: "AUTH", MAC: hex.EncodeToString(response)}); err != nil {
		return err
	}
	_, err := c.reply()
	return err
}

func (c *client) close() error { return c.conn.Close() }

// reply reads one reply header; ERR becomes an error.
func (c *client) reply() (header, error) {
	h, err := readHeader(c.conn)
	if err != nil {
		return h, err
	}
	if h.Op == "ERR" {
		return h, errors.New(h.Error)
	}
	return h, nil
}

func (c *client) list() ([]string, error) {
	if err := writeHeader(c.conn, header{Op: "LIST"}); err != nil {
		return nil, err
	}
	h, err := c.reply()
	return h.Names, err
}

// get fetches a file and checks its SHA-256.
func (c *client) get(name string) ([]byte, error) {
	if err := writeHeader(c.conn, header{Op: "GET", Name: name}); err != nil {
		return nil, err
	}
	h, err := c.reply()
	if err != nil {
		return nil, err
	}
	var body bytes.Buffer
	err = copyBody(&body, c.conn, h.Size, h.SHA256)
	return body.Bytes(), err
}

// put sends a file with its SHA-256; the server stores it only if the
// name is free and the sum matches.
func (c *client) put(name string, data []byte) error {
	sum := sha256.Sum256(data)
	req := header{Op: "PUT", Name: name, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:])}
	if err := writeHeader(c.conn, req); err != nil {
		return err
	}
	if _, err := c.reply(); err != nil { // refused: no body to send
		return err
	}
	if _, err := io.Copy(c.conn, bytes.NewReader(data)); err != nil {
		return err
	}
	_, err := c.reply()
	return err
}

func (c *client) quit() error {
	if err := writeHeader(c.conn, header{Op: "QUIT"}); err != nil {
		return err
	}
	_, err := c.reply()
	c.conn.Close()
	return err
}

// rawConns opens two connections that have not answered their challenge
// yet.
func rawConns(addr string, limit time.Duration) (net.Conn, net.Conn, error) {
	a, err := net.DialTimeout("tcp", addr, limit)
	if err != nil {
		return nil, nil, err
	}
	b, err := net.DialTimeout("tcp", addr, limit)
	if err != nil {
		a.Close()
		return nil, nil, err
	}
	deadline := time.Now().Add(limit)
	a.SetDeadline(deadline)
	b.SetDeadline(deadline)
	return a, b, nil
}
