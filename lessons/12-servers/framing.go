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

	"github.com/conclab/conclab/lessons/lesson"
)

// splitSize is the one message the split case writes in one Write, and
// readBuf the naive reader's buffer: the message needs many Reads.
const (
	splitSize = 20_000
	readBuf   = 1024
)

// framing sends messages over loopback TCP three ways: two small Writes
// that one Read glues together, one big Write that takes many Reads, and
// length-prefixed frames that come out whole however they were cut.
func framing(ctx context.Context, s *lesson.Stage) error {
	reader := s.Lane("server")
	writer := s.Lane("client")
	if err := glued(s, reader, writer); err != nil {
		return err
	}
	if err := split(s, reader, writer); err != nil {
		return err
	}
	if err := s.Pause(ctx, "the fix: say how long each message is"); err != nil {
		return err
	}
	return framed(s, reader)
}

// glued writes "hello" and "world" in two Writes and reads them with one
// Read.
func glued(s *lesson.Stage, reader, writer *lesson.Lane) error {
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
	return nil
}

// split writes one big message in one Write and reads it with a small
// buffer.
func split(s *lesson.Stage, reader, writer *lesson.Lane) error {
	s.Heading("Split: one Write of %s bytes, read with a %s-byte buffer", lesson.Number(splitSize), lesson.Number(readBuf))
	client, server, err := tcpPair()
	if err != nil {
		return err
	}
	written := make(chan error, 1)
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
	return nil
}

// framed sends testMessages as frames, glued by a bufio.Writer over TCP,
// then a byte at a time over net.Pipe, and counts those read back whole.
func framed(s *lesson.Stage, reader *lesson.Lane) error {
	want := testMessages()
	s.Heading("Framed: 4-byte big-endian length, then io.ReadFull; %d messages", len(want))
	client, server, err := tcpPair()
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

// naiveRead is the classic teaching version's reader, recv(size): one
// Read, one message.
func naiveRead(r io.Reader, size int) (string, error) {
	buf := make([]byte, size)
	n, err := r.Read(buf)
	return string(buf[:n]), err
}

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
