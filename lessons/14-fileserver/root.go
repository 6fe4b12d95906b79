package fileserver

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/conclab/conclab/lessons/lesson"
)

// rootDemo tries names that walk out of the served folder, with a naive
// filepath.Join and with os.Root, then through the server.
// rootDemo puts a secret next to the served folder and links out of
// it, then reads "../secret.txt" and the links through filepath.Join,
// through os.Root, and through the file server, which uses os.Root.
func rootDemo(ctx context.Context, s *lesson.Stage) error {
	top, err := os.MkdirTemp("", "conclab-root-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(top)
	served := filepath.Join(top, "served")
	secret := filepath.Join(top, "secret.txt") // next to the folder, not in it
	if err := os.MkdirAll(filepath.Join(served, "sub"), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(secret, []byte("the password"), 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(served, "hello.txt"), []byte("hello"), 0o644); err != nil {
		return err
	}
	escapes := []string{"../secret.txt", "sub/../../secret.txt"}
	// Symbolic links inside the folder that point out of it. Windows may
	// refuse to make them without privileges: then the demo goes without.
	if err := os.Symlink("../secret.txt", filepath.Join(served, "link")); err == nil {
		escapes = append(escapes, "link")
	} else {
		s.Warn("no symbolic links here (%v): the demo leaves them out", err)
	}
	if err := os.Symlink(secret, filepath.Join(served, "sub", "abs-link")); err == nil {
		escapes = append(escapes, "sub/abs-link")
	}

	lane := s.Lane("naive")
	s.Heading("Naive: os.Open(filepath.Join(folder, name))")
	naive := 0
	for _, name := range escapes {
		data, err := os.ReadFile(filepath.Join(served, name))
		if err == nil {
			naive++
			lane.Printf("%-22s read %q: OUT of the folder", name, data)
		} else {
			lane.Printf("%-22s %v", name, err)
		}
	}
	s.Finding("naive-escapes", float64(naive), fmt.Sprintf("of %d names", len(escapes)))
	if err := s.Pause(ctx, "the same names through os.Root"); err != nil {
		return err
	}

	lane = s.Lane("os.Root")
	s.Heading("os.OpenRoot(folder), then root.Open(name)")
	root, err := os.OpenRoot(served)
	if err != nil {
		return err
	}
	defer root.Close()
	escaped := 0
	for _, name := range escapes {
		f, err := root.Open(name)
		if err == nil {
			escaped++
			f.Close()
			lane.Printf("%-22s opened: OUT of the folder", name)
		} else {
			lane.Printf("%-22s refused: %v", name, err)
		}
	}
	f, err := root.Open("hello.txt")
	if err != nil {
		return fmt.Errorf("os.Root refused a file inside the folder: %w", err)
	}
	f.Close()
	lane.Printf("%-22s opened: inside, as it should", "hello.txt")
	s.Finding("root-escapes", float64(escaped), fmt.Sprintf("of %d names", len(escapes)))

	s.Heading("The same names sent to the file server")
	srv, err := serve(s, served, demoKey)
	if err != nil {
		return err
	}
	defer srv.close()
	c, err := dial(srv.addr(), demoKey, s.Limit(safety))
	if err != nil {
		return err
	}
	defer c.close()
	client := s.Lane("client")
	refused := 0
	for _, name := range escapes {
		_, err := c.get(name)
		client.Printf("GET %-18s -> %v", name, err)
		if err != nil && err.Error() == errBadName {
			refused++
		}
	}
	err = c.put("../planted.txt", []byte("x"))
	client.Printf("PUT %-18s -> %v", "../planted.txt", err)
	if err != nil && err.Error() == errBadName {
		refused++
	}
	_, statErr := os.Stat(filepath.Join(top, "planted.txt"))
	s.Finding("server-refused", float64(refused), fmt.Sprintf("of %d requests", len(escapes)+1))
	s.Finding("planted-outside", boolFinding(statErr == nil), "")
	s.Say("os.Root (Go 1.24) resolves every name inside its folder, symbolic")
	s.Say("links included, and fails rather than leave it.")
	return nil
}
