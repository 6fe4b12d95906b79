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
	return lessonStep(t, s, "2 race", n, height)
}

// lessonStep is presentStep for any lesson ("1 goroutines").
func lessonStep(t *testing.T, s *tmuxtest.Session, lesson string, n, height int) string {
	t.Helper()
	return waitVisible(t, s, height, fmt.Sprintf(`(?ms)^\s*conclab · lesson %s · step %d of \d+\s*$.*q: quit`, lesson, n), 30*time.Second)
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
	assert.Contains(t, screen, "Enter/space: next   b: back   g N: go to   q: quit   ?: keys")

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
	screen = waitVisible(t, s, height, `(?s)▸ .*`+pauseLegend, 30*time.Second)
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

// TestPresentDiscardsKeysTypedDuringADemo: keys typed without Enter
// while a demo runs sit in the terminal's line buffer; they must not
// arrive as keys once the demo ends and skip the steps after it.
func TestPresentDiscardsKeysTypedDuringADemo(t *testing.T) {
	const width, height = 80, 24
	env := []string{"CONCLAB_STATE=" + filepath.Join(t.TempDir(), "progress.json"), "NO_COLOR=1"}
	// At speed 1 the side-by-side half of lesson 1's first demo takes 5
	// s: the keys typed after its first line land well before it ends.
	s := tmuxtest.Start(t, width, height, env, tmuxtest.Conclab(t), "present", "1", "--speed", "1")
	screen := lessonStep(t, s, "1 goroutines", 1, height)
	n := 1
	for !strings.Contains(screen, "P R E D I C T") {
		require.Less(t, n, 40, "no predict step in lesson 1:\n%s", screen)
		n++
		s.Keys("Space")
		screen = lessonStep(t, s, "1 goroutines", n, height)
	}
	predict := n

	s.Keys("Space")
	waitVisible(t, s, height, `(?s)▸ now side by side.*`+pauseLegend, 60*time.Second) // after the serial half, 10 s
	s.Keys("Enter")
	waitVisible(t, s, height, `(?s)Side by side: one goroutine each.*(sing|dance) 1`, 30*time.Second)
	s.Keys("Space", "Space") // no Enter
	screen = visible(s.Screen(), height)
	require.NotContains(t, screen, "Enter: reveal the answer", "the demo ended before the keys were typed: the test proves nothing")

	// (The run scrolls its step's first line away: its end is enough.)
	waitVisible(t, s, height, `(?s)» concurrent: .*Enter: reveal the answer`, 30*time.Second)
	// Had the two spaces been read as keys, the answer and the timeline
	// would follow, and b would go back to the answer.
	s.Keys("b")
	screen = waitVisible(t, s, height, `P R E D I C T|T H E    A N S W E R|W H A T`, 30*time.Second)
	assert.Contains(t, screen, "P R E D I C T", "b went back from the run to its question: the keys typed during the demo moved nothing")
	assert.Regexp(t, fmt.Sprintf(`step %d of`, predict), screen)

	s.Keys("q")
	screen = s.WaitFor(`\[exited \d+\]\s*\n\s*-?icanon`, 20*time.Second)
	assert.Contains(t, screen, "[exited 0]")
}

// TestPresentRedrawsWhenResized: a terminal resized mid-presentation
// gets the step on its screen drawn again at the new size, and the
// steps after it laid out for that size.
func TestPresentRedrawsWhenResized(t *testing.T) {
	env := []string{"CONCLAB_STATE=" + filepath.Join(t.TempDir(), "progress.json"), "NO_COLOR=1"}
	s := tmuxtest.Start(t, 80, 24, env, tmuxtest.Conclab(t), "present", "2")
	screen := presentStep(t, s, 1, 24)
	assert.Regexp(t, `(?m)^conclab · lesson 2 race · step 1 of`, screen, "80 columns: no margin")

	// Wider than the column of text: the same step, centred.
	s.Resize(140, 30)
	margin := strings.Repeat(" ", (140-100)/2)
	screen = waitVisible(t, s, 30, `(?m)^`+margin+`conclab · lesson 2 race · step 1 of \d+`, 30*time.Second)
	assert.Contains(t, screen, "\n"+margin+"┏", "the heading is centred at the new width")
	assert.Contains(t, screen, "\n"+margin+"Enter/space: next", "the whole step is drawn again, down to its footer")

	// Narrower: the text is wrapped again at 56 (60 less the slide's 4),
	// not merely folded by the terminal at 60.
	s.Resize(60, 24)
	screen = waitVisible(t, s, 24, `(?ms)^conclab · lesson 2 race · step 1 of \d+.*q: quit`, 30*time.Second)
	for _, line := range strings.Split(screen, "\n") {
		assert.LessOrEqual(t, len([]rune(strings.TrimRight(line, " "))), 56, "wrapped for 60 columns: %q", line)
	}
	// The next step is laid out for the new size too.
	s.Keys("Space")
	screen = presentStep(t, s, 2, 24)
	for _, line := range strings.Split(screen, "\n") {
		assert.LessOrEqual(t, len([]rune(strings.TrimRight(line, " "))), 56, "step 2 at 60 columns: %q", line)
	}

	s.Keys("q")
	screen = s.WaitFor(`\[exited \d+\]\s*\n\s*-?icanon`, 20*time.Second)
	assert.Contains(t, screen, "[exited 0]")
}

// pauseLegend is the legend under a pause inside a demo, as a pattern.
const pauseLegend = `Enter/space: go on   q: quit   g N: go to   \?: keys`

// toPredict pages from step 1 to the first demo's predict step and
// returns its number.
func toPredict(t *testing.T, s *tmuxtest.Session, lesson string, height int) int {
	t.Helper()
	screen := lessonStep(t, s, lesson, 1, height)
	n := 1
	for !strings.Contains(screen, "P R E D I C T") {
		require.Less(t, n, 40, "no predict step in lesson %s:\n%s", lesson, screen)
		n++
		s.Keys("Space")
		screen = lessonStep(t, s, lesson, n, height)
	}
	return n
}

// exited waits for the program's end and the terminal's state after it.
func exited(t *testing.T, s *tmuxtest.Session) string {
	t.Helper()
	return s.WaitFor(`\[exited \d+\]\s*\n\s*-?icanon`, 20*time.Second)
}

// echoes proves the terminal echoes again: what is typed to the shell
// after conclab ended shows on the screen.
func echoes(t *testing.T, s *tmuxtest.Session) {
	t.Helper()
	s.Type("echo-is-back")
	s.WaitFor(`echo-is-back`, 10*time.Second)
}

// TestPresentQuitsAtAPauseInADemo: at 80x24, a pause inside a demo shows
// its keys; q there quits at once (not echoed, no Enter needed), and the
// terminal is back in line mode with echo.
func TestPresentQuitsAtAPauseInADemo(t *testing.T) {
	const width, height = 80, 24
	env := []string{"CONCLAB_STATE=" + filepath.Join(t.TempDir(), "progress.json"), "NO_COLOR=1"}
	s := tmuxtest.Start(t, width, height, env, tmuxtest.Conclab(t), "present", "2", "--speed", "20")
	toPredict(t, s, "2 race", height)
	s.Keys("Space")
	screen := waitVisible(t, s, height, `(?s)▸ how many of the 2,000,000 updates will arrive\?\s*\n\s*`+pauseLegend, 30*time.Second)
	assert.NotContains(t, screen, "» lost", "the pause comes before the result")

	s.Keys("?")
	waitVisible(t, s, height, `At a pause inside a demo`, 10*time.Second)
	s.Keys("q")
	screen = exited(t, s)
	assert.Contains(t, screen, "(presentation ended)")
	assert.Contains(t, screen, "[exited 0]")
	assert.Regexp(t, `\[exited 0\]\s*\n\s*icanon`, screen, "the terminal is back in line mode")
	assert.NotRegexp(t, `(?m)^\s*q\s*$`, screen, "q was taken as a key, not echoed")
	assert.NotContains(t, screen, "» lost", "q stopped the demo at its pause")
	echoes(t, s)
}

// TestPresentCtrlCEndsThePresentation: Ctrl-C in the middle of a demo
// ends the presentation, not only the demo: conclab exits 130 with the
// terminal restored, and what is typed next goes to the shell.
func TestPresentCtrlCEndsThePresentation(t *testing.T) {
	const width, height = 80, 24
	env := []string{"CONCLAB_STATE=" + filepath.Join(t.TempDir(), "progress.json"), "NO_COLOR=1"}
	// At speed 1 the serial half of lesson 1's first demo takes 10 s.
	s := tmuxtest.Start(t, width, height, env, tmuxtest.Conclab(t), "present", "1", "--speed", "1")
	toPredict(t, s, "1 goroutines", height)
	s.Keys("Space")
	waitVisible(t, s, height, `(?s)One after the other.*(sing|dance) 1`, 30*time.Second)
	s.Keys("C-c")
	screen := exited(t, s)
	assert.Contains(t, screen, "(presentation interrupted)")
	assert.Contains(t, screen, "[exited 130]", "Ctrl-C: the shell's exit code for an interrupt")
	assert.Regexp(t, `\[exited 130\]\s*\n\s*icanon`, screen, "the terminal is back in line mode")
	assert.NotContains(t, screen, "now side by side", "the demo stopped at Ctrl-C")
	echoes(t, s)
}

// TestPresentGoesToAStep: --from N starts at step N; g N Enter goes to
// step N, showing what is typed; ? shows the keys, any key comes back.
func TestPresentGoesToAStep(t *testing.T) {
	const width, height = 80, 24
	env := []string{"CONCLAB_STATE=" + filepath.Join(t.TempDir(), "progress.json"), "NO_COLOR=1"}
	s := tmuxtest.Start(t, width, height, env, tmuxtest.Conclab(t), "present", "2", "--from", "3")
	screen := presentStep(t, s, 3, height)
	assert.NotContains(t, screen, "step 1 of", "--from 3 starts at step 3")

	s.Keys("g", "1", "7")
	waitVisible(t, s, height, `go to step \(1 to \d+\): 17`, 10*time.Second)
	s.Keys("BSpace", "BSpace", "2", "Enter") // Backspace corrects the number
	presentStep(t, s, 2, height)

	s.Keys("?")
	screen = waitVisible(t, s, height, `(?s)K E Y S.*any key: back to step 2`, 10*time.Second)
	assert.Contains(t, screen, "g N Enter")
	s.Keys("x")
	presentStep(t, s, 2, height)

	s.Keys("q")
	screen = exited(t, s)
	assert.Contains(t, screen, "[exited 0]")
	assert.Regexp(t, `\[exited 0\]\s*\n\s*icanon`, screen)

	// A step the lesson does not have is a mistake on the command line.
	s = tmuxtest.Start(t, width, height, env, tmuxtest.Conclab(t), "present", "2", "--from", "999")
	screen = exited(t, s)
	assert.Contains(t, screen, "[exited 2]")
	assert.Regexp(t, `no such step: lesson 2 has steps 1 to \d+, not 999`, screen)
	assert.Regexp(t, `\[exited 2\]\s*\n\s*icanon`, screen)
}
