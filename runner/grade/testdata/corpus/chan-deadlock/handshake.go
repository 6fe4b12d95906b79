// Package handshake runs the opening exchange of a line protocol between a
// client and a server over a pair of channels, in the style of SMTP-like
// protocols and in-process peers wired with channels.
package handshake

import "fmt"

// Conn is one side of a connection.
type Conn struct {
	In  <-chan string
	Out chan<- string
}

// Pipe returns the two ends of an in-memory connection.
func Pipe() (client, server Conn) {
	c2s := make(chan string)
	s2c := make(chan string)
	return Conn{In: s2c, Out: c2s}, Conn{In: c2s, Out: s2c}
}

// Client waits for the server's greeting, then says hello as name.
func Client(c Conn, name string) (string, error) {
	greeting := <-c.In
	c.Out <- "HELO " + name
	return greeting, nil
}

// Server reads the client's hello, then greets it and acknowledges.
func Server(c Conn, host string) (string, error) {
	hello := <-c.In
	var name string
	if _, err := fmt.Sscanf(hello, "HELO %s", &name); err != nil {
		return "", fmt.Errorf("bad hello %q: %v", hello, err)
	}
	c.Out <- "220 " + host + " ready"
	return name, nil
}
