package fileserver

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// endMarker sends files the way the exercise is commonly solved: the
// data, a 0.1 s sleep, "##". A sender goroutine and this receiver share
// one loopback connection (markerRound). A buffered sender glues the
// marker to the data; a file holding "##" is cut; a header with the size
// (framedRound) gets every file intact.
func endMarker(ctx context.Context, s *lesson.Stage) error {
	lane := s.Lane("receiver")
	wait := max(s.Scale(time.Second), 4*s.Scale(markerSleep))

	s.Heading(`The sender's writes are buffered: "##" arrives glued to the data`)
	content := []byte("hello, world\n")
	got, ended, took, err := markerRound(ctx, s, content, true, wait, readIsMarker)
	if err != nil {
		return err
	}
	lane.Printf("got %q; saw the marker: %v; waited %v", got, ended, took.Round(time.Millisecond))
	s.Finding("glued-marker-seen", boolFinding(ended), "")
	s.Finding("glued-extra-bytes", float64(len(got)-len(content)), `bytes ("##" kept as data)`)
	s.Say("One read returned the data and the marker together: not equal to \"##\",")
	s.Say("so the receiver waited for a marker that had already come, until its")
	s.Say("deadline. The sleep ordered nothing: a buffer, Nagle or a busy")
	s.Say("receiver glues writes together whatever the sender's pauses.")
	if err := s.Pause(ctx, `the patch: look for "##" anywhere in a read`); err != nil {
		return err
	}

	s.Heading(`The patch, looking for "##" anywhere, meets a file that holds "##"`)
	content = []byte("total ## of the bill: 42\n")
	got, ended, _, err = markerRound(ctx, s, content, false, wait, readHasMarker)
	if err != nil {
		return err
	}
	lane.Printf("got %q of %q; saw the marker: %v", got, content, ended)
	s.Finding("contains-lost-bytes", float64(len(content)-len(got)), fmt.Sprintf("of %d bytes", len(content)))
	s.Say("Any byte sequence can be in a file: no marker is safe in binary data.")
	if err := s.Pause(ctx, "the fix: say the size first"); err != nil {
		return err
	}

	s.Heading("The fix: a header with the size, then io.CopyN")
	intact := 0
	begin := time.Now()
	for _, c := range [][]byte{[]byte("hello, world\n"), content, {}} {
		ok, err := framedRound(s, c)
		if err != nil {
			return err
		}
		if ok {
			intact++
		}
		lane.Printf("%q: intact = %v", c, ok)
	}
	s.FindingDuration("framed-ms", time.Since(begin))
	s.Finding("framed-intact", float64(intact), "of 3 files")
	s.Say("No sleeping, no guessing: the receiver knows where the file ends")
	s.Say("before it starts, and the SHA-256 in the header proves it got it all.")
	return nil
}

// The end marker as commonly taught: send the file, sleep 0.1 s "so that
// the marker arrives on its own", send "##"; the receiver reads 1 KB at
// a time until a read returns "##".
const (
	marker      = "##"
	markerSleep = 100 * time.Millisecond
)

// markerRound sends content the marker way over a fresh loopback
// connection and receives it with end.
func markerRound(ctx context.Context, s *lesson.Stage, content []byte, buffered bool, wait time.Duration,
	end func([]byte) ([]byte, bool)) ([]byte, bool, time.Duration, error) {
	client, server, err := tcpPair(s.Limit(safety))
	if err != nil {
		return nil, false, 0, err
	}
	defer client.Close()
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		var w io.Writer = client
		if buffered {
			w = bufio.NewWriter(client)
		}
		markerSend(ctx, s, client, w, content)
	}()
	begin := time.Now()
	got, ended := markerReceive(server, wait, end)
	took := time.Since(begin)
	server.Close() // the sender waiting for OK gives up
	<-sent
	return got, ended, took, ctx.Err()
}

// markerSend sends content the marker way, through w (the connection
// itself, or a buffered writer over it), then waits for the receiver's OK.
func markerSend(ctx context.Context, s *lesson.Stage, conn net.Conn, w io.Writer, content []byte) {
	w.Write(content)
	s.Sleep(ctx, markerSleep) // hoping the network keeps the two apart
	w.Write([]byte(marker))
	if bw, ok := w.(*bufio.Writer); ok {
		bw.Flush() // a buffered writer sends when it is full or flushed
	}
	io.ReadFull(conn, make([]byte, 2)) // "OK", or the receiver hanging up
}

// markerReceive reads 1 KB at a time until end says a read ended the
// file, keeping what keep returns of each read. It gives up after wait
// without a read. It returns the file and whether it saw the end.
func markerReceive(conn net.Conn, wait time.Duration, end func(data []byte) (keep []byte, done bool)) ([]byte, bool) {
	var file []byte
	buf := make([]byte, 1024)
	for {
		conn.SetReadDeadline(time.Now().Add(wait))
		n, err := conn.Read(buf)
		if err != nil {
			return file, false
		}
		keep, done := end(buf[:n])
		file = append(file, keep...)
		if done {
			conn.Write([]byte("OK"))
			return file, true
		}
	}
}

// readIsMarker is the usual test: this read is the marker, alone.
func readIsMarker(data []byte) ([]byte, bool) {
	if string(data) == marker {
		return nil, true
	}
	return data, false
}

// readHasMarker is the usual patch when the marker came glued to the
// data: look for it anywhere in the read.
func readHasMarker(data []byte) ([]byte, bool) {
	if i := bytes.Index(data, []byte(marker)); i >= 0 {
		return data[:i], true
	}
	return data, false
}

// framedRound sends content as a PUT would (header with size and sum,
// then the body) and reads it back the same way.
func framedRound(s *lesson.Stage, content []byte) (bool, error) {
	client, server, err := tcpPair(s.Limit(safety))
	if err != nil {
		return false, err
	}
	defer client.Close()
	defer server.Close()
	sent := make(chan error, 1)
	go func() {
		err := writeHeader(client, header{Op: "PUT", Name: "f", Size: int64(len(content)), SHA256: sumOf(content)})
		if err == nil {
			_, err = client.Write(content)
		}
		sent <- err
	}()
	h, err := readHeader(server)
	if err != nil {
		return false, err
	}
	var got bytes.Buffer
	err = copyBody(&got, server, h.Size, h.SHA256)
	return err == nil && bytes.Equal(got.Bytes(), content), errors.Join(err, <-sent)
}
