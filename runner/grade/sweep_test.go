package grade

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSweepStale removes the scratch folders that killed runs left
// behind, and nothing else: not a recent one (a run in progress), not
// another program's.
func TestSweepStale(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-3 * time.Hour)
	for _, name := range []string{"conclab-grade-1", "conclab-grade-2", "other-1"} {
		require.NoError(t, os.MkdirAll(filepath.Join(dir, name, "sub"), 0o755))
	}
	require.NoError(t, os.Chtimes(filepath.Join(dir, "conclab-grade-1"), old, old))
	require.NoError(t, os.Chtimes(filepath.Join(dir, "other-1"), old, old))
	sweepStale(dir, "conclab-grade-", time.Now().Add(-staleAfter))
	assert.NoDirExists(t, filepath.Join(dir, "conclab-grade-1"), "a killed run's leftover")
	assert.DirExists(t, filepath.Join(dir, "conclab-grade-2"), "a run in progress")
	assert.DirExists(t, filepath.Join(dir, "other-1"), "another program's")
}
