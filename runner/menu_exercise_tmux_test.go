package runner_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/exercises"
	"github.com/conclab/conclab/lessons"
	"github.com/conclab/conclab/runner/progress"
	"github.com/conclab/conclab/runner/tmuxtest"
)

// startMenuIn runs conclab's menu in dir, in a real terminal of width x
// height, with its progress in state.
func startMenuIn(t *testing.T, width, height int, dir, state string, args ...string) *tmuxtest.Session {
	t.Helper()
	env := []string{"CONCLAB_STATE=" + state}
	cmd := "cd " + shellQuoted(dir) + " && exec " + shellQuoted(tmuxtest.Conclab(t)) + " menu"
	for _, a := range args {
		cmd += " " + shellQuoted(a)
	}
	return tmuxtest.Start(t, width, height, env, "sh", "-c", cmd)
}

// newWorkspace writes a fresh workspace with conclab init.
func newWorkspace(t *testing.T) string {
	t.Helper()
	ws := filepath.Join(t.TempDir(), "ws")
	out, err := exec.Command(tmuxtest.Conclab(t), "init", ws).CombinedOutput()
	require.NoError(t, err, "conclab init: %s", out)
	return ws
}

// toExercise moves the home menu's cursor from the first lesson down to
// exercise n and waits until it is there.
func toExercise(t *testing.T, s *tmuxtest.Session, height, n int) {
	t.Helper()
	for range len(lessons.All()) + exerciseIndex(t, n) {
		s.Keys("Down")
	}
	waitVisible(t, s, height, fmt.Sprintf(`(?m)^. ▸ exercise +%d  `, n), 10*time.Second)
}

// exerciseIndex is where exercise n is in the menu's list of exercises
// (exercise 0, the warm-up, comes first).
func exerciseIndex(t *testing.T, n int) int {
	t.Helper()
	i := slices.IndexFunc(exercises.All(), func(e exercises.Exercise) bool { return e.Number == n })
	require.GreaterOrEqual(t, i, 0, "no exercise %d", n)
	return i
}

// TestMenuListsExercisesWithProgress: at 80x24 the home menu lists the
// lessons and, scrolling on, every exercise, each with the learner's
// progress (lessons read or demos run; exercises solved or the last
// verdict), and every line fits the 80 columns.
func TestMenuListsExercisesWithProgress(t *testing.T) {
	const width, height = 80, 24
	state := filepath.Join(t.TempDir(), "progress.json")
	st := progress.New()
	st.RanDemo("goroutines", "serial-vs-concurrent")
	st.OpenLesson("race")
	st.Exercise("counter").Solved = true
	st.Exercise("counter").Attempts = 2
	st.Exercise("ledger").Attempts = 1
	st.Exercise("ledger").LastVerdict = "deadlock"
	require.NoError(t, st.Save(state))

	s := startMenuIn(t, width, height, newWorkspace(t), state)
	screen := waitVisible(t, s, height, `choose a lesson or an exercise`, 20*time.Second)
	g := lessons.All()[0]
	assert.Regexp(t, fmt.Sprintf(`(?m)^  ▸ lesson +1  1/%d demos  Goroutines — `, len(g.Demos)), screen, "lesson 1: one demo run")
	assert.Regexp(t, `(?m)^    lesson +2  read +Data races — `, screen, "lesson 2: read")
	assert.Regexp(t, `(?m)^    lesson +3 {13}Mutex — `, screen, "lesson 3: not opened")

	// Scroll to the last exercise: each comes into view with its mark.
	all := exercises.All()
	for range len(lessons.All()) + len(all) - 1 {
		s.Keys("Down")
	}
	last := all[len(all)-1]
	screen = waitVisible(t, s, height, fmt.Sprintf(`(?m)^. ▸ exercise +%d  .{9}  %s — `, last.Number, last.Slug), 10*time.Second)
	for _, e := range all {
		if e.Slug == "counter" || e.Slug == "ledger" {
			continue // tried: checked below
		}
		assert.Regexp(t, fmt.Sprintf(`(?m)^.   exercise +%d {13}%s — `, e.Number, e.Slug), strings.Replace(screen, "▸", " ", 1), "exercise %d in view, not tried", e.Number)
	}
	for range len(all) - 1 - exerciseIndex(t, 1) {
		s.Keys("Up")
	}
	screen = waitVisible(t, s, height, `(?m)^. ▸ exercise +1  solved +counter — `, 10*time.Second)
	assert.Regexp(t, `(?m)^.   exercise +2  deadlock +ledger — `, screen, "exercise 2: its last verdict")
	assertFitsTheScreen(t, s, width)

	s.Keys("C-c")
	screen = s.WaitFor(`\[exited \d+\]\s*\n\s*-?icanon`, 10*time.Second)
	assert.Regexp(t, `\[exited 0\]\s*\n\s*icanon`, screen, "the terminal is back in line mode")
}

// TestMenuChecksAnExercise is an exercise from the menu at 80x24, in a
// fresh workspace: a hint, a check of the untouched stub (its verdict,
// RACE, on the screen and in the menu's mark), watch (q comes back to
// the menu, which still has every key), and the statement.
func TestMenuChecksAnExercise(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and checks an exercise under -race")
	}
	const width, height = 80, 24
	state := filepath.Join(t.TempDir(), "progress.json")
	s := startMenuIn(t, width, height, newWorkspace(t), state)
	waitVisible(t, s, height, `choose a lesson or an exercise`, 20*time.Second)
	toExercise(t, s, height, 1)
	s.Keys("Enter")
	screen := waitVisible(t, s, height, `Exercise 1 counter \(not tried yet\): `, 10*time.Second)
	assert.Contains(t, screen, "your file: exercises/01-counter/counter.go")

	// The next hint, counted in the menu.
	s.Keys("Down", "Down", "Enter")
	waitVisible(t, s, height, `(?s)1 counter: hint 1 of 3.*Show a hint \(1 of 3 seen\)`, 10*time.Second)

	// Check: the stub races.
	s.Keys("Up", "Enter")
	screen = waitVisible(t, s, height, `(?s)── 1 counter: RACE.*Exercise 1 counter \(last check: race\)`, 3*time.Minute)
	assert.Regexp(t, `(?m)^  ▸ Check it`, screen, "the cursor stays on Check")
	assertFitsTheScreen(t, s, width)

	// Watch: a check at once, q back to the menu.
	s.Keys("Down", "Down", "Enter")
	waitVisible(t, s, height, `watching exercises/01-counter\s*\n.*q quit`, 3*time.Minute)
	s.Keys("q")
	waitVisible(t, s, height, `Exercise 1 counter \(last check: race\)`, 10*time.Second)
	// Back in the menu, every key reaches it: Up moves to the hint.
	s.Keys("Up")
	waitVisible(t, s, height, `(?m)^  ▸ Show a hint`, 10*time.Second)

	// Back home, the exercise carries its verdict.
	s.Keys("Down", "Down", "Enter")
	waitVisible(t, s, height, `(?m)^. ▸ exercise +1  race +counter — `, 10*time.Second)
	s.Keys("C-c")
	screen = s.WaitFor(`\[exited \d+\]\s*\n\s*-?icanon`, 10*time.Second)
	assert.Regexp(t, `\[exited 0\]\s*\n\s*icanon`, screen, "the terminal is back in line mode")

	st, _, err := progress.Load(state)
	require.NoError(t, err)
	require.NotNil(t, st.Exercises["counter"])
	assert.Equal(t, "race", st.Exercises["counter"].LastVerdict, "the menu's check is remembered")
}

// TestMenuWithoutAWorkspace: started where there is no workspace, the
// menu says how to make one when an exercise is opened or checked, and
// stays; the statement can still be read.
func TestMenuWithoutAWorkspace(t *testing.T) {
	const width, height = 80, 24
	dir := t.TempDir() // outside conclab's repository: no workspace to fall back to
	s := startMenuIn(t, width, height, dir, filepath.Join(t.TempDir(), "progress.json"))
	waitVisible(t, s, height, `choose a lesson or an exercise`, 20*time.Second)
	toExercise(t, s, height, 1)
	s.Keys("Enter")
	screen := waitVisible(t, s, height, `(?s)There is no workspace here.*init \[folder\].*make run.*Exercise 1 counter`, 10*time.Second)
	assert.NotContains(t, screen, "your file:")
	s.Clear()
	s.Keys("Down", "Enter") // Check it
	waitVisible(t, s, height, `(?s)There is no workspace here.*Exercise 1 counter`, 10*time.Second)
	s.Keys("Up", "Enter") // Read the statement
	screen = waitVisible(t, s, height, `Exercise 1: a counter safe for concurrent use|lines 1-23 of`, 10*time.Second)
	assert.NotContains(t, screen, "[exited", "the menu did not fail")
	assertFitsTheScreen(t, s, width)
}

// TestMenuRunsTheRaceDetectorDemo: the demo that shows the race detector
// runs from the menu instead of saying to use --race: the menu builds a
// -race copy of conclab (saying so), runs the demo in it, and status
// then counts it as run.
func TestMenuRunsTheRaceDetectorDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds conclab with -race")
	}
	const width, height = 80, 24
	state := filepath.Join(t.TempDir(), "progress.json")
	// The -race copy goes to a cache kept between runs of this test (go
	// build leaves an up-to-date copy alone): the first build takes a
	// minute, later ones a link at most.
	env := []string{"CONCLAB_STATE=" + state, "XDG_CACHE_HOME=" + filepath.Join(os.TempDir(), "conclab-menu-test-cache")}
	s := tmuxtest.Start(t, width, height, env, tmuxtest.Conclab(t), "menu", "--lesson", "race", "--speed", "20")
	waitVisible(t, s, height, `Lesson 2: Data races`, 20*time.Second)
	s.Keys("Down", "Down")
	waitVisible(t, s, height, `(?m)^  ▸ Run demo: The race detector's report`, 10*time.Second)
	s.Keys("Enter")
	// On a terminal the line that counts the build's seconds is erased
	// when it ends; what stays is how long it took.
	screen := s.WaitFor(`(?s)built in [0-9.]+s:.*WARNING: DATA RACE.*Data race on counter.*Lesson 2: Data races`, 5*time.Minute)
	assert.NotContains(t, screen, "needs the race detector", "the demo ran, it did not refuse")
	assertFitsTheScreen(t, s, width)
	s.Keys("C-c")
	screen = s.WaitFor(`\[exited \d+\]\s*\n\s*-?icanon`, 10*time.Second)
	assert.Regexp(t, `\[exited 0\]\s*\n\s*icanon`, screen, "the terminal is back in line mode")

	st, _, err := progress.Load(state)
	require.NoError(t, err)
	require.NotNil(t, st.Lessons["race"])
	assert.Equal(t, []string{"detector"}, st.Lessons["race"].DemosRun, "status counts the detector demo, which ran")
}
