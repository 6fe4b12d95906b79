package testcode

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// The stage plumbing the demos share: running the go command on a
// scratch module, showing some of its output, a finding from a bool.
// Each demo's story is in its own file.

// toolTimeout bounds one go command (go test builds the test binary first).
const toolTimeout = 3 * time.Minute

// errNoGo says that a demo needs the Go toolchain, which is not on PATH.
var errNoGo = errors.New("the go command is not on PATH")

// goTool writes files (name to text) into a scratch module and runs the
// go command there with args, and env added. It returns what the command
// printed and how it exited; err is for a command that could not run or
// outlived its time limit.
func goTool(ctx context.Context, s *lesson.Stage, files map[string]string, env []string, args ...string) (out string, exitCode int, err error) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return "", 0, errNoGo
	}
	dir, err := os.MkdirTemp("", "conclab-testing-*")
	if err != nil {
		return "", 0, err
	}
	defer os.RemoveAll(dir)
	files["go.mod"] = "module example.com/demo\n\ngo 1.26\n"
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			return "", 0, err
		}
	}
	tctx, cancel := context.WithTimeout(ctx, s.Limit(toolTimeout))
	defer cancel()
	cmd := exec.CommandContext(tctx, goCmd, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local")
	cmd.Env = append(cmd.Env, env...)
	b, err := cmd.CombinedOutput()
	if tctx.Err() != nil {
		return string(b), 0, fmt.Errorf("go %s did not finish within %v", strings.Join(args, " "), s.Limit(toolTimeout))
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return string(b), exit.ExitCode(), nil
	}
	return string(b), 0, err
}

// show prints a command and the lines of its output that match keep (all
// if keep is nil), indented, at most max of them.
func show(s *lesson.Stage, command, out string, keep func(string) bool, max int) {
	s.Say("$ %s", command)
	n := 0
	for _, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if keep != nil && !keep(line) {
			continue
		}
		if n++; n > max {
			s.Say("    ...")
			return
		}
		s.Say("    %s", line)
	}
}

// noGo tells the learner what the demo would have run.
func noGo(s *lesson.Stage, what string) error {
	s.Warn("The go command is not on PATH, so this demo cannot run %s here.", what)
	return nil
}

// b2f is a yes/no finding: 1 or 0.
func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
