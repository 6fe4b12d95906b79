package runner

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/exercises"
)

// TestResetTwiceInOneSecondKeepsBothBackups: the backups' names carry a
// one-second stamp, so two resets in the same second must not give the
// second backup the first one's name: each of the learner's versions is
// kept, the first under the plain stamped name.
func TestResetTwiceInOneSecondKeepsBothBackups(t *testing.T) {
	ex := exercises.All()[0]
	root := t.TempDir()
	dir := filepath.Join(root, "exercises", ex.Dir())
	require.NoError(t, os.MkdirAll(dir, 0o755))
	file := filepath.Join(dir, ex.Files[0])
	var out bytes.Buffer
	app := &App{Stdout: &out, Stderr: &out}
	now := time.Date(2026, 3, 1, 9, 30, 0, 0, time.Local)

	versions := []string{"package x // first attempt\n", "package x // second attempt\n", "package x // third attempt\n"}
	for _, v := range versions {
		require.NoError(t, os.WriteFile(file, []byte(v), 0o644))
		require.NoError(t, resetExercise(app, root, ex, now), out.String())
	}

	backups, err := filepath.Glob(file + ".*.bak")
	require.NoError(t, err)
	names := []string{file + ".20260301-093000.bak", file + ".20260301-093000-2.bak", file + ".20260301-093000-3.bak"}
	assert.ElementsMatch(t, names, backups, "one backup per reset: the first keeps the plain stamp, later ones in the same second are numbered\n%s", out.String())
	for i, name := range names {
		b, err := os.ReadFile(name)
		require.NoError(t, err)
		assert.Equal(t, versions[i], string(b), "%s holds attempt %d", filepath.Base(name), i+1)
		assert.Contains(t, out.String(), filepath.Base(name), "reset names each backup it makes")
	}

	stub, err := fs.ReadFile(exercises.Canonical, ex.Dir()+"/"+ex.Files[0])
	require.NoError(t, err)
	got, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.Equal(t, string(stub), string(got), "the stub is back")
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*"))
	assert.Empty(t, leftovers, "no temporary files are left behind")
}

// TestResetBackupNeverReplacesAFile: a file already under the backup's
// name (one a learner made, or a backup from a reset a moment ago) is
// left as it was.
func TestResetBackupNeverReplacesAFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "counter.go")
	taken := path + ".20260301-093000.bak"
	require.NoError(t, os.WriteFile(taken, []byte("older"), 0o644))

	name, err := saveBackup(path, "20260301-093000", []byte("newer"))
	require.NoError(t, err)
	assert.Equal(t, path+".20260301-093000-2.bak", name)
	b, _ := os.ReadFile(taken)
	assert.Equal(t, "older", string(b), "the existing file is untouched")
	b, _ = os.ReadFile(name)
	assert.Equal(t, "newer", string(b))
}
