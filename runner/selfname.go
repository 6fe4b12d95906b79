package runner

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// selfCommand is how the user can run this program again, for messages
// that name a command ("conclab hint counter"): "conclab" when that name
// on PATH is this binary; under `go run` (a binary in go's temporary
// build folder), "go run" and the source tree; else the path it was
// started by.
var selfCommand = sync.OnceValue(func() string {
	self, err := os.Executable()
	if err != nil {
		return "conclab"
	}
	self, _ = filepath.EvalSymlinks(self)
	if onPath, err := exec.LookPath("conclab"); err == nil {
		if p, err := filepath.EvalSymlinks(onPath); err == nil && sameFile(p, self) {
			return "conclab"
		}
	}
	if strings.Contains(filepath.ToSlash(self), "/go-build") {
		root, ok := sourceRoot()
		if !ok {
			return "go run github.com/conclab/conclab"
		}
		if wd, err := os.Getwd(); err == nil && wd == root {
			return "go run ."
		}
		return "go run " + shellQuote(root)
	}
	arg0 := os.Args[0]
	if !strings.ContainsRune(arg0, filepath.Separator) {
		return arg0 // found on PATH by that name
	}
	return shellQuote(arg0)
})

func sameFile(a, b string) bool {
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}
