package runner_test

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/exercises"
	"github.com/conclab/conclab/runner"
	"github.com/conclab/conclab/runner/progress"
)

// TestStudentCommandsExitCodes checks the exit codes of the grading
// commands' mistakes: usage and set-up errors are 2, a refusal to show a
// solution is 1.
func TestStudentCommandsExitCodes(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"grade", "--format", "xml"}, 2},
		{[]string{"grade", "--only", "99"}, 2},
		{[]string{"grade", "--dir", filepath.Join(t.TempDir(), "nowhere")}, 2},
		{[]string{"grade", "extra"}, 2},
		{[]string{"check", "nosuch"}, 2},
		{[]string{"check", "1", "2"}, 2},
		{[]string{"hint", "nosuch"}, 2},
		{[]string{"solution"}, 2},
		{[]string{"solution", "counter"}, 1},
		{[]string{"solution", "counter", "--force"}, 0},
		{[]string{"reset", "counter"}, 2}, // no terminal, no --yes
		{[]string{"reset"}, 2},
		{[]string{"status"}, 0},
		{[]string{"status", "x"}, 2},
	} {
		code, _, stderr := run(t, tc.args...)
		assert.Equal(t, tc.code, code, "conclab %s: stderr %q", strings.Join(tc.args, " "), stderr)
		if tc.code == 2 {
			assert.Equal(t, 1, strings.Count(stderr, "\n"), "conclab %s: a usage error is one line: %q", strings.Join(tc.args, " "), stderr)
		}
	}
}

// TestResetRestoresStub resets an exercise in a scratch workspace: the
// learner's file is kept as a backup whose name is printed, and the stub
// comes back from the embedded copy.
func TestResetRestoresStub(t *testing.T) {
	ex := exercises.All()[0]
	mine := []byte("package x // the learner's attempt\n")
	dir := scratchWorkspace(t, ex, mine)

	var out, errOut bytes.Buffer
	app := &runner.App{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut,
		Getenv: func(string) string { return "" }, StatePath: filepath.Join(t.TempDir(), "progress.json")}
	code := runner.Main(context.Background(), []string{"reset", ex.Slug, "--yes"}, app)
	require.Equal(t, 0, code, "reset --yes: %s", errOut.String())

	stub, err := fs.ReadFile(exercises.Canonical, ex.Dir()+"/"+ex.Files[0])
	require.NoError(t, err)
	got, err := os.ReadFile(filepath.Join(dir, ex.Files[0]))
	require.NoError(t, err)
	assert.Equal(t, string(stub), string(got), "the stub must be restored")

	backups, _ := filepath.Glob(filepath.Join(dir, ex.Files[0]+".*.bak"))
	require.Len(t, backups, 1, "one backup of the learner's file")
	b, _ := os.ReadFile(backups[0])
	assert.Equal(t, string(mine), string(b), "the backup holds the learner's file")
	assert.Contains(t, out.String(), filepath.Base(backups[0]), "reset names the backup")

	// Once more, on the untouched stub: there is nothing of the learner's
	// to keep, so no second backup (and no new file to clutter the folder).
	out.Reset()
	code = runner.Main(context.Background(), []string{"reset", ex.Slug, "--yes"}, app)
	require.Equal(t, 0, code, "reset --yes on the stub: %s", errOut.String())
	backups, _ = filepath.Glob(filepath.Join(dir, ex.Files[0]+".*.bak"))
	assert.Len(t, backups, 1, "resetting the untouched stub makes no backup")
	assert.Contains(t, out.String(), "already the untouched stub")
}

// TestResetSaysSolvedStaysSolved: progress records what the learner
// achieved; reset says so rather than leaving status to surprise them.
func TestResetSaysSolvedStaysSolved(t *testing.T) {
	ex := exercises.All()[0]
	scratchWorkspace(t, ex, []byte("package x // solved once\n"))
	state := filepath.Join(t.TempDir(), "progress.json")
	_, err := progress.Update(state, func(st *progress.State) { st.Exercise(ex.Slug).Solved = true })
	require.NoError(t, err)

	var out, errOut bytes.Buffer
	app := &runner.App{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut,
		Getenv: func(string) string { return "" }, StatePath: state}
	require.Equal(t, 0, runner.Main(context.Background(), []string{"reset", ex.Slug, "--yes"}, app), errOut.String())
	assert.Contains(t, out.String(), ex.Slug+" stays marked solved")
	st, _, err := progress.Load(state)
	require.NoError(t, err)
	assert.True(t, st.Exercise(ex.Slug).Solved, "reset keeps the record of a solved exercise")
}

// scratchWorkspace makes a workspace in a temporary folder holding ex's
// first file with the learner's text mine, and changes into ex's folder,
// which it returns.
func scratchWorkspace(t *testing.T, ex exercises.Exercise, mine []byte) string {
	t.Helper()
	root := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(root, "go.mod"), []byte("module github.com/conclab/conclab\n\ngo 1.26\n"), 0o644))
	dir := filepath.Join(root, "exercises", ex.Dir())
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, ex.Files[0]), mine, 0o644))
	t.Chdir(dir)
	return dir
}
