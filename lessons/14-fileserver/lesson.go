// Package fileserver is lesson 14: the file-server homework done right. A
// TCP server with a framed protocol (a length-prefixed JSON header, then
// the body), LIST, GET, PUT and QUIT for many clients at once; clients
// proven by an HMAC challenge and response; every name kept inside the
// folder by os.Root; every transfer checked by SHA-256; the "##" end
// marker shown breaking; and a chat over UDP.
package fileserver

import (
	_ "embed"

	"github.com/conclab/conclab/lessons/lesson"
)

//go:embed lesson.md
var text string

// Lesson is lesson 14.
var Lesson = lesson.Lesson{
	Number:  14,
	Slug:    "fileserver",
	Title:   "A file server",
	Summary: "a framed TCP protocol (LIST, GET, PUT, QUIT) for many clients, HMAC challenge and response, os.Root, SHA-256, why an end marker breaks, a UDP chat",
	Text:    text,
	Demos: []lesson.Demo{
		{
			Name:  "transfer",
			Title: "Eight clients at once, every byte checked",
			Claim: "eight clients connected at the same time each PUT a file (0 B to 3 MB, one holding \"##\") and GET another's, byte-identical and SHA-256 checked; a missing file and a taken name get their replies",
			Run:   transfer,
		},
		{
			Name:    "auth",
			Title:   "HMAC challenge and response, and a broken version",
			Claim:   "the server lets in the client that answers its random challenge with the HMAC under the shared key, refuses and hangs up on a wrong key or a replayed answer; md5 with two different keys refuses everybody, and == leaks how much of a guess was right",
			Run:     auth,
			Predict: "an eavesdropper records a client's correct answer and sends it on a new connection. Is it let in?",
			Answer:  "no: the challenge is 32 fresh random bytes on every connection, so an old answer is wrong for the new one",
		},
		{
			Name:    "root",
			Title:   "os.Root: no name leaves the folder",
			Claim:   "\"../secret.txt\" and symbolic links out of the folder read a file outside it through filepath.Join; os.Root refuses every one, and so does the server built on it",
			Run:     rootDemo,
			Predict: `the server joins the folder and the requested name: filepath.Join("served", "../secret.txt"). What does GET "../secret.txt" return?`,
			Answer:  "the secret: Join cleans the path to secret.txt, next to the folder. os.Root refuses it, and links that point out",
		},
		{
			Name:    "end-marker",
			Title:   `Why "##" after a 0.1 s sleep is not an end of file`,
			Claim:   `a buffered sender glues "##" to the data, so a receiver that waits for a read equal to "##" never sees it; looking for "##" anywhere cuts a file that holds it; a size in a header gets every file intact`,
			Run:     endMarker,
			Predict: `the sender writes the file, sleeps 0.1 s, writes "##". Can the receiver's read return the file and "##" together?`,
			Answer:  "yes: a sleep orders nothing. A buffered writer, Nagle's algorithm or a busy receiver glue them together",
		},
		{
			Name:  "udp-chat",
			Title: "A chat over UDP: L, C, Q",
			Claim: "one UDP socket and one goroutine serve a chat: unique names (NAME TAKEN), joins and leaves told to the others, a message to everybody but its sender, EXIT to whoever quits, nobody speaking for somebody else",
			Run:   udpChatDemo,
		},
	},
	Exercises: []string{"fileserver"},
}
