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

// naiveRead is the classic teaching version's reader, recv(size): one
// Read, one message.
func naiveRead(r io.Reader, size int) (string, error) {
	buf := make([]byte, size)
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

// splitSize is the one message the split case writes in one Write, and
// readBuf the naive reader's buffer: the message needs many Reads.
const (
	splitSize = 20_000
	readBuf   = 1024
)

func framing(ctx context.Context, s *lesson.Stage) error {
	reader := s.Lane("server")
	writer := s.Lane("client")

	s.Heading(`Glued: "hello" and "world", two Writes over loopback TCP, then one Read`)
	client, server, err := tcpPair()
	if err != nil {
		return err
	}
	// Go turns Nagle's algorithm off on every TCP connection (SetNoDelay
	// is true by default): each Write below leaves at once, in a segment
	// of its own. No buffered writer either: two Write calls, two sends.
	written := make(chan error, 1)
	go func() {
		if _, err := client.Write([]byte("hello")); err != nil {
			written <- err
			return
		}
		writer.Printf(`Write #1: "hello"`)
		_, err := client.Write([]byte("world"))
		writer.Printf(`Write #2: "world"`)
		written <- err
	}()
	// The server reads only after both Writes have returned and both
	// segments sit in its receive queue: then one Read takes them all.
	if err := errors.Join(<-written, waitQueued(server.(*net.TCPConn), len("helloworld"))); err != nil {
		client.Close()
		server.Close()
		return err
	}
	glued, err := naiveRead(server, readBuf)
	client.Close()
	server.Close()
	if err != nil {
		return err
	}
	reader.Printf("Read #1: %q", glued)
	s.Finding("naive-glued-bytes", float64(len(glued)), `bytes in the first Read (one "message")`)
	s.Say("Two segments arrived; the kernel keeps one stream of bytes per connection, and a Read")
	s.Say("takes whatever is queued, up to the buffer's size. The boundary between them is gone.")

	s.Heading("Split: one Write of %s bytes, read with a %s-byte buffer", lesson.Number(splitSize), lesson.Number(readBuf))
	client, server, err = tcpPair()
	if err != nil {
		return err
	}
	go func() {
		defer client.Close() // the server's last Read sees io.EOF
		_, err := client.Write(bytes.Repeat([]byte("x"), splitSize))
		writer.Printf("Write #1: %s bytes", lesson.Number(splitSize))
		written <- err
	}()
	var sizes []int
	for {
		piece, err := naiveRead(server, readBuf)
		if errors.Is(err, io.EOF) {
			break // the writer closed its end
		}
		if err != nil {
			server.Close()
			return errors.Join(err, <-written)
		}
		sizes = append(sizes, len(piece))
	}
	server.Close()
	if err := <-written; err != nil {
		return err
	}
	if len(sizes) == 0 {
		return errors.New("the split case read nothing")
	}
	got := 0
	for _, n := range sizes {
		got += n
	}
	reader.Printf("%d Reads, %s bytes in all; the first %d bytes, the last %d", len(sizes), lesson.Number(float64(got)), sizes[0], sizes[len(sizes)-1])
	s.Finding("naive-split-reads", float64(len(sizes)), `Reads for one Write (one "message" each)`)
	s.Finding("naive-split-bytes", float64(got), "bytes read in all")
	s.Say("A Read returns at most the buffer's size, and at most what has arrived so far: the")
	s.Say("network cuts a big Write into segments (about 1,460 bytes on Ethernet) that arrive at")
	s.Say("their own pace. One Write is no promise of one Read.")
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
		w := bufio.NewWriterSize(client, 64<<10) // the buffer glues every frame into one Write
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
	reader.Printf("one bufio.Writer flush for all, over TCP: %d of %d intact", okGlued, len(want))
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
