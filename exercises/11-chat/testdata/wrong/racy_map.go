// want: race
// MSG broadcasts without taking the lock: it reads the members map while joins and leaves change it.
package chat

import (
	"bufio"
	"io"
	"net"
	"strings"
	"sync"
	"time"
)

const (
	// outboxSize is how many lines may wait for a member. It absorbs
	// bursts; a member whose outbox is full anyway is not reading, and is
	// disconnected: one slow client must not hold up everybody else.
	outboxSize = 1 << 14
	// writeTimeout bounds each write: a client that accepts nothing for
	// that long is disconnected, and cannot keep its writer goroutine (or
	// Shutdown) waiting forever.
	writeTimeout = 2 * time.Second
)

// Server is a chat hub listening on a TCP address. Create it with Listen.
type Server struct {
	ln net.Listener
	wg sync.WaitGroup // every goroutine the server started

	mu      sync.Mutex
	closed  bool
	conns   map[net.Conn]*member // every open connection; nil until it joins
	members map[string]*member   // joined clients by name
}

// member is a joined client. Only its writer goroutine writes to conn;
// everybody else puts lines in out.
type member struct {
	name string
	conn net.Conn
	out  chan string // closed when the member leaves
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

func Serve(ln net.Listener) *Server {
	s := &Server{ln: ln, conns: make(map[net.Conn]*member), members: make(map[string]*member)}
	s.wg.Add(1)
	go s.accept()
	return s
}

// Addr returns the address the server listens on, e.g. "127.0.0.1:40123".
func (s *Server) Addr() string { return s.ln.Addr().String() }

// accept starts a goroutine per connection until the listener is closed.
func (s *Server) accept() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return // closed by Shutdown
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			conn.Close()
			return
		}
		s.conns[conn] = nil
		s.wg.Add(1)
		go s.serve(conn)
		s.mu.Unlock()
	}
}

// serve reads one client's lines until it quits or its connection fails.
func (s *Server) serve(conn net.Conn) {
	defer s.wg.Done()
	var me *member
	defer func() {
		if me != nil {
			s.leave(me, "") // its writer closes the connection
		}
		s.mu.Lock()
		delete(s.conns, conn)
		s.mu.Unlock()
		if me == nil {
			conn.Close()
		}
	}()
	sc := bufio.NewScanner(conn)
	for sc.Scan() {
		cmd, arg, _ := strings.Cut(strings.TrimSuffix(sc.Text(), "\r"), " ")
		switch {
		case me == nil && cmd == "JOIN":
			var reply string
			me, reply = s.join(conn, arg)
			if me == nil {
				io.WriteString(conn, reply+"\n")
			}
		case me == nil:
			io.WriteString(conn, "ERR join first\n")
		case cmd == "MSG":
			s.broadcastLocked(me, me.name+": "+arg) // "only reads the map"
		case cmd == "QUIT":
			s.leave(me, "EXIT") // its writer sends EXIT, then closes
			return
		default:
			s.mu.Lock()
			if s.members[me.name] == me { // not removed meanwhile: its outbox is open
				s.sendLocked(me, "ERR unknown command")
			}
			s.mu.Unlock()
		}
	}
}

// join makes conn a member called name and starts its writer, or returns
// the error line to send back.
func (s *Server) join(conn net.Conn, name string) (*member, string) {
	if name == "" || strings.ContainsAny(name, " \t:*") {
		return nil, "ERR bad name"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, "ERR server closing"
	}
	if s.members[name] != nil {
		return nil, "ERR name taken"
	}
	m := &member{name: name, conn: conn, out: make(chan string, outboxSize)}
	m.out <- "OK" // first in its outbox: before anything broadcast later
	s.broadcastLocked(nil, "* "+name+" joined")
	s.members[name] = m
	s.conns[conn] = m
	s.wg.Add(1)
	go s.write(m)
	return m, ""
}

// write sends m's outbox to its connection, and closes the connection
// when the outbox is closed.
func (s *Server) write(m *member) {
	defer s.wg.Done()
	defer m.conn.Close()
	w := bufio.NewWriterSize(m.conn, 64<<10)
	for line := range m.out {
		m.conn.SetWriteDeadline(time.Now().Add(writeTimeout))
		w.WriteString(line + "\n")
		if len(m.out) > 0 {
			continue // more is waiting: send it together, in fewer writes
		}
		if err := w.Flush(); err != nil {
			s.leave(m, "")
			return
		}
	}
	w.Flush()
}

// leave removes m, if it is still a member, after queueing a last line
// for it, and tells the others.
func (s *Server) leave(m *member, last string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.removeLocked(m, last)
}

func (s *Server) removeLocked(m *member, last string) {
	if s.members[m.name] != m {
		return // gone already
	}
	delete(s.members, m.name)
	if last != "" {
		select {
		case m.out <- last:
		default:
		}
	}
	close(m.out)
	s.broadcastLocked(nil, "* "+m.name+" left")
}

// sendLocked queues line for m without ever waiting: a member whose outbox
// is full is too slow to keep, so it is disconnected.
func (s *Server) sendLocked(m *member, line string) {
	select {
	case m.out <- line:
	default:
		m.conn.Close() // unblocks its writer; its reader then fails too
		s.removeLocked(m, "")
	}
}

// broadcastLocked queues line for every member but from.
func (s *Server) broadcastLocked(from *member, line string) {
	for _, m := range s.members {
		if m != from {
			s.sendLocked(m, line)
		}
	}
}

// Shutdown stops accepting clients, says EXIT to every member, closes
// every connection and waits until every goroutine of the server has
// exited.
func (s *Server) Shutdown() {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		s.ln.Close()
		for _, m := range s.members {
			delete(s.members, m.name)
			select {
			case m.out <- "EXIT":
			default:
			}
			close(m.out) // its writer flushes, then closes the connection
		}
		for conn, m := range s.conns {
			if m == nil { // not joined: no writer to close it
				conn.Close()
			}
		}
	}
	s.mu.Unlock()
	s.wg.Wait()
}
