package progress_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/runner/progress"
)

func TestMissingFileIsEmptyState(t *testing.T) {
	st, warning, err := progress.Load(filepath.Join(t.TempDir(), "none.json"))
	require.NoError(t, err)
	assert.Empty(t, warning)
	assert.Empty(t, st.Lessons)
	assert.Empty(t, st.Exercises)
}

func TestSaveThenLoadKeepsEverything(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "progress.json")
	st := progress.New()
	st.RanDemo("race", "lost-update")
	st.RanDemo("race", "lost-update") // remembered once
	st.Exercise("counter").Solved = true
	st.Exercise("counter").HintsShown = 2
	require.NoError(t, st.Save(path))

	got, warning, err := progress.Load(path)
	require.NoError(t, err)
	assert.Empty(t, warning)
	assert.Equal(t, []string{"lost-update"}, got.Lessons["race"].DemosRun)
	assert.True(t, got.Exercises["counter"].Solved)
	assert.Equal(t, 2, got.Exercises["counter"].HintsShown)
	assert.False(t, got.Lessons["race"].Opened.IsZero(), "running a demo opens its lesson")
}

func TestSaveLeavesNoTemporaryFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "progress.json")
	require.NoError(t, progress.New().Save(path))
	require.NoError(t, progress.New().Save(path))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "only the state file should remain")
	assert.Equal(t, "progress.json", entries[0].Name())
}

func TestCorruptFileIsSetAsideNotLost(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "progress.json")
	garbage := []byte("{ this is not json")
	require.NoError(t, os.WriteFile(path, garbage, 0o644))

	st, warning, err := progress.Load(path)
	require.NoError(t, err)
	require.NotNil(t, st)
	assert.Contains(t, warning, "kept it as")
	assert.NotContains(t, warning, "\n", "the warning is one line")

	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1)
	assert.True(t, strings.HasPrefix(entries[0].Name(), "progress.json.corrupt-"), entries[0].Name())
	kept, err := os.ReadFile(filepath.Join(dir, entries[0].Name()))
	require.NoError(t, err)
	assert.Equal(t, garbage, kept, "the old file's bytes are kept as they were")
}

func TestNewerFormatIsSetAside(t *testing.T) {
	path := filepath.Join(t.TempDir(), "progress.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"version": 99}`), 0o644))
	_, warning, err := progress.Load(path)
	require.NoError(t, err)
	assert.Contains(t, warning, "newer")
}

func TestUpdate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "progress.json")
	_, err := progress.Update(path, func(s *progress.State) { s.Exercise("queue").Attempts++ })
	require.NoError(t, err)
	_, err = progress.Update(path, func(s *progress.State) { s.Exercise("queue").Attempts++ })
	require.NoError(t, err)
	st, _, err := progress.Load(path)
	require.NoError(t, err)
	assert.Equal(t, 2, st.Exercises["queue"].Attempts)
}

func TestPathHonoursEnvironment(t *testing.T) {
	p, err := progress.Path(func(k string) string {
		if k == progress.EnvPath {
			return "/tmp/x.json"
		}
		return ""
	})
	require.NoError(t, err)
	assert.Equal(t, "/tmp/x.json", p)
}
