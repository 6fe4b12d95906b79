// Package chat is a TCP chat hub: clients join with a unique name, and
// every line one of them says reaches all the others.
//
// Read README.md for the task and the protocol; the tests in chat_test.go
// are the contract.
package chat

import "net"

// Server is a chat hub. Create it with Listen (on a TCP address) or Serve
// (on any listener).
type Server struct {
	ln net.Listener
	// TODO: the members by name (with a lock), every open connection, and
	// a way for Shutdown to wait for every goroutine the server started.
}

// Listen starts a chat server on addr (use "127.0.0.1:0" for a free port)
// and serves clients in the background until Shutdown.
func Listen(addr string) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	return Serve(ln), nil
}

// Serve serves clients that connect through ln in the background until
// Shutdown, which closes ln.
func Serve(ln net.Listener) *Server {
	// TODO: accept clients in a goroutine, one goroutine (or two) per
	// client.
	return nil
}

// Addr returns the address the server listens on, e.g. "127.0.0.1:40123".
func (s *Server) Addr() string {
	if s == nil || s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// Shutdown stops accepting clients, says EXIT to every member, closes
// every connection and waits until every goroutine of the server has
// exited.
func (s *Server) Shutdown() {
	// TODO
}
