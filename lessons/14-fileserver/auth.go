package fileserver

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"io"
	"os"

	"github.com/conclab/conclab/lessons/lesson"
)

// auth lets clients answer the server's challenge: with the shared key,
// with a wrong one, and by replaying an answer recorded on another
// connection. Then a common broken version: md5 of key and nonce, each
// side written with its own key, and a comparison that stops at the
// first wrong byte.
func auth(ctx context.Context, s *lesson.Stage) error {
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
	lane := s.Lane("client")
	limit := s.Limit(safety)

	s.Heading("Challenge and response: HMAC-SHA256 of 32 random bytes")
	c, err := dial(srv.addr(), demoKey, limit)
	if err != nil {
		return errors.New("the client with the right key was refused: " + err.Error())
	}
	lane.Printf("right key: accepted")
	c.close()
	s.Finding("right-key-accepted", 1, "")

	c, err = dial(srv.addr(), []byte("a guess"), limit)
	if err == nil {
		c.close()
		return errors.New("a client with the wrong key was let in")
	}
	lane.Printf("wrong key: %v", err)
	s.Finding("wrong-key-refused", boolFinding(err.Error() == errAuth), "")

	// What an eavesdropper can do: replay an answer it saw. The server's
	// challenge is new on every connection, so yesterday's answer is wrong.
	s.Heading("Replaying an answer overheard on another connection")
	first, second, err := rawConns(srv.addr(), limit)
	if err != nil {
		return err
	}
	defer first.Close()
	defer second.Close()
	seen, err := readHeader(first)
	if err != nil {
		return err
	}
	nonce, _ := hex.DecodeString(seen.Nonce)
	overheard := mac(demoKey, nonce) // right for the first connection
	if _, err := readHeader(second); err != nil {
		return err
	}
	writeHeader(second, header{Op: "AUTH", MAC: hex.EncodeToString(overheard)})
	verdict, err := readHeader(second)
	lane.Printf("replayed answer: %s %s", verdict.Op, verdict.Error)
	s.Finding("replay-refused", boolFinding(err == nil && verdict.Error == errAuth), "")
	_, err = readHeader(second) // the server hung up after refusing
	closed := errors.Is(err, io.EOF)
	lane.Printf("and then: %v (the server hung up)", err)
	s.Finding("closed-after-refusal", boolFinding(closed), "")

	if err := s.Pause(ctx, "now the version often taught: md5, two keys, =="); err != nil {
		return err
	}
	s.Heading("A common broken version")
	// Each side hashes key+nonce with md5, but the two sides were written
	// with different keys: the right client can never get in.
	nonce = bytes.Repeat([]byte{7}, 32)
	clientSays := md5.Sum(append([]byte("secret key"), nonce...))
	serverWants := md5.Sum(append([]byte("Secret key"), nonce...))
	accepted := clientSays == serverWants
	lane.Printf("md5 with the client's key and with the server's: equal = %v", accepted)
	s.Finding("broken-right-client-accepted", boolFinding(accepted), "")
	s.Say("It always fails, so nobody notices that md5(key + message) is not a")
	s.Say("MAC (length extension), nor the comparison below. HMAC is the MAC.")

	s.Heading("Comparing secrets: == stops at the first difference")
	want := mac(demoKey, nonce)
	wrongFirst, wrongLast := bytes.Clone(want), bytes.Clone(want)
	wrongFirst[0] ^= 1
	wrongLast[len(wrongLast)-1] ^= 1
	early1, early2 := earlyExitWork(want, wrongFirst), earlyExitWork(want, wrongLast)
	lane.Printf("early-exit compare: wrong first byte -> looked at %d bytes; wrong last byte -> %d", early1, early2)
	lane.Printf("hmac.Equal: %v, %v: looks at all %d bytes either way", hmac.Equal(want, wrongFirst), hmac.Equal(want, wrongLast), len(want))
	s.Finding("early-exit-bytes-wrong-first", float64(early1), "bytes")
	s.Finding("early-exit-bytes-wrong-last", float64(early2), "bytes")
	s.Say("Time grows with the matching prefix, so an attacker who can time the")
	s.Say("server guesses a valid MAC a byte at a time. hmac.Equal takes the same")
	s.Say("time whatever the bytes: use it (or crypto/subtle) for every secret.")
	return nil
}

// earlyExitWork compares a and b as == and bytes.Equal may, byte by byte,
// stopping at the first difference, and returns how many bytes it looked
// at: the work, hence the time, an attacker can measure.
func earlyExitWork(a, b []byte) int {
	for i := range a {
		if a[i] != b[i] {
			return i + 1
		}
	}
	return len(a)
}
