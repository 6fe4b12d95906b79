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
	// Six tests; the 20-client test moves about 140 MB over loopback, and
	// each bounded wait of a stuck server takes at most 5 s.
	Timeout: 90 * time.Second,
	// Serve against Close: TestCloseAsAClientArrives and
	// TestCloseTwiceAtOnce run in a synctest bubble over an in-memory
	// listener, where a gap after each unlock catches a split check.
	Gaps: true,
}
