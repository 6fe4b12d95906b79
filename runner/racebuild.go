package runner

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
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
	fmt.Fprintln(app.Stderr, app.Theme.Dim("building a -race copy of conclab (cached after the first time)..."))
	begin := time.Now()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-race", "-o", out, ".")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("building the -race copy of conclab failed: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	fmt.Fprintln(app.Stderr, app.Theme.Dim(fmt.Sprintf("built in %.1fs: %s", time.Since(begin).Seconds(), out)))
	return out, nil
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

func isConclabRoot(dir string) bool {
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return false
	}
	first, _, _ := strings.Cut(string(data), "\n")
	return strings.TrimSpace(first) == "module "+modulePath
}
