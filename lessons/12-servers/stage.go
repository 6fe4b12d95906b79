package servers

// The stage plumbing this lesson's demos share: time bounds, the clients
// that play against the demos' servers (they read, count and check what
// they hear), the fd and thread counts, and the framing demo's loopback
// connections and printing. The demos' stories are in their own files
// (iterative.go, goroutineperconn.go, idleconns.go, chat.go,
// framing.go).

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime/pprof"
	"strings"
	"sync/atomic"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// The classic teaching version's server ticks to its client every 0.5 s, for ever. The
// demo watches for 1.5 s: long enough for several ticks.
const (
	period = 500 * time.Millisecond
	window = 1500 * time.Millisecond
	// safety bounds every network wait in real time, so that nothing can
	// hang however loaded the machine.
	safety = 10 * time.Second
)

// client connects to addr and counts the ticks it reads until its
// connection is closed.
type client struct {
	conn  net.Conn
	ticks atomic.Int64
	first chan struct{} // closed at the first tick
	done  chan struct{} // closed when the reader ends
}

// dial connects a client called name to addr and starts the goroutine
// that reads its ticks.
func dial(s *lesson.Stage, name, addr string) (*client, error) {
	conn, err := net.DialTimeout("tcp", addr, safety)
	if err != nil {
		return nil, err
	}
	c := &client{conn: conn, first: make(chan struct{}), done: make(chan struct{})}
	lane := s.Lane(name)
	lane.Start()
	s.Bound(conn, s.Scale(window)+s.Limit(safety)) // pauses do not count
	go func() {
		defer close(c.done)
		defer lane.Done()
		sc := bufio.NewScanner(conn)
		for sc.Scan() { // ends when the demo closes conn, or the server does
			if c.ticks.Add(1) == 1 {
				close(c.first)
			}
			lane.Received("conn")
			lane.Printf("%s", sc.Text())
		}
	}()
	return c, nil
}

// watch connects two clients to the server at addr, and watches them
// for window, then records what each client got. With hangUp, client 1
// then hangs up, and watch records how soon client 2 is served after
// that. Before it returns it closes both clients.
func watch(ctx context.Context, s *lesson.Stage, addr string, hangUp bool) error {
	c1, err := dial(s, "client 1", addr)
	if err != nil {
		return err
	}
	defer func() { c1.conn.Close(); <-c1.done }()
	select { // client 1 is being served before client 2 arrives
	case <-c1.first:
	case <-time.After(s.Limit(safety)):
		return fmt.Errorf("client 1 got no tick within %v", s.Limit(safety))
	case <-ctx.Done():
		return ctx.Err()
	}
	c2, err := dial(s, "client 2", addr)
	if err != nil {
		return err
	}
	defer func() { c2.conn.Close(); <-c2.done }()
	s.Say("both clients connected: the kernel completes the handshake itself")

	t0 := time.Now()
	var firstAfter time.Duration = -1
	wait := time.NewTimer(s.Scale(window))
	defer wait.Stop()
	select {
	case <-c2.first:
		firstAfter = time.Since(t0)
		select { // and watch them both for the rest of the window
		case <-wait.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	case <-wait.C:
	case <-ctx.Done():
		return ctx.Err()
	}
	paused := s.Pause(ctx, "what did client 2 get?")
	s.Finding("client1-ticks", float64(c1.ticks.Load()), "ticks")
	s.Finding("client2-ticks", float64(c2.ticks.Load()), "ticks")
	if firstAfter >= 0 {
		s.FindingDuration("client2-first-tick-after", firstAfter)
	} else {
		s.FindingDuration("client2-waited", time.Since(t0))
	}
	if paused != nil || !hangUp {
		return paused
	}

	if err := s.Pause(ctx, "client 1 hangs up: what happens to client 2?"); err != nil {
		return err
	}
	s.Heading("client 1 hangs up")
	t1 := time.Now()
	c1.conn.Close()
	<-c1.done
	select { // tick's next write or the one after fails, and it returns
	case <-c2.first:
		s.FindingDuration("client2-served-after-hangup", time.Since(t1))
		return nil
	case <-time.After(s.Scale(3*period) + s.Limit(safety)):
		return errors.New("client 2 was not served even after client 1 hung up")
	case <-ctx.Done():
		return ctx.Err()
	}
}

// threadsCreated is pprof's count of OS threads the runtime has created.
func threadsCreated() int { return pprof.Lookup("threadcreate").Count() }

// chatter is a client of the demo: it sends lines and checks, line by
// line, that it hears what it should.
type chatter struct {
	lane     *lesson.Lane
	conn     net.Conn
	heard    chan string
	patience time.Duration // safety at the stage's speed (Stage.Limit)
}

// join connects a chatter called name to addr and starts the goroutine
// that reads what it hears.
func join(s *lesson.Stage, name, addr string) (*chatter, error) {
	conn, err := net.DialTimeout("tcp", addr, safety)
	if err != nil {
		return nil, err
	}
	c := &chatter{lane: s.Lane(name), conn: conn, heard: make(chan string, 64), patience: s.Limit(safety)}
	s.Bound(conn, c.patience) // no read waits for ever, however long the presenter pauses
	go func() {
		defer close(c.heard)
		sc := bufio.NewScanner(conn)
		for sc.Scan() {
			c.lane.Received("conn")
			c.heard <- sc.Text()
		}
	}()
	return c, nil
}

// send writes line to the room.
func (c *chatter) send(line string) {
	c.lane.Printf("> %s", line)
	c.conn.SetWriteDeadline(time.Now().Add(safety))
	fmt.Fprintln(c.conn, line)
	c.lane.Sent("conn")
}

// expect waits for the next line c hears and compares it with want.
func (c *chatter) expect(want string) error {
	select {
	case got, ok := <-c.heard:
		if !ok {
			return fmt.Errorf("%s: connection closed, want %q", c.lane.Name(), want)
		}
		c.lane.Printf("< %s", got)
		if got != want {
			return fmt.Errorf("%s heard %q, want %q", c.lane.Name(), got, want)
		}
		return nil
	case <-time.After(c.patience):
		return fmt.Errorf("%s heard nothing within %v, want %q", c.lane.Name(), c.patience, want)
	}
}

// end waits for c's connection to close and returns the lines it heard
// that nobody expected.
func (c *chatter) end() []string {
	var extra []string
	for line := range c.heard {
		c.lane.Printf("< %s (unexpected)", line)
		extra = append(extra, line)
	}
	c.conn.Close()
	return extra
}

// tcpPair returns the two ends of a fresh loopback TCP connection.
func tcpPair() (client, server net.Conn, err error) {
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
	client, err = net.DialTimeout("tcp", ln.Addr().String(), safety)
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
	deadline := time.Now().Add(safety) // no network wait can hang the demo
	client.SetDeadline(deadline)
	a.conn.SetDeadline(deadline)
	return client, a.conn, nil
}

// pipePair is tcpPair for net.Pipe: synchronous, unbuffered, in memory.
func pipePair() (client, server net.Conn) {
	client, server = net.Pipe()
	deadline := time.Now().Add(safety)
	client.SetDeadline(deadline)
	server.SetDeadline(deadline)
	return client, server
}

// byteWriter writes one byte per Write: over a net.Pipe, where a Read
// never returns more than one Write's bytes, every byte arrives alone.
type byteWriter struct{ w io.Writer }

func (b byteWriter) Write(p []byte) (int, error) {
	for i := range p {
		if _, err := b.w.Write(p[i : i+1]); err != nil {
			return i, err
		}
	}
	return len(p), nil
}

// readAll reads frames until EOF and counts those equal to want, in
// order, printing each on lane if there is one.
func readAll(r io.Reader, want [][]byte, lane *lesson.Lane) (int, error) {
	ok := 0
	for i := 0; ; i++ {
		msg, err := readFrame(r)
		if errors.Is(err, io.EOF) {
			if i != len(want) {
				return ok, fmt.Errorf("read %d frames, want %d", i, len(want))
			}
			return ok, nil
		}
		if err != nil {
			return ok, err
		}
		if lane != nil {
			lane.Printf("frame %d: %s", i+1, shorten(msg))
		}
		if i < len(want) && bytes.Equal(msg, want[i]) {
			ok++
		}
	}
}

// shorten is for printing: a long message as its start and its length.
func shorten(b []byte) string {
	if len(b) <= 20 {
		return fmt.Sprintf("%q", b)
	}
	return fmt.Sprintf("%q... (%d bytes)", strings.ToValidUTF8(string(b[:20]), "?"), len(b))
}

// roomForConns is how many of n connections the open-file limit leaves
// room for (each takes 2 descriptors, and 100 are kept for the rest),
// after raising the limit where it can; it records the limit and warns
// when it must scale down.
func roomForConns(s *lesson.Stage, n int) int {
	limit := fdLimit(2*n + 100)
	if room := (limit - 100) / 2; room < n {
		s.Warn("open-file limit %d: scaling down to %d connections (2 descriptors each)", limit, room)
		n = room
	}
	s.Finding("fd-limit", float64(limit), "open files (soft limit); "+lesson.Number(float64(2*n))+" needed")
	return n
}

// dialIdle opens n connections to addr and returns them, with those it
// opened before an error if there was one.
func dialIdle(addr string, n int) ([]net.Conn, error) {
	clients := make([]net.Conn, 0, n)
	for range n {
		c, err := net.DialTimeout("tcp", addr, safety)
		if err != nil {
			return clients, fmt.Errorf("after %d connections: %w", len(clients), err)
		}
		clients = append(clients, c)
	}
	return clients, nil
}

// waitAccepted waits until the server has accepted n connections, or
// safety has passed.
func waitAccepted(s *lesson.Stage, accepted *atomic.Int64, n int) error {
	for deadline := time.Now().Add(s.Limit(safety)); accepted.Load() < int64(n); time.Sleep(s.Scale(time.Millisecond)) {
		if time.Now().After(deadline) {
			return fmt.Errorf("the server accepted only %d of %d connections within %v", accepted.Load(), n, s.Limit(safety))
		}
	}
	return nil
}

// pingAll writes a byte on each connection and reads its echo, and
// returns how many answered before the first that did not.
func pingAll(clients []net.Conn) int {
	answered := 0
	buf := make([]byte, 1)
	for _, c := range clients {
		c.SetDeadline(time.Now().Add(safety))
		if _, err := c.Write([]byte{'?'}); err != nil {
			break
		}
		if _, err := io.ReadFull(c, buf); err != nil {
			break
		}
		answered++
	}
	return answered
}

// A script plays the chat demo's clients and keeps the score: every line
// a client was to hear, and whether it did.
type script struct {
	s        *lesson.Stage
	addr     string
	everyone []*chatter
	errs     []error // one per connection that failed and per line expected
}

// connect joins a chatter called name to the room; nil if it could not
// connect (failed says why).
func (sc *script) connect(name string) *chatter {
	c, err := join(sc.s, name, sc.addr)
	if err != nil {
		sc.errs = append(sc.errs, err)
		return nil
	}
	sc.everyone = append(sc.everyone, c)
	return c
}

// failed is every error recorded so far, nil if there is none.
func (sc *script) failed() error { return errors.Join(sc.errs...) }

// expect waits for the next line c hears, records whether it was want,
// and returns the difference, nil if there is none.
func (sc *script) expect(c *chatter, want string) error {
	err := c.expect(want)
	sc.errs = append(sc.errs, err)
	return err
}

// hangUp closes every chatter's connection.
func (sc *script) hangUp() {
	for _, c := range sc.everyone {
		c.conn.Close()
	}
}

// score waits for every chatter's connection to close and records the
// lines heard as expected, those nobody expected, and whether the
// duplicate name was refused (errTaken nil).
func (sc *script) score(errTaken error) {
	var extra []string
	for _, c := range sc.everyone {
		extra = append(extra, c.end()...)
	}
	failed := 0
	for _, err := range sc.errs {
		if err != nil {
			failed++
			sc.s.Warn("%v", err)
		}
	}
	sc.s.Finding("lines-as-expected", float64(len(sc.errs)-failed), fmt.Sprintf("of %d", len(sc.errs)))
	sc.s.Finding("unexpected-lines", float64(len(extra)), "")
	if errTaken == nil {
		sc.s.Finding("name-taken", 1, "duplicate name refused")
	} else {
		sc.s.Finding("name-taken", 0, "duplicate name refused")
	}
}
