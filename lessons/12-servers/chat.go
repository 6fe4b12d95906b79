package servers

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// The protocol of the classic teaching version's chat room, in lines: a client sends
// "JOIN name", "MSG text" or "QUIT"; the server answers "OK" or
// "ERR name taken", tells the others "* name joined", "* name left" and
// "name: text", and sends "EXIT" to whoever quits.

// chat runs a chat room on loopback and plays three of its clients,
// checking line by line that each hears what it should.
func chat(ctx context.Context, s *lesson.Stage) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	// Deferred calls run last first: close the clients, then the
	// listener, then stop the hub, then wait for every goroutine.
	var wg sync.WaitGroup
	defer wg.Wait()
	hubCtx, shutdown := context.WithCancel(ctx)
	defer shutdown()
	defer ln.Close()
	h := newHub()
	wg.Add(2)
	go func() { defer wg.Done(); h.run(hubCtx) }()
	go func() { // the accept loop: a goroutine per client
		defer wg.Done()
		var clients sync.WaitGroup
		defer clients.Wait()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			clients.Add(1)
			go func() { defer clients.Done(); h.handle(conn) }()
		}
	}()

	sc := &script{s: s, addr: ln.Addr().String()}
	defer sc.hangUp()

	s.Heading("alice and bob join; somebody else tries the name bob")
	alice, bob, carol := sc.connect("alice"), sc.connect("bob"), sc.connect("carol")
	if err := sc.failed(); err != nil {
		return err
	}
	alice.send("JOIN alice")
	sc.expect(alice, "OK")
	bob.send("JOIN bob")
	sc.expect(bob, "OK")
	sc.expect(alice, "* bob joined")
	carol.send("JOIN bob")
	errTaken := sc.expect(carol, "ERR name taken")
	carol.send("JOIN carol")
	sc.expect(carol, "OK")
	sc.expect(alice, "* carol joined")
	sc.expect(bob, "* carol joined")

	if err := s.Pause(ctx, "alice speaks: who hears it?"); err != nil {
		return err
	}
	s.Heading("alice speaks, bob quits, the server has the last word")
	alice.send("MSG hello all")
	sc.expect(bob, "alice: hello all")
	sc.expect(carol, "alice: hello all")
	bob.send("QUIT")
	sc.expect(bob, "EXIT")
	sc.expect(alice, "* bob left")
	sc.expect(carol, "* bob left")
	select {
	case h.says <- message{text: "the room closes now"}:
	case <-h.done:
	}
	sc.expect(alice, "admin: the room closes now")
	sc.expect(carol, "admin: the room closes now")
	shutdown()
	sc.expect(alice, "EXIT")
	sc.expect(carol, "EXIT")

	sc.score(errTaken) // and no echo of alice's own message, nothing twice
	s.Say("One goroutine owns the members map and every client talks to it")
	s.Say("through channels; a broadcast only drops lines into outboxes, and")
	s.Say("each client's own writer goroutine does the slow part: the network.")
	return nil
}

// A member is a client in the room. Only its writer goroutine writes to
// its connection; everybody else puts lines into its outbox.
type member struct {
	name   string
	outbox chan string
}

type joinRequest struct {
	m  *member
	ok chan bool
}

type leaveRequest struct {
	m    *member
	quit bool // said QUIT, rather than hung up
}

type message struct {
	from *member // nil for the server's own notices
	text string
}

// A hub is the goroutine that owns the room: the members map is touched
// by nobody else, so it needs no lock.
type hub struct {
	joins  chan joinRequest
	leaves chan leaveRequest
	says   chan message
	done   chan struct{} // closed when the hub has stopped
}

func newHub() *hub {
	return &hub{
		joins:  make(chan joinRequest),
		leaves: make(chan leaveRequest),
		says:   make(chan message),
		done:   make(chan struct{}),
	}
}

// run is the hub's loop; it ends when ctx is done, telling every member
// EXIT and closing their outboxes.
func (h *hub) run(ctx context.Context) {
	defer close(h.done)
	members := map[string]*member{}
	broadcast := func(from *member, line string) {
		for _, m := range members {
			if m != from {
				deliver(m, line)
			}
		}
	}
	for {
		select {
		case j := <-h.joins:
			if _, taken := members[j.m.name]; taken {
				j.ok <- false
				continue
			}
			deliver(j.m, "OK") // before anything else it will hear
			broadcast(nil, "* "+j.m.name+" joined")
			members[j.m.name] = j.m
			j.ok <- true
		case l := <-h.leaves:
			m := l.m
			delete(members, m.name)
			if l.quit {
				deliver(m, "EXIT")
			}
			close(m.outbox) // its writer sends what is left, then hangs up
			broadcast(nil, "* "+m.name+" left")
		case msg := <-h.says:
			if msg.from == nil {
				broadcast(nil, "admin: "+msg.text)
			} else {
				broadcast(msg.from, msg.from.name+": "+msg.text)
			}
		case <-ctx.Done():
			for _, m := range members {
				deliver(m, "EXIT")
				close(m.outbox)
			}
			return
		}
	}
}

// deliver puts line in m's outbox without ever waiting: a client that
// stops reading must not stall the hub and, through it, the whole room.
// (What to do with such a client is exercise 11's question; here its
// line is dropped.)
func deliver(m *member, line string) {
	select {
	case m.outbox <- line:
	default:
	}
}

// handle is one client's goroutine: it reads the client's lines and
// passes them to the hub.
func (h *hub) handle(conn net.Conn) {
	defer conn.Close()
	var me *member
	var wrote sync.WaitGroup
	defer wrote.Wait() // the writer has sent EXIT before conn is closed
	sc := bufio.NewScanner(conn)
	for sc.Scan() {
		verb, arg, _ := strings.Cut(sc.Text(), " ")
		switch {
		case me == nil && verb == "JOIN" && arg != "":
			m := &member{name: arg, outbox: make(chan string, 64)}
			ok := make(chan bool)
			select {
			case h.joins <- joinRequest{m, ok}:
			case <-h.done:
				return
			}
			if !<-ok {
				fmt.Fprintln(conn, "ERR name taken") // no writer yet: this goroutine may write
				continue
			}
			me = m
			wrote.Add(1)
			go func() { // the writer: the only one to write to conn from now on
				defer wrote.Done()
				defer conn.Close() // outbox closed: the server is done with this client
				for line := range m.outbox {
					conn.SetWriteDeadline(time.Now().Add(safety))
					if _, err := fmt.Fprintln(conn, line); err != nil {
						return
					}
				}
			}()
		case me == nil:
			fmt.Fprintln(conn, "ERR join first")
		case verb == "MSG":
			select {
			case h.says <- message{from: me, text: arg}:
			case <-h.done:
				return
			}
		case verb == "QUIT":
			h.leave(me, true)
			return
		}
		// Anything else is ignored. (Only the hub may put lines into an
		// outbox: it is the one that closes them.)
	}
	if me != nil { // disconnected without QUIT
		h.leave(me, false)
	}
}

func (h *hub) leave(m *member, quit bool) {
	select {
	case h.leaves <- leaveRequest{m, quit}:
	case <-h.done:
	}
}
