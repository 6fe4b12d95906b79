package runner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

// modulePath is conclab's module path, used to recognise its source tree.
const modulePath = "github.com/conclab/conclab"

// raceBinary builds (or reuses) a copy of conclab compiled with -race and
// returns its path. The go command's build cache makes every build after
// the first a matter of a link, and go build leaves an up-to-date binary
// alone.
func raceBinary(ctx context.Context, app *App) (string, error) {
	root, ok := sourceRoot()
	if !ok {
		return "", errNoSource
	}
	if _, err := exec.LookPath("go"); err != nil {
		return "", fmt.Errorf("--race needs the Go toolchain on PATH to build a -race copy of conclab: %w", err)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	out := filepath.Join(cache, "conclab", "conclab-race")
	if runtime.GOOS == "windows" {
		out += ".exe" // Windows runs only files with an executable extension
	}
	what := "building a -race copy of conclab (cached after the first time)..."
	stopProgress := buildProgress(app, what)
	begin := time.Now()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-race", "-o", out, ".")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	stopProgress()
	if err != nil {
		if errors.Is(ctx.Err(), context.Canceled) {
			return "", context.Canceled
		}
		return "", fmt.Errorf("building the -race copy of conclab failed: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	built := fmt.Sprintf("built in %.1fs:", time.Since(begin).Seconds())
	sep := " "
	if len([]rune(built+sep+out)) > usable(app.Width) {
		sep = "\n  " // the path whole, on a line of its own
	}
	fmt.Fprintln(app.Stderr, app.Theme.Dim(built+sep+out))
	return out, nil
}

// buildProgress says that the -race copy is being built. On a terminal
// the line counts the seconds in place ("building a -race copy of
// conclab... 12s"), so that a first build, a minute or more, is seen to
// be alive; the returned func erases it. Elsewhere (a pipe, a log) the
// line is printed once.
func buildProgress(app *App, what string) func() {
	f, ok := app.Stderr.(*os.File)
	return countSeconds(app, ok && term.IsTerminal(int(f.Fd())), what)
}

// countSeconds is buildProgress on a terminal (tty) or not.
func countSeconds(app *App, tty bool, what string) func() {
	if !tty {
		fmt.Fprintln(app.Stderr, app.Theme.Dim(what))
		return func() {}
	}
	begin := time.Now()
	line := func() string {
		s := fmt.Sprintf("%s %ds", what, int(time.Since(begin).Seconds()))
		if r := []rune(s); len(r) > usable(app.Width) {
			s = string(r[:usable(app.Width)]) // never wrap: \r returns to the start of this line only
		}
		return s
	}
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			fmt.Fprintf(app.Stderr, "\r\x1b[K%s", app.Theme.Dim(line()))
			select {
			case <-done:
				fmt.Fprint(app.Stderr, "\r\x1b[K")
				return
			case <-t.C:
			}
		}
	}()
	return sync.OnceFunc(func() { close(done); <-stopped })
}

// sourceRoot finds conclab's source tree: the working directory or one of
// its parents, or else the tree this binary was compiled from.
func sourceRoot() (string, bool) {
	if wd, err := os.Getwd(); err == nil {
		for dir := wd; ; dir = filepath.Dir(dir) {
			if isConclabRoot(dir) {
				return dir, true
			}
			if filepath.Dir(dir) == dir {
				break
			}
		}
	}
	if _, file, _, ok := runtime.Caller(0); ok {
		dir := filepath.Dir(filepath.Dir(file)) // runner/.. is the root
		if isConclabRoot(dir) {
			return dir, true
		}
	}
	return "", false
}

// isConclabRoot reports whether dir is conclab's source tree. A learner's
// workspace has the same module path (its exercises are conclab's
// packages) but no conclab to build: its marker and the missing main.go
// tell it apart.
func isConclabRoot(dir string) bool {
	if _, err := os.Stat(filepath.Join(dir, workspaceMarker)); err == nil {
		return false
	}
	if _, err := os.Stat(filepath.Join(dir, "main.go")); err != nil {
		return false
	}
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return false
	}
	first, _, _ := strings.Cut(string(data), "\n")
	return strings.TrimSpace(first) == "module "+modulePath
}
