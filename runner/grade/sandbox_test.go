package grade

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestChangedSeesWritesCreationsAndRemovals(t *testing.T) {
	dir := t.TempDir()
	keep, edit, gone := filepath.Join(dir, "keep.go"), filepath.Join(dir, "edit.go"), filepath.Join(dir, "gone.go")
	for _, p := range []string{keep, edit, gone} {
		require.NoError(t, os.WriteFile(p, []byte("package x\n"), 0o644))
	}
	before := snapshot(dir)
	require.NoError(t, os.WriteFile(edit, []byte("package x // more\n"), 0o644))
	require.NoError(t, os.Remove(gone))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, ".git"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, ".git", "index"), nil, 0o644))
	made := filepath.Join(dir, "new.txt")
	require.NoError(t, os.WriteFile(made, nil, 0o644))
	// Same size, a later time: written too.
	later := time.Now().Add(time.Hour)
	require.NoError(t, os.Chtimes(keep, later, later))
	assert.Equal(t, []string{"wrote " + edit, "removed " + gone, "wrote " + keep, "created " + made},
		changed(before, snapshot(dir)))
}

func TestSandboxEnvKeepsTheGoCaches(t *testing.T) {
	scratch := t.TempDir()
	env, tag, err := sandboxEnv(scratch)
	require.NoError(t, err)
	assert.NotEmpty(t, tag)
	assert.Contains(t, env, "HOME="+filepath.Join(scratch, "home"))
	assert.Contains(t, env, "TMPDIR="+filepath.Join(scratch, "tmp"))
	assert.Contains(t, env, runTagEnv+"="+tag)
	assert.Contains(t, env, "GOCACHE="+goEnv("", "GOCACHE"), "a new HOME must not mean a cold build cache")
	assert.DirExists(t, filepath.Join(scratch, "home"))
}
