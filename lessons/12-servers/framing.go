package servers

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// maxFrame bounds a frame's length, so that four bytes of garbage cannot
// make the reader allocate 4 GB.
const maxFrame = 1 << 20

// writeFrame sends msg as one frame: its length in 4 bytes, big-endian
// (network byte order, the same on every machine), then its bytes.
func writeFrame(w io.Writer, msg []byte) error {
	var header [4]byte
	binary.BigEndian.PutUint32(header[:], uint32(len(msg)))
	if _, err := w.Write(header[:]); err != nil {
		return err
	}
	_, err := w.Write(msg)
	return err
}

// readFrame reads one frame. io.ReadFull loops over Read until it has
// exactly len(buf) bytes: a Read may return fewer than asked for.
func readFrame(r io.Reader) ([]byte, error) {
	var header [4]byte
	if _, err := io.ReadFull(r, header[:]); err != nil {
		return nil, err // io.EOF here: a clean end between frames
	}
	n := binary.BigEndian.Uint32(header[:])
	if n > maxFrame {
		return nil, fmt.Errorf("frame of %d bytes is over the %d limit", n, maxFrame)
	}
	msg := make([]byte, n)
	if _, err := io.ReadFull(r, msg); err != nil {
		return nil, fmt.Errorf("frame cut short: %w", err)
	}
	return msg, nil
}

// naiveRead is the classic teaching version's reader: one Read, one message.
func naiveRead(r io.Reader) (string, error) {
	buf := make([]byte, 1024)
	n, err := r.Read(buf)
	return string(buf[:n]), err
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

// testMessages are what the framed demo sends: empty, short, with a
// newline inside, and big enough to span many TCP segments.
func testMessages() [][]byte {
	return [][]byte{
		[]byte("hello"),
		[]byte("world"),
		{},
		[]byte("a message\nwith a newline inside"),
		bytes.Repeat([]byte("0123456789"), 2000), // 20 KB
	}
}

func framing(ctx context.Context, s *lesson.Stage) error {
	reader := s.Lane("server")

	s.Heading(`Glued: "hello" and "world" written back to back, one Read`)
	client, server, err := tcpPair()
	if err != nil {
		return err
	}
	w := bufio.NewWriter(client) // as any buffered writer, or Nagle, or a busy network would
	w.WriteString("hello")
	w.WriteString("world")
	if err := w.Flush(); err != nil {
		return err
	}
	glued, err := naiveRead(server)
	client.Close()
	server.Close()
	if err != nil {
		return err
	}
	reader.Printf("Read #1: %q", glued)
	s.Finding("naive-glued-bytes", float64(len(glued)), `bytes in the first Read (one "message")`)

	s.Heading(`Split: "hello" arriving as "hel" and "lo", one Read per message`)
	client, server = pipePair()
	go func() {
		defer client.Close()
		client.Write([]byte("hel"))
		client.Write([]byte("lo"))
	}()
	var pieces []string
	for {
		piece, err := naiveRead(server)
		if err != nil {
			break // io.EOF: the writer closed its end
		}
		reader.Printf("Read #%d: %q", len(pieces)+1, piece)
		pieces = append(pieces, piece)
	}
	server.Close()
	s.Finding("naive-split-messages", float64(len(pieces)), `"messages" read from one "hello"`)
	s.Warn("TCP carries a stream of bytes; message boundaries are not part of it.")

	if err := s.Pause(ctx, "the fix: say how long each message is"); err != nil {
		return err
	}
	want := testMessages()
	s.Heading("Framed: 4-byte big-endian length, then io.ReadFull; %d messages", len(want))
	client, server, err = tcpPair()
	if err != nil {
		return err
	}
	writeDone := make(chan error, 1)
	go func() {
		defer client.Close()
		w := bufio.NewWriterSize(client, 64<<10) // every frame in one go: coalesced
		for _, m := range want {
			writeFrame(w, m)
		}
		writeDone <- w.Flush()
	}()
	okGlued, err := readAll(server, want, nil)
	server.Close()
	if err := errors.Join(<-writeDone, err); err != nil {
		return err
	}
	reader.Printf("one Write for all, over TCP: %d of %d intact", okGlued, len(want))
	s.Finding("framed-coalesced-ok", float64(okGlued), fmt.Sprintf("of %d messages", len(want)))

	client, server = pipePair()
	go func() {
		defer client.Close()
		var err error
		for _, m := range want {
			if err = writeFrame(byteWriter{client}, m); err != nil {
				break
			}
		}
		writeDone <- err
	}()
	okSplit, err := readAll(server, want, reader)
	server.Close()
	if err := errors.Join(<-writeDone, err); err != nil {
		return err
	}
	reader.Printf("a Write per byte, net.Pipe: %d of %d intact", okSplit, len(want))
	s.Finding("framed-split-ok", float64(okSplit), fmt.Sprintf("of %d messages", len(want)))
	s.Say("The length says where a message ends; io.ReadFull keeps reading")
	s.Say("until it has that many bytes, however the network cut or glued them.")
	return nil
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
