package httpserver

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/conclab/conclab/lessons/lesson"
)

// fileServer serves the static folder with http.FileServerFS over an
// os.Root, and asks it for paths that try to leave: "..", an encoded
// "..", a symbolic link that points outside.
func fileServer(ctx context.Context, s *lesson.Stage) error {
	st, err := makeSite()
	if err != nil {
		return err
	}
	defer st.remove()
	// A link inside the folder that points outside it: os.Root refuses to
	// follow it, wherever it appears in a path.
	if err := os.Symlink(filepath.Join(st.dir, "secret.txt"), filepath.Join(st.static, "link.txt")); err != nil {
		s.Warn("no symbolic links here (%v): that request is skipped", err)
	}
	root, err := os.OpenRoot(st.static)
	if err != nil {
		return err
	}
	defer root.Close()

	s.Heading("http.FileServerFS(root.FS()): the static folder, and nothing else")
	base, stop, err := serve(&http.Server{Handler: http.FileServerFS(root.FS()), ReadHeaderTimeout: safety})
	if err != nil {
		return err
	}
	defer stop()
	client := newClient(s.Limit(safety))
	defer closeClient(client)

	served, refused, leaked := 0, 0, 0
	for _, path := range []string{"/", "/hello.txt", "/missing.html", "/../secret.txt", "/%2e%2e/secret.txt", "/link.txt"} {
		code, body, err := rawGet(strings.TrimPrefix(base, "http://"), path)
		if err != nil {
			return err
		}
		s.Say("  GET %-20s %d %s", path, code, http.StatusText(code))
		switch {
		case strings.Contains(body, "swordfish"):
			leaked++
		case code == http.StatusOK:
			served++
		default:
			refused++
		}
	}
	// The Go client, for once: it cleans nothing either, but it reads
	// the file server's headers for us.
	resp, err := client.Get(base + "/hello.txt")
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	s.Say("  hello.txt: Content-Type %q, Last-Modified set: %v, Accept-Ranges %q",
		resp.Header.Get("Content-Type"), resp.Header.Get("Last-Modified") != "", resp.Header.Get("Accept-Ranges"))
	s.Finding("served", float64(served), "files from the folder")
	s.Finding("refused", float64(refused), "requests for missing files or outside the folder")
	s.Finding("leaked", float64(leaked), "responses with the secret")
	s.Say("FileServerFS adds what the hand-written server lacked: content types,")
	s.Say("Last-Modified and If-Modified-Since, ranges, index.html for folders.")
	return ctx.Err()
}
