package fileserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/conclab/conclab/lessons/lesson"
)

// transfer starts the file server (serve, in server.go: a goroutine per
// client) and eight clients in goroutines of their own. Two WaitGroups
// are barriers: every client is connected before any PUTs, and every
// file is stored before any GETs, so all eight are served at once.
func transfer(ctx context.Context, s *lesson.Stage) error {
	dir, err := os.MkdirTemp("", "conclab-fileserver-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	srv, err := serve(s, dir, demoKey)
	if err != nil {
		return err
	}
	defer srv.close()
	n := len(sizes)
	s.Say("A server on %s, serving an empty folder; %d clients at once.", srv.addr(), n)

	// Every client connects and authenticates, then waits for the others
	// (a barrier), so that all of them are connected at the same time.
	var connected, stored sync.WaitGroup
	connected.Add(n)
	stored.Add(n)
	verified := make([]int, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			verified[i], errs[i] = oneClient(s, srv.addr(), i, &connected, &stored)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	total := 0
	for _, v := range verified {
		total += v
	}
	s.Finding("clients", float64(n), "at once")
	s.Finding("peak-connections", float64(srv.peakClients()), "served at the same time")
	s.Finding("transfers-verified", float64(total), fmt.Sprintf("of %d (byte-identical, SHA-256 checked)", 2*n))
	if err := s.Pause(ctx, "what does the server say to a GET of a missing file, a PUT of an existing one?"); err != nil {
		return err
	}

	s.Heading("The replies a client can count on")
	c, err := dial(srv.addr(), demoKey, s.Limit(safety))
	if err != nil {
		return err
	}
	defer c.close()
	lane := s.Lane("client")
	names, err := c.list()
	if err != nil {
		return err
	}
	lane.Printf("LIST -> %d files: %v", len(names), names)
	s.Finding("listed", float64(len(names)), "files")
	_, err = c.get("missing.txt")
	lane.Printf("GET missing.txt -> %v", err)
	s.Finding("not-exist-reply", boolFinding(err != nil && err.Error() == errNotExist), "")
	err = c.put("file-1.dat", []byte("again"))
	lane.Printf("PUT file-1.dat -> %v", err)
	s.Finding("exists-reply", boolFinding(err != nil && err.Error() == errExist), "")
	if err := c.quit(); err != nil {
		return err
	}
	lane.Printf("QUIT -> OK")
	s.Say("Every message says how long it is; the body is read with io.CopyN")
	s.Say("and checked against the SHA-256 its header announced.")
	return nil
}

// oneClient connects as client i, waits for all to be connected, puts
// its file, waits for all to be stored, gets its neighbour's file and
// compares it; it returns how many of its two transfers were exact.
func oneClient(s *lesson.Stage, addr string, i int, connected, stored *sync.WaitGroup) (int, error) {
	lane := s.Lane(fmt.Sprintf("client %d", i))
	c, err := dial(addr, demoKey, s.Limit(safety))
	connected.Done()
	if err != nil {
		stored.Done()
		return 0, err
	}
	defer c.close()
	connected.Wait()
	mine := fmt.Sprintf("file-%d.dat", i)
	data := content(i)
	err = c.put(mine, data)
	stored.Done()
	if err != nil {
		return 0, fmt.Errorf("client %d: PUT %s: %w", i, mine, err)
	}
	ok := 1 // the server checked the sum before it said OK
	lane.Printf("PUT %s: %s bytes", mine, lesson.Number(float64(len(data))))
	stored.Wait()
	j := (i + 1) % len(sizes)
	theirs := fmt.Sprintf("file-%d.dat", j)
	got, err := c.get(theirs)
	if err != nil {
		return ok, fmt.Errorf("client %d: GET %s: %w", i, theirs, err)
	}
	if bytes.Equal(got, content(j)) {
		ok++
		lane.Printf("GET %s: %s bytes, identical", theirs, lesson.Number(float64(len(got))))
	}
	return ok, c.quit()
}

// sizes are the files the transfer demo's clients put: empty, one byte, a
// line with "##" inside (30 marks it), and bigger ones that take many
// reads.
var sizes = []int{0, 1, 30, 4 << 10, 64 << 10, 256 << 10, 1 << 20, 3 << 20}

// content is the file client i puts: bytes that differ from file to file
// and from position to position, so that a lost or shifted byte shows.
func content(i int) []byte {
	if sizes[i] == 30 {
		return []byte("total ## of the bill: 42 ##\n") // an end marker would cut it
	}
	b := make([]byte, sizes[i])
	for j := range b {
		b[j] = byte(i*31 + j*7 + j/251)
	}
	return b
}
