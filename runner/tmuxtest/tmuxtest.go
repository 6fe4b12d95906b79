// Package tmuxtest drives a program in a real terminal for end-to-end
// tests: tmux runs it in a pseudo-terminal of a chosen size, send-keys
// types, capture-pane reads the screen.
//
// Each session has its own tmux server (its own socket), so tests never
// touch a user's tmux and can run side by side.
package tmuxtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// Session is one program running in a tmux pane.
type Session struct {
	t      testing.TB
	socket string
}

// Start runs argv in a new terminal of width x height, with env added to
// its environment. When the program ends, the pane prints
// "[exited N]" and the terminal's line discipline ("icanon" when the
// program restored the terminal, "-icanon" when it left it raw), so tests
// can check both. The session is killed when the test ends.
//
// Start skips the test when tmux is not installed (make test installs it).
func Start(t testing.TB, width, height int, env []string, argv ...string) *Session {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (make test installs it): the terminal test cannot run")
	}
	// A socket path must stay under about 100 bytes: t.TempDir's, named
	// after the test, can be longer.
	dir, err := os.MkdirTemp("", "tmx")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	s := &Session{t: t, socket: filepath.Join(dir, "sock")}
	quoted := make([]string, len(argv))
	for i, a := range argv {
		quoted[i] = shellQuote(a)
	}
	envs := make([]string, len(env))
	for i, e := range env {
		envs[i] = shellQuote(e)
	}
	// The shell traps (not ignores) SIGINT so that Ctrl-C reaches the
	// program as it would from an interactive shell, while the shell
	// itself survives to report how the program ended. A trapped signal
	// is reset to its default in the program, unlike an ignored one.
	script := fmt.Sprintf("trap : INT; env %s %s; echo \"[exited $?]\"; stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e -icanon; sleep 600",
		strings.Join(envs, " "), strings.Join(quoted, " "))
	s.tmux("new-session", "-d", "-x", fmt.Sprint(width), "-y", fmt.Sprint(height), "-s", "t",
		"-e", "TERM=xterm-256color", "sh", "-c", script)
	t.Cleanup(func() { _ = exec.Command("tmux", "-S", s.socket, "kill-server").Run() })
	return s
}

func (s *Session) tmux(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", s.socket, "-f", "/dev/null"}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// Keys sends tmux key names: "Down", "Enter", "C-c", "q", "Space".
func (s *Session) Keys(keys ...string) {
	s.t.Helper()
	s.tmux(append([]string{"send-keys", "-t", "t"}, keys...)...)
}

// Type sends text literally.
func (s *Session) Type(text string) {
	s.t.Helper()
	s.tmux("send-keys", "-t", "t", "-l", text)
}

// Resize changes the terminal to width x height, as a user dragging the
// window's corner would: the program gets SIGWINCH.
func (s *Session) Resize(width, height int) {
	s.t.Helper()
	s.tmux("resize-window", "-t", "t", "-x", fmt.Sprint(width), "-y", fmt.Sprint(height))
}

// Screen returns what the terminal shows now.
func (s *Session) Screen() string {
	s.t.Helper()
	return s.tmux("capture-pane", "-p", "-t", "t", "-S", "-200")
}

// Joined returns the screen like Screen, but with each line the program
// wrote whole where the terminal wrapped it (capture-pane -J): a line
// wider than the terminal is one the program did not fit to it. Trailing
// spaces are kept.
func (s *Session) Joined() string {
	s.t.Helper()
	return s.tmux("capture-pane", "-p", "-J", "-t", "t", "-S", "-200")
}

// Styled returns the screen with the escape sequences of its colours and
// styles (capture-pane -e): plain text when the program wrote none.
func (s *Session) Styled() string {
	s.t.Helper()
	return s.tmux("capture-pane", "-p", "-e", "-t", "t", "-S", "-200")
}

// WaitFor waits until the screen matches pattern and returns the screen;
// after timeout it fails the test, showing the screen.
func (s *Session) WaitFor(pattern string, timeout time.Duration) string {
	s.t.Helper()
	re := regexp.MustCompile(pattern)
	deadline := time.Now().Add(timeout)
	for {
		screen := s.Screen()
		if re.MatchString(screen) {
			return screen
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the screen did not show %q within %v; it shows:\n%s", pattern, timeout, screen)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Clear empties the pane's history so the next WaitFor sees only new
// output.
func (s *Session) Clear() {
	s.t.Helper()
	s.tmux("clear-history", "-t", "t")
}

var build struct {
	once sync.Once
	path string
	err  error
}

// Conclab returns a conclab binary built without -race, once per test
// process (the build cache makes it quick after the first time).
//
// Why not the test binary itself: under go test -race, promptui v0.9.0
// races inside Select.Run (its line reader's goroutine writes the screen
// buffer that Run then resets: manifoldco/promptui#148, unfixed), so a
// race-built menu exits 66 with a report that is not ours.
func Conclab(t testing.TB) string {
	t.Helper()
	build.once.Do(func() {
		dir, err := os.MkdirTemp("", "conclab-bin")
		if err != nil {
			build.err = err
			return
		}
		build.path = filepath.Join(dir, "conclab")
		out, err := exec.Command("go", "build", "-o", build.path, "github.com/conclab/conclab").CombinedOutput()
		if err != nil {
			build.err = fmt.Errorf("go build: %v: %s", err, out)
		}
	})
	if build.err != nil {
		t.Fatalf("building conclab for the terminal test: %v", build.err)
	}
	return build.path
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
