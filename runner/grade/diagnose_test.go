package grade_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/runner/grade"
)

// TestDiagnoseLockOrder finds a lock-order inversion in tests that pass:
// two transfers lock two accounts in opposite orders, one after the other,
// so nothing deadlocks in this run. go-deadlock, swapped in through an
// overlay, sees the two orders and the diagnosis names both lines.
func TestDiagnoseLockOrder(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a package twice")
	}
	dir, err := filepath.Abs("testdata/diagnose/lockorder")
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	res, err := grade.Diagnose(ctx, grade.DiagnoseOptions{Dir: dir, LockOrder: true, Timeout: time.Minute})
	require.NoError(t, err)
	require.Len(t, res.Exercises, 1)
	er := res.Exercises[0]
	assert.Equal(t, grade.Deadlock, er.Verdict, "a lock-order inversion is a deadlock waiting to happen: %s", er.Message)
	assert.False(t, res.Passed)
	text := strings.Join(er.Explanation, "\n")
	assert.Contains(t, text, "lock-order inversion")
	var lines []int
	for _, l := range er.Locations {
		if strings.HasSuffix(l.File, "bank.go") {
			lines = append(lines, l.Line)
		}
	}
	assert.Subset(t, lines, []int{14, 16}, "both Lock calls of Transfer are pointed at: %v\n%s", er.Locations, text)
}

// TestDiagnoseRace runs a package's own tests under the race detector and
// explains the race at its lines.
func TestDiagnoseRace(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a package under -race")
	}
	dir, err := filepath.Abs("testdata/src/race")
	require.NoError(t, err)
	res, err := grade.Diagnose(context.Background(), grade.DiagnoseOptions{Dir: dir, Count: 2, Timeout: time.Minute})
	require.NoError(t, err)
	require.Len(t, res.Exercises, 1)
	er := res.Exercises[0]
	assert.Equal(t, grade.Race, er.Verdict)
	require.NotEmpty(t, er.Locations)
	assert.Equal(t, 8, er.Locations[0].Line, "c.n++ is line 8 of race.go: %v", er.Locations)
}
