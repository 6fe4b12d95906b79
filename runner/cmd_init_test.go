package runner

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/exercises"
)

// A workspace declares conclab's module path, so that its exercises are
// conclab's packages, but it is no source tree: the -race copy of
// conclab built "from the workspace" failed with "no Go files" until
// isConclabRoot told the two apart.
func TestWorkspaceIsNotTheSourceTree(t *testing.T) {
	repo := t.TempDir()
	write := func(rel, body string) {
		t.Helper()
		p := filepath.Join(repo, rel)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
	write("go.mod", "module "+modulePath+"\n\ngo 1.26.0\n")
	write("main.go", "package main\n\nfunc main() {}\n")
	ws := filepath.Join(repo, "conclab-workspace")
	write("conclab-workspace/go.mod", "module "+modulePath+"\n\ngo 1.26.0\n")
	write("conclab-workspace/"+workspaceMarker, "")

	assert.True(t, isConclabRoot(repo), "the source tree")
	assert.False(t, isConclabRoot(ws), "a workspace inside it")
	assert.False(t, isConclabRoot(t.TempDir()), "an empty folder")

	t.Chdir(ws)
	root, ok := sourceRoot()
	require.True(t, ok)
	assert.Equal(t, repo, root, "from the workspace, the tree around it")
}

// init's "Next: cd DIR, then CMD list" must name a command that works
// after the cd.
func TestInitNamesTheCommandFromTheWorkspace(t *testing.T) {
	here := t.TempDir()
	t.Chdir(here)
	for _, c := range []struct{ self, dir, want string }{
		{"./conclab", "conclab-workspace", "../conclab"},
		{"./conclab", "a/b", "../../conclab"},
		{"bin/conclab", ".", "bin/conclab"},
		{"conclab", "ws", "conclab"},
		{"/usr/local/bin/conclab", "ws", "/usr/local/bin/conclab"},
		{"go run /src/conclab", "ws", "go run /src/conclab"},
		{"./conclab", "/somewhere/ws", filepath.Join(here, "conclab")},
	} {
		assert.Equal(t, c.want, fromWorkspace(c.self, c.dir), "%s from %s", c.self, c.dir)
	}
}

// init copies each exercise's folder but not its HINTS.md: conclab hint
// reveals the hints one at a time and counts them in the learner's
// progress, which three answers lying next to the stub would make moot.
func TestInitLeavesTheHintsOut(t *testing.T) {
	var out bytes.Buffer
	app := &App{Stdout: &out, Stderr: &out, Getenv: func(string) string { return "" }, Width: 80,
		Module: os.DirFS("..")} // go.mod and go.sum, as main embeds them
	ws := filepath.Join(t.TempDir(), "ws")
	require.NoError(t, initWorkspace(app, ws), out.String())

	for _, ex := range exercises.All() {
		dir := filepath.Join(ws, "exercises", ex.Dir())
		assert.FileExists(t, filepath.Join(dir, "README.md"), "init copied %s's folder", ex.ID())
		assert.FileExists(t, filepath.Join(dir, ex.Files[0]))
		_, err := fs.Stat(exercises.Canonical, ex.Dir()+"/"+exercises.HintsFile)
		require.NoError(t, err, "the catalog has %s's hints file, which init must leave out", ex.ID())
	}
	var hints []string
	require.NoError(t, filepath.WalkDir(ws, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.EqualFold(d.Name(), exercises.HintsFile) {
			hints = append(hints, p)
		}
		return err
	}))
	assert.Empty(t, hints, "the workspace holds hints files")
}

// Progress follows the workspace: a fresh one starts with nothing solved
// even when another workspace (or the config folder) has marks.
func TestProgressLivesInTheWorkspace(t *testing.T) {
	ws := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(ws, workspaceMarker), nil, 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(ws, "exercises", "01-counter"), 0o755))
	t.Chdir(filepath.Join(ws, "exercises", "01-counter"))
	noEnv := func(string) string { return "" }
	assert.Equal(t, filepath.Join(ws, workspaceState), statePath(noEnv))

	set := func(k string) string {
		if k == "CONCLAB_STATE" {
			return "/elsewhere/p.json"
		}
		return ""
	}
	assert.Equal(t, "/elsewhere/p.json", statePath(set), "$CONCLAB_STATE wins")

	t.Chdir(t.TempDir())
	assert.NotEqual(t, filepath.Join(ws, workspaceState), statePath(noEnv), "outside, the config folder")
}

// In conclab's source tree with no workspace yet, the learner's loop
// refuses to run: `go run .` embeds that tree, so an edited test there
// would be the "canonical" one (issue 13: a test that returns early
// passed the racy counter 7/7). A folder that only has conclab's module
// path (an old-style workspace, a submission) is not refused.
func TestLearnerLoopRefusesTheSourceTree(t *testing.T) {
	repo := t.TempDir()
	write := func(rel, body string) {
		t.Helper()
		p := filepath.Join(repo, rel)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
	write("go.mod", "module "+modulePath+"\n\ngo 1.26.0\n")
	write("main.go", "package main\n\nfunc main() {}\n")
	write("exercises/01-counter/counter.go", "package counter\n")
	t.Chdir(filepath.Join(repo, "exercises", "01-counter"))

	for _, args := range [][]string{{"check", "counter"}, {"reset", "counter", "--yes"}, {"watch", "counter"}} {
		var out, errOut bytes.Buffer
		app := &App{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut,
			Getenv: func(string) string { return "" }, StatePath: filepath.Join(t.TempDir(), "state.json")}
		assert.Equal(t, 2, Main(t.Context(), args, app), "%v: %s", args, errOut.String())
		assert.Contains(t, errOut.String(), "no workspace yet", "%v", args)
		assert.Contains(t, errOut.String(), "init writes "+defaultWorkspace+"/", "%v", args)
		assert.Equal(t, 1, strings.Count(strings.TrimSpace(errOut.String()), "\n")+1, "%v: one line: %q", args, errOut.String())
		b, err := os.ReadFile("counter.go")
		require.NoError(t, err)
		assert.Equal(t, "package counter\n", string(b), "%v changed nothing", args)
	}

	// Once the workspace exists, the same commands work on it.
	write(defaultWorkspace+"/go.mod", "module "+modulePath+"\n\ngo 1.26.0\n")
	write(defaultWorkspace+"/"+workspaceMarker, "")
	root, err := learnerWorkspace(".")
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(repo, defaultWorkspace), root)

	// Not the source tree (no main.go): an old-style workspace still works.
	require.NoError(t, os.Remove(filepath.Join(repo, "main.go")))
	require.NoError(t, os.RemoveAll(filepath.Join(repo, defaultWorkspace)))
	root, err = learnerWorkspace(".")
	require.NoError(t, err)
	assert.Equal(t, repo, root)
}

// init's "Next:" line under go run: go refuses to build conclab's source
// from inside a workspace (a module of its own), so the line keeps the
// learner in the repository when the workspace is the one conclab finds
// from there, and has them install conclab for any other.
func TestInitNextStepsUnderGoRun(t *testing.T) {
	root := t.TempDir()
	t.Chdir(root)
	got := nextSteps("go run .", defaultWorkspace, root, true)
	assert.Equal(t, "Next: go run . list, and go run . check fetchall when you have edited conclab-workspace/exercises/00-fetchall/fetchall.go (conclab's commands find conclab-workspace/ from here).", got)
	assert.NotContains(t, got, "cd ")

	got = nextSteps("go run .", "/elsewhere/ws", root, true)
	assert.Contains(t, got, "Next: go -C "+root+" install . puts conclab on your PATH")
	assert.Contains(t, got, "then cd /elsewhere/ws, conclab list, and conclab check fetchall")

	got = nextSteps("go run github.com/conclab/conclab", "ws", "", false)
	assert.Contains(t, got, "go install github.com/conclab/conclab@latest")

	got = nextSteps("./conclab", defaultWorkspace, root, true)
	assert.Equal(t, "Next: cd conclab-workspace, then ../conclab list, and ../conclab check fetchall when you have edited exercises/00-fetchall/fetchall.go.", got)
}
