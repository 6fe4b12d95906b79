package runner_test

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/runner/tmuxtest"
)

// visible is the part of a captured pane that is on the screen now: the
// last height lines (tmux keeps what a clear-screen wiped in its history,
// which Screen also returns).
func visible(screen string, height int) string {
	lines := strings.Split(strings.TrimSuffix(screen, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-height):], "\n")
}

// waitVisible waits until the visible screen (not the history, which
// holds earlier steps) matches pattern and returns it; after timeout it
// fails the test, showing the screen. It polls tmux: there is nothing
// else to wait on.
func waitVisible(t *testing.T, s *tmuxtest.Session, height int, pattern string, timeout time.Duration) string {
	t.Helper()
	re := regexp.MustCompile(pattern)
	deadline := time.Now().Add(timeout)
	for {
		screen := visible(s.Screen(), height)
		if re.MatchString(screen) {
			return screen
		}
		if time.Now().After(deadline) {
			t.Fatalf("the screen did not show %q within %v; it shows:\n%s", pattern, timeout, screen)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// presentStep waits until the presentation shows step n, drawn down to
// its footer, and returns the screen. The deadline is generous: a loaded
// CI machine may take seconds to start a demo.
func presentStep(t *testing.T, s *tmuxtest.Session, n, height int) string {
	t.Helper()
	return waitVisible(t, s, height, fmt.Sprintf(`(?ms)^\s*conclab · lesson 2 race · step %d of \d+\s*$.*q: quit`, n), 30*time.Second)
}

// TestPresentInARealTerminal presents lesson 2 to a class at 80x24: the
// predict question, the live run with its pause, the answer with what was
// measured, back to the recorded run, and q with the terminal restored.
func TestPresentInARealTerminal(t *testing.T) {
	const width, height = 80, 24
	env := []string{"CONCLAB_STATE=" + filepath.Join(t.TempDir(), "progress.json")}
	s := tmuxtest.Start(t, width, height, env, tmuxtest.Conclab(t), "present", "2", "--speed", "20")

	screen := presentStep(t, s, 1, height)
	m := regexp.MustCompile(`step 1 of (\d+)`).FindStringSubmatch(screen)
	require.NotNil(t, m, screen)
	total, _ := strconv.Atoi(m[1])
	assert.Contains(t, screen, "L E S S O N    2 :", "a large heading")
	assert.Contains(t, screen, "Enter/space: next   b: back   q: quit")

	// b on the first step changes nothing; Space pages through the text
	// to the first demo's question.
	s.Keys("b")
	n := 1
	for !strings.Contains(screen, "P R E D I C T") {
		require.Less(t, n, total, "no predict step in lesson 2:\n%s", screen)
		n++
		s.Keys("Space")
		screen = presentStep(t, s, n, height)
		if n == 2 {
			assert.NotContains(t, screen, "step 1 of", "the screen is cleared between steps")
		}
	}
	assert.Contains(t, screen, "press Enter to run the demo")
	assert.NotContains(t, screen, "Measured this run", "the answer is not shown before the run")
	predict := n

	// The run: the demo stops at its pause, before the punchline.
	s.Keys("Space")
	screen = waitVisible(t, s, height, `▸ .*\(Enter\)`, 30*time.Second)
	assert.Regexp(t, fmt.Sprintf(`step %d of`, predict+1), screen)
	assert.NotContains(t, screen, "» lost", "the result comes after the pause")
	// Keys pressed while the demo runs answer its pause; the extra ones
	// must not skip the slides after it (b below proves where we are).
	s.Keys("Space", "Space", "Enter")
	// (A long run scrolls: its length depends on how many tries the
	// race took, so only the answer step is checked to fit.)
	waitVisible(t, s, height, `(?s)» lost: .*Enter: reveal the answer`, 60*time.Second)

	// The answer, with what this run measured, on one screen.
	s.Keys("Space")
	screen = presentStep(t, s, predict+2, height)
	assert.Contains(t, screen, "T H E    A N S W E R")
	assert.Contains(t, screen, "Measured this run:")
	assert.Regexp(t, `» total: [\d,]+ of 2,000,000`, screen)
	assert.Regexp(t, `^conclab · lesson 2 race · step`, screen, "the step fits on the screen: its first line is still there")

	// Back: the recorded run is shown again, not run a second time.
	s.Keys("b")
	waitVisible(t, s, height, `\(the recorded run: press r to run it again\)\s*\n.*Enter: reveal the answer`, 30*time.Second)
	s.Keys("b")
	screen = presentStep(t, s, predict, height)
	assert.Contains(t, screen, "P R E D I C T", "the keys typed during the demo did not move the presentation")

	s.Keys("q")
	screen = s.WaitFor(`\[exited \d+\]\s*\n\s*-?icanon`, 20*time.Second)
	assert.Contains(t, screen, "(presentation ended)")
	assert.Contains(t, screen, "[exited 0]")
	assert.Regexp(t, `\[exited 0\]\s*\n\s*icanon`, screen, "the terminal is back in line mode")
}

// TestPresentOnAWideTerminal: on a projector's wide terminal without
// colour the slide is centred, not stretched.
func TestPresentOnAWideTerminal(t *testing.T) {
	const width, height = 200, 50
	env := []string{"CONCLAB_STATE=" + filepath.Join(t.TempDir(), "progress.json"), "NO_COLOR=1"}
	s := tmuxtest.Start(t, width, height, env, tmuxtest.Conclab(t), "present", "2")
	screen := presentStep(t, s, 1, height)
	margin := strings.Repeat(" ", (width-100)/2)
	assert.Contains(t, screen, "\n"+margin+"┏", "the heading is centred")
	assert.Contains(t, screen, "\n"+margin+"Enter/space: next", "the footer is centred")
	for _, line := range strings.Split(screen, "\n") {
		assert.LessOrEqual(t, len([]rune(strings.TrimSpace(line))), 100, "a column of text at most 100 wide: %q", line)
	}
	s.Keys("q")
	screen = s.WaitFor(`\[exited \d+\]\s*\n\s*-?icanon`, 20*time.Second)
	assert.Contains(t, screen, "[exited 0]")
}
