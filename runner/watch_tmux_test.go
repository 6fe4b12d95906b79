package runner_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/runner/tmuxtest"
)

// TestWatchInARealTerminal is watch as a student meets it, in an 80x24
// terminal and a fresh workspace: the stub's verdict, then a saved fix
// clears the screen with PASS at the top, n moves on to exercise 2, and
// q quits with the terminal back in line mode.
func TestWatchInARealTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and checks exercises under -race")
	}
	const width, height = 80, 24
	conclab := tmuxtest.Conclab(t)
	ws := filepath.Join(t.TempDir(), "ws")
	out, err := exec.Command(conclab, "init", ws).CombinedOutput()
	require.NoError(t, err, "%s", out)
	env := []string{"CONCLAB_STATE=" + filepath.Join(t.TempDir(), "progress.json")}
	s := tmuxtest.Start(t, width, height, env, "sh", "-c", "cd "+ws+" && exec "+conclab+" watch counter")

	footer := `h hint · n next exercise · r check again · l list · q quit`
	screen := waitVisible(t, s, height, `watching exercises/01-counter\s*\n`+footer, 3*time.Minute)
	assert.Contains(t, screen, "── 1 counter: RACE", "the stub races; the verdict is said again above the footer")

	solution, err := os.ReadFile(filepath.Join(solutionsDir, "01-counter", "counter.go"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(ws, "exercises", "01-counter", "counter.go"), solution, 0o644))
	screen = waitVisible(t, s, height, `(?s)\APASS  1 counter.*Press n for exercise 2 ledger\.\s*\n`+footer, 3*time.Minute)
	assert.NotContains(t, screen, "RACE", "the screen was cleared before the check")

	s.Keys("n")
	screen = waitVisible(t, s, height, `watching exercises/02-ledger\s*\n`+footer, 3*time.Minute)
	assert.Contains(t, screen, "2 ledger")

	s.Keys("q")
	screen = s.WaitFor(`\[exited \d+\]\s*\n\s*-?icanon`, 20*time.Second)
	assert.Regexp(t, `\[exited 0\]\s*\n\s*icanon`, screen, "q quits, the terminal back in line mode")
}
