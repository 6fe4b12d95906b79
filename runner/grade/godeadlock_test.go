package grade

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDeadlockSumsMatchGoSum: the go.sum lines the lock-order check adds
// to a package's temporary go.sum are conclab's own (go.mod requires the
// same version, so go mod download fetched it and a changed version shows
// here, not as a checksum error in a student's report).
func TestDeadlockSumsMatchGoSum(t *testing.T) {
	root, err := FindRoot(".")
	require.NoError(t, err)
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	require.NoError(t, err)
	for line := range strings.SplitSeq(strings.TrimSpace(deadlockSums), "\n") {
		assert.Contains(t, string(sum), line+"\n", "go.sum lacks the lock-order check's line")
	}
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	require.NoError(t, err)
	assert.Contains(t, string(mod), deadlockModule+" "+deadlockVersion, "go.mod requires the go-deadlock version the check uses")
}
