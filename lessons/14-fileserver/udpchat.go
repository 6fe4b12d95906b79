package fileserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// udpChatDemo runs a chat server on one UDP socket in one goroutine:
// no connections, so the server knows a client by its address alone.
// Three clients join (one name is taken), talk, try to speak for
// somebody else, and leave.
func udpChatDemo(ctx context.Context, s *lesson.Stage) error {
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)}) // port 0: any free one
	if err != nil {
		return err
	}
	srv := &udpChat{conn: conn, members: map[string]*net.UDPAddr{}, lane: s.Lane("server")}
	served := make(chan struct{})
	go func() {
		defer close(served)
		srv.serve()
	}()
	defer func() { conn.Close(); <-served }()
	s.Say("A UDP chat server on %v: one socket, one goroutine, no connections.", conn.LocalAddr())

	clients := map[string]*chatter{}
	for _, name := range []string{"alice", "bob", "bob 2"} {
		c, err := net.DialUDP("udp", nil, conn.LocalAddr().(*net.UDPAddr))
		if err != nil {
			return err
		}
		defer c.Close()
		clients[name] = &chatter{name: name, conn: c, lane: s.Lane(name)}
	}
	wait := s.Limit(safety)
	// The script: who says what, then what each one must hear, in order.
	type hearing struct{ who, want string }
	script := []struct {
		who, says string
		then      []hearing
	}{
		{"alice", "L alice", []hearing{{"alice", "OK"}}},
		{"bob", "L bob", []hearing{{"alice", "bob joined"}, {"bob", "OK"}}},
		{"bob 2", "L bob", []hearing{{"bob 2", "NAME TAKEN"}}},
		{"alice", "C alice hello, bob", []hearing{{"bob", "alice: hello, bob"}}},
		{"bob 2", "C bob I am bob", []hearing{{"bob 2", "ERR want L name, C name text or Q name, as yourself"}}},
		{"bob", "Q bob", []hearing{{"bob", "EXIT"}, {"alice", "bob left"}}},
		{"alice", "Q alice", []hearing{{"alice", "EXIT"}}},
	}
	heard, expected := 0, 0
	for _, step := range script {
		if err := clients[step.who].say(step.says); err != nil {
			return err
		}
		for _, h := range step.then {
			expected++
			got, err := clients[h.who].hear(wait)
			if err != nil {
				return fmt.Errorf("%s heard nothing after %q: %w", h.who, step.says, err)
			}
			if got == h.want {
				heard++
			} else {
				s.Warn("%s heard %q, want %q", h.who, got, h.want)
			}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	s.Finding("lines-as-expected", float64(heard), fmt.Sprintf("of %d", expected))
	// Nothing else may be waiting: no echo to a sender, nothing twice.
	extra := 0
	for _, c := range clients {
		if _, err := c.hear(s.Scale(50 * time.Millisecond)); err == nil {
			extra++
		} else if !isTimeout(err) {
			return err
		}
	}
	s.Finding("unexpected-lines", float64(extra), "")
	s.Say("UDP keeps message boundaries (one datagram, one message) but promises")
	s.Say("no delivery and no order: on loopback nothing is lost, on a network a")
	s.Say("real protocol numbers its messages and resends what is not confirmed.")
	return nil
}

// The UDP chat protocol, one datagram per message:
//
//	L name        log in as name: "OK" to you, "name joined" to the others,
//	              or "NAME TAKEN" to you
//	C name text   chat: "name: text" to everybody else
//	Q name        quit: "EXIT" to you, "name left" to the others
//
// UDP has no connections: one socket, one goroutine, and every datagram
// says who sent it (its address). The server checks that the name in a
// message is the one that address logged in with.
type udpChat struct {
	conn    *net.UDPConn
	members map[string]*net.UDPAddr // only the serving goroutine touches it
	lane    *lesson.Lane
}

func (c *udpChat) serve() {
	buf := make([]byte, 2048)
	for {
		n, from, err := c.conn.ReadFromUDP(buf)
		if err != nil {
			return // closed
		}
		verb, rest, _ := strings.Cut(string(buf[:n]), " ")
		name, text, _ := strings.Cut(rest, " ")
		c.lane.Printf("from %v: %q", from, buf[:n])
		switch {
		case verb == "L" && name != "":
			if _, taken := c.members[name]; taken {
				c.send(from, "NAME TAKEN")
				continue
			}
			c.others(name, name+" joined")
			c.members[name] = from
			c.send(from, "OK")
		case verb == "C" && c.isFrom(name, from):
			c.others(name, name+": "+text)
		case verb == "Q" && c.isFrom(name, from):
			delete(c.members, name)
			c.send(from, "EXIT")
			c.others(name, name+" left")
		default:
			c.send(from, "ERR want L name, C name text or Q name, as yourself")
		}
	}
}

// isFrom reports whether name logged in from this address: nobody speaks
// or quits for somebody else.
func (c *udpChat) isFrom(name string, from *net.UDPAddr) bool {
	addr, ok := c.members[name]
	return ok && addr.String() == from.String()
}

func (c *udpChat) send(to *net.UDPAddr, msg string) { c.conn.WriteToUDP([]byte(msg), to) }

func (c *udpChat) others(except, msg string) {
	for name, addr := range c.members {
		if name != except {
			c.send(addr, msg)
		}
	}
}

// chatter is a client: its own UDP socket, "connected" to the server so
// that it only hears from it.
type chatter struct {
	name string
	conn *net.UDPConn
	lane *lesson.Lane
}

func (c *chatter) say(msg string) error {
	c.lane.Printf("-> %s", msg)
	_, err := c.conn.Write([]byte(msg))
	return err
}

// hear reads the next datagram, within wait.
func (c *chatter) hear(wait time.Duration) (string, error) {
	buf := make([]byte, 2048)
	c.conn.SetReadDeadline(time.Now().Add(wait))
	n, err := c.conn.Read(buf)
	if err != nil {
		return "", err
	}
	c.lane.Printf("<- %s", buf[:n])
	return string(buf[:n]), nil
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
