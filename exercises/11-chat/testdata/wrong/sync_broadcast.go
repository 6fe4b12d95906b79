// want: fail
// Broadcast writes to every member's connection itself, holding the hub lock: one client that stops reading blocks the lock, and with it everybody.
package chat

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"sync"
)

type Server struct {
	ln      net.Listener
	wg      sync.WaitGroup
	mu      sync.Mutex
	closed  bool
	conns   map[net.Conn]bool
	members map[string]net.Conn
}

func Listen(addr string) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	return Serve(ln), nil
}

func Serve(ln net.Listener) *Server {
	s := &Server{ln: ln, conns: make(map[net.Conn]bool), members: make(map[string]net.Conn)}
	s.wg.Add(1)
	go s.accept()
	return s
}

func (s *Server) Addr() string { return s.ln.Addr().String() }

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			conn.Close()
			return
		}
		s.conns[conn] = true
		s.wg.Add(1)
		go s.serve(conn)
		s.mu.Unlock()
	}
}

func (s *Server) serve(conn net.Conn) {
	defer s.wg.Done()
	name := ""
	defer func() {
		s.mu.Lock()
		delete(s.conns, conn)
		if name != "" && s.members[name] == conn {
			delete(s.members, name)
			s.broadcastLocked("", "* "+name+" left")
		}
		s.mu.Unlock()
		conn.Close()
	}()
	sc := bufio.NewScanner(conn)
	for sc.Scan() {
		cmd, arg, _ := strings.Cut(strings.TrimSuffix(sc.Text(), "\r"), " ")
		s.mu.Lock()
		switch {
		case name == "" && cmd == "JOIN":
			if s.members[arg] != nil {
				fmt.Fprintln(conn, "ERR name taken")
				break
			}
			fmt.Fprintln(conn, "OK")
			s.broadcastLocked("", "* "+arg+" joined")
			s.members[arg] = conn
			name = arg
		case name == "":
			fmt.Fprintln(conn, "ERR join first")
		case cmd == "MSG":
			s.broadcastLocked(name, name+": "+arg)
		case cmd == "QUIT":
			fmt.Fprintln(conn, "EXIT")
			delete(s.members, name)
			s.broadcastLocked("", "* "+name+" left")
			s.mu.Unlock()
			return
		}
		s.mu.Unlock()
	}
}

// broadcastLocked writes line to every member but from, one after the
// other, while holding s.mu.
func (s *Server) broadcastLocked(from, line string) {
	for name, conn := range s.members {
		if name != from {
			fmt.Fprintln(conn, line)
		}
	}
}

func (s *Server) Shutdown() {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		s.ln.Close()
		for conn := range s.conns {
			fmt.Fprintln(conn, "EXIT")
			conn.Close()
		}
	}
	s.mu.Unlock()
	s.wg.Wait()
}
