package fileserver

import (
	"net"
	"time"
)

// The stage plumbing the demos share: a time limit, the shared key, a
// loopback TCP pair, a finding from a bool. The file server itself is in
// server.go, client.go and proto.go; each demo's story in its own file.

// safety bounds every network wait in real time (Stage.Limit stretches it
// for a slow class, never shortens it).
const safety = 10 * time.Second

// demoKey is the secret the demos' server and clients share. A real one
// comes from a secrets store or the environment, never from the source.
var demoKey = []byte("conclab demo key: not a secret")

// boolFinding is a finding's value for a yes or no: 1 or 0.
func boolFinding(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// tcpPair returns the two ends of a fresh loopback TCP connection, each
// with a deadline limit from now.
func tcpPair(limit time.Duration) (client, server net.Conn, err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	defer ln.Close() // one connection is all we want
	type accepted struct {
		conn net.Conn
		err  error
	}
	ch := make(chan accepted, 1)
	go func() {
		c, err := ln.Accept()
		ch <- accepted{c, err}
	}()
	client, err = net.DialTimeout("tcp", ln.Addr().String(), limit)
	if err != nil {
		ln.Close()
		<-ch
		return nil, nil, err
	}
	a := <-ch
	if a.err != nil {
		client.Close()
		return nil, nil, a.err
	}
	deadline := time.Now().Add(limit)
	client.SetDeadline(deadline)
	a.conn.SetDeadline(deadline)
	return client, a.conn, nil
}
