package exercises

import "time"

var fileserver = Exercise{
	Number: 12,
	Slug:   "fileserver",
	Title:  "A file server for many clients",
	Lesson: "fileserver",
	Files:  []string{"fileserver.go"},
	// The given half of fileserver.go needs the crypto, encoding, os and
	// io/fs packages; the learner's half needs net, sync and time.
	Imports: []string{"bufio", "bytes", "context", "crypto/hmac", "crypto/rand", "crypto/sha256", "crypto/subtle",
		"encoding/binary", "encoding/hex", "encoding/json", "errors", "fmt", "io", "io/fs", "maps", "net", "os",
		"path", "slices", "strings", "sync", "sync/atomic", "time"},
	Hints: [3]string{
		"Serve is an accept loop: for each connection, a goroutine of its own, so that no client waits for another. That goroutine sends the challenge, checks the answer, then reads headers in a loop and hands LIST, GET and PUT to the given List, Get and Put. Close must be able to find every connection and wait for every goroutine: what does the server need to remember?",
		"Keep the listener, a map of open connections and a closed flag under one mutex, and a WaitGroup that counts the connection goroutines (Add before the go statement, with the lock held, so that Close cannot miss one). Close sets closed, closes the listener and every connection, unlocks, then waits. Serve's Accept fails once the listener is closed: return nil when closed is set. The check is hmac.Equal(got, MAC(s.key, nonce)), where got is the hex-decoded AUTH answer.",
		`The authentication, at the start of each connection's goroutine:

	nonce := NewNonce()
	challenge := hex.EncodeToString(nonce)
	WriteHeader(conn, Header{Op: "CHALLENGE", Nonce: challenge})
	answer, err := ReadHeader(conn)
	if err != nil {
		return
	}
	got, err := hex.DecodeString(answer.MAC)
	right := err == nil && hmac.Equal(got, MAC(s.key, nonce))
	if answer.Op != "AUTH" || !right {
		Refuse(conn, ErrAuth)
		return // the goroutine's defer closes conn
	}
	WriteHeader(conn, Header{Op: "OK"})

Then loop: set a deadline, ReadHeader, switch on Op (QUIT: reply OK and
return), and return when an operation reports an error.`,
	},
	// Six tests; the 20-client test moves about 140 MB over loopback, and
	// each bounded wait of a stuck server takes at most 5 s.
	Timeout: 90 * time.Second,
}
