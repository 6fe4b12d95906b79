package mutex

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// copiedLock is the program go vet reads: Total has a value receiver, so
// every call copies the Stats, mutex included, and locks the copy.
const copiedLock = `package stats

import "sync"

type Stats struct {
	mu   sync.Mutex
	hits map[string]int
}

// Total locks a copy of s.mu: it excludes nobody.
func (s Stats) Total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, h := range s.hits {
		n += h
	}
	return n
}

func Snapshot(s *Stats) Stats {
	return *s // copies the mutex too, possibly while someone holds it
}
`

// vetTimeout bounds go vet, which compiles the package first.
const vetTimeout = 2 * time.Minute

// vetCopyLocks writes copiedLock to a scratch module and runs go vet on it.
func vetCopyLocks(ctx context.Context, s *lesson.Stage) error {
	s.Say("A method with a value receiver gets a copy of the struct, and of the mutex in it:")
	s.Say("locking the copy protects nothing. The compiler accepts it; go vet does not.")
	_, _ = s.Write([]byte(indent(copiedLock)))
	goCmd, err := exec.LookPath("go")
	if err != nil {
		s.Warn("The go command is not on PATH, so go vet cannot run here.")
		s.Say("Run `go vet ./...` in a project with this code: its copylocks check reports both copies.")
		s.Finding("vet-reports", -1, "copylocks reports (go not found)")
		return nil
	}
	if err := s.Pause(ctx, "what does go vet say?"); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "conclab-vet-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	files := map[string]string{"go.mod": "module example.com/stats\n\ngo 1.22\n", "stats.go": copiedLock}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			return err
		}
	}
	vctx, cancel := context.WithTimeout(ctx, s.Limit(vetTimeout))
	defer cancel()
	cmd := exec.CommandContext(vctx, goCmd, "vet", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local")
	out, err := cmd.CombinedOutput()
	if vctx.Err() != nil {
		return errors.New("go vet did not finish within " + s.Limit(vetTimeout).String())
	}
	s.Heading("$ go vet .")
	reports := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		s.Say("  %s", line)
		if strings.Contains(line, "lock") && (strings.Contains(line, "copies") || strings.Contains(line, "by value")) {
			reports++
		}
	}
	s.Finding("vet-reports", float64(reports), "copylocks reports")
	if reports == 0 {
		return errors.New("go vet reported no copied lock: " + errString(err))
	}
	s.Say("The fix: a pointer receiver, func (s *Stats) Total(), and pass *Stats around.")
	return nil
}

func indent(text string) string {
	return "    " + strings.ReplaceAll(strings.TrimRight(text, "\n"), "\n", "\n    ") + "\n"
}

func errString(err error) string {
	if err == nil {
		return "it exited 0"
	}
	return err.Error()
}
