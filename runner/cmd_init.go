package runner

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/conclab/conclab/exercises"
	"github.com/conclab/conclab/runner/progress"
)

// defaultWorkspace is where `conclab init` writes when given no folder.
const defaultWorkspace = "conclab-workspace"

func init() {
	register(Command{
		Name:    "init",
		Args:    "[folder]",
		Summary: "write a workspace of your own: every exercise's stub, tests and statement (default ./" + defaultWorkspace + ")",
		Order:   45,
		Setup: func(*flag.FlagSet) func(context.Context, *App, []string) error {
			return func(_ context.Context, app *App, args []string) error {
				if len(args) > 1 {
					return Usagef("init takes at most one folder, got %d arguments", len(args))
				}
				dir := defaultWorkspace
				if len(args) == 1 {
					dir = args[0]
				}
				return initWorkspace(app, dir)
			}
		},
	})
}

// initWorkspace writes a learner's workspace into dir: a module of its own
// (conclab's go.mod and go.sum, so that `go test ./exercises/01-counter/`
// works there too), and each exercise's stub, tests and statement from
// the binary's canonical copies. The reference solutions, the wrong
// solutions the self-check uses and the hints stay in the binary. It
// refuses a folder that already holds a workspace: nothing of the
// learner's is ever overwritten.
func initWorkspace(app *App, dir string) error {
	if app.Module == nil {
		return Usagef("this build of conclab carries no module files to write a workspace from; build it with go build from the repository")
	}
	if _, err := os.Stat(filepath.Join(dir, "exercises")); err == nil {
		return Usagef("%s already holds a workspace (its exercises folder exists); work there, or give init another folder", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Usagef("cannot make the workspace: %v", err)
	}
	files := map[string][]byte{
		workspaceMarker: []byte("This folder is a conclab workspace: conclab's commands run here use its exercises.\n"),
		".gitignore":    []byte("# reset's backups of your files\n*.bak\n"),
		"README.md":     []byte(workspaceReadme()),
	}
	for _, name := range []string{"go.mod", "go.sum"} {
		b, err := fs.ReadFile(app.Module, name)
		if err != nil {
			return err
		}
		files[name] = b
	}
	n := 0
	for _, ex := range exercises.All() {
		// Every file of the exercise's folder, and of the packages in
		// folders beside its stub (exercise 17's indexer), which its
		// code imports; not testdata, the self-check's, nor the hints,
		// which conclab hint reveals one at a time and counts.
		err := fs.WalkDir(exercises.Canonical, ex.Dir(), func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if e.IsDir() {
				if e.Name() == "testdata" {
					return fs.SkipDir
				}
				return nil
			}
			if e.Name() == exercises.HintsFile {
				return nil
			}
			b, err := fs.ReadFile(exercises.Canonical, p)
			if err != nil {
				return err
			}
			files[filepath.Join("exercises", filepath.FromSlash(p))] = b
			return nil
		})
		if err != nil {
			return fmt.Errorf("exercise %s: %w", ex.ID(), err)
		}
		n++
	}
	for name, b := range files {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil {
			continue // a file of the user's (a .gitignore, a README): kept
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := progress.WriteFileAtomic(p, b, 0o644); err != nil {
			return err
		}
	}
	app.Printf("Wrote a workspace with %d exercises to %s.\n", n, dir)
	root, inTree := sourceRoot()
	next := nextSteps(selfCommand(), dir, root, inTree)
	app.Printf("%s\n", strings.Join(wrapWords(next, app.Width, 0, 2), "\n  "))
	return nil
}

// nextSteps is init's last line: the commands to run next, as they work
// from where the learner will be. A binary works from the workspace (cd
// there). `go run` does not: the workspace is a module of its own, so go
// refuses to build conclab's source from inside it. In the repository, go
// run . finds the workspace conclab-workspace/ from the repository's
// folder, so the learner stays there; any other workspace needs conclab
// installed first.
func nextSteps(self, dir, root string, inTree bool) string {
	first := exercises.All()[0]
	file := "exercises/" + first.Dir() + "/" + first.Files[0]
	if !strings.HasPrefix(self, "go run") {
		self = fromWorkspace(self, dir)
		return fmt.Sprintf("Next: cd %s, then %s list, and %s check %s when you have edited %s.",
			shellQuote(dir), self, self, first.Slug, file)
	}
	if abs, err := filepath.Abs(dir); err == nil && inTree && abs == filepath.Join(root, defaultWorkspace) {
		return fmt.Sprintf("Next: %s list, and %s check %s when you have edited %s (conclab's commands find %s/ from here).",
			self, self, first.Slug, filepath.ToSlash(filepath.Join(dir, file)), defaultWorkspace)
	}
	install := "go install github.com/conclab/conclab@latest"
	if inTree {
		install = "go -C " + shellQuote(root) + " install ."
	}
	return fmt.Sprintf("Next: %s puts conclab on your PATH (go run does not work from a workspace); then cd %s, conclab list, and conclab check %s when you have edited %s.",
		install, shellQuote(dir), first.Slug, file)
}

// fromWorkspace rewrites a command started by a relative path
// ("./conclab") so that it still names the binary once the user has
// changed into the workspace dir ("../conclab").
func fromWorkspace(self, dir string) string {
	if filepath.IsAbs(self) || !strings.ContainsRune(self, filepath.Separator) || strings.HasPrefix(self, "go run ") || strings.HasPrefix(self, "'") {
		return self
	}
	bin, err1 := filepath.Abs(self)
	ws, err2 := filepath.Abs(dir)
	if err1 != nil || err2 != nil {
		return self
	}
	rel, err := filepath.Rel(ws, bin)
	if err != nil || filepath.IsAbs(dir) { // a folder named in full: the binary too
		return shellQuote(bin)
	}
	if !strings.ContainsRune(rel, filepath.Separator) {
		rel = "." + string(filepath.Separator) + rel
	}
	return shellQuote(rel)
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// workspaceReadme is the workspace's README.md, told with its first
// exercise.
func workspaceReadme() string {
	first := exercises.All()[0]
	return strings.NewReplacer("SLUG", first.Slug, "DIR", first.Dir(), "FILE", first.Files[0]).Replace(`# Your conclab workspace

Each exercise is a folder in exercises/: read its README.md, edit the file
it names (exercises/DIR/FILE for the first), then

    conclab check SLUG     grade it with the race detector
    conclab hint SLUG      one hint more each time
    conclab watch SLUG     check on every save
    conclab reset SLUG     put the stub back (your file is kept as a .bak)
    conclab status         your progress

The tests next to your file are copies: changing them changes nothing,
conclab always grades with its own. go test -race ./exercises/DIR/
works here too.
`)
}
