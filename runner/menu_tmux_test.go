package runner_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/exercises"
	"github.com/conclab/conclab/lessons"
	"github.com/conclab/conclab/runner/tmuxtest"
)

// terminals are the sizes the menu is driven at: the 80x24 a fresh
// terminal opens with, and a roomy one.
var terminals = []struct{ width, height int }{{80, 24}, {110, 45}}

// eachTerminal runs test once per size in terminals.
func eachTerminal(t *testing.T, test func(t *testing.T, width, height int)) {
	for _, size := range terminals {
		t.Run(fmt.Sprintf("%dx%d", size.width, size.height), func(t *testing.T) {
			test(t, size.width, size.height)
		})
	}
}

// startMenu runs conclab's menu in a real terminal of width x height.
func startMenu(t *testing.T, width, height int, env []string, args ...string) *tmuxtest.Session {
	env = append(env, "CONCLAB_STATE="+filepath.Join(t.TempDir(), "progress.json"))
	return tmuxtest.Start(t, width, height, env, append([]string{tmuxtest.Conclab(t), "menu"}, args...)...)
}

// assertFitsTheScreen checks that no line the program wrote was wrapped
// by the terminal, nor reached its last column (where many terminals
// wrap, and promptui's redraw then goes over the wrong lines).
func assertFitsTheScreen(t *testing.T, s *tmuxtest.Session, width int) {
	t.Helper()
	for _, line := range strings.Split(s.Joined(), "\n") {
		line = strings.TrimRight(line, " ")
		assert.Less(t, utf8.RuneCountInString(line), width, "a line does not fit the %d-column terminal: %q", width, line)
	}
}

func TestMenuInARealTerminal(t *testing.T) {
	eachTerminal(t, func(t *testing.T, width, height int) {
		first := lessons.All()[0]
		s := startMenu(t, width, height, nil, "--speed", "20")
		s.WaitFor(`choose a lesson`, 20*time.Second)

		// Arrows move, Enter opens the lesson under the cursor.
		s.Keys("Down")
		s.Keys("Down")
		s.Keys("Up")
		s.WaitFor(`(?m)^  ▸ lesson +2  `, 10*time.Second)
		assertMenuDrawnOnce(t, s.Screen())
		assertFitsTheScreen(t, s, width)
		s.Keys("Up")
		s.WaitFor(`(?m)^  ▸ lesson +1  `, 10*time.Second)
		s.Keys("Enter")
		s.WaitFor(`Lesson 1: `+first.Title, 10*time.Second)

		// Down to the first demo and run it; its findings appear, then the
		// lesson's menu again.
		s.Keys("Down")
		s.Keys("Enter")
		s.WaitFor(`(?s)Claim: .*» .*Lesson 1: `+first.Title, 30*time.Second)
		assertFitsTheScreen(t, s, width)

		// Down to "Back to the menu": past the remaining demos and "Run all".
		for range len(first.Demos) + 1 {
			s.Keys("Down")
		}
		s.Clear()
		s.Keys("Enter")
		s.WaitFor(`choose a lesson`, 10*time.Second)

		// "Quit" is the last entry of the home menu, after the exercises.
		for range len(lessons.All()) + len(exercises.All()) {
			s.Keys("Down")
		}
		s.Keys("Enter")
		screen := s.WaitFor(`\[exited \d+\]\s*\n\s*-?icanon`, 10*time.Second)
		assert.Contains(t, screen, "[exited 0]")
		assert.Regexp(t, `\[exited 0\]\s*\n\s*icanon`, screen, "the terminal is back in line mode")
	})
}

// assertMenuDrawnOnce checks that the lesson list is on the screen once,
// whole: promptui redraws it in place after each key, and a redraw that
// goes over the wrong lines (lines that wrapped) leaves pieces of
// earlier drawings around it. The exercises follow, the first of them
// in view, and the list scrolls on to them ("↓" on its last row).
func assertMenuDrawnOnce(t *testing.T, screen string) {
	t.Helper()
	assert.Equal(t, 1, strings.Count(screen, "choose a lesson or an exercise"), "the menu's label once:\n%s", screen)
	for _, l := range lessons.All() {
		item := regexp.MustCompile(fmt.Sprintf(`(?m)^  [ ▸] lesson +%d  .{9}  %s — `, l.Number, regexp.QuoteMeta(l.Title)))
		assert.Len(t, item.FindAllString(screen, -1), 1, "lesson %d's item once:\n%s", l.Number, screen)
	}
	first := exercises.All()[0]
	assert.Regexp(t, fmt.Sprintf(`(?m)^  [ ▸] exercise +%d  .{9}  %s — `, first.Number, first.Slug), screen, "the first exercise is in view")
	assert.Regexp(t, `(?m)^↓ `, screen, "the list goes on below")
}

func TestMenuCtrlCStopsADemoThenQuits(t *testing.T) {
	eachTerminal(t, func(t *testing.T, width, height int) {
		s := startMenu(t, width, height, nil, "--speed", "1", "--lesson", "1")
		s.WaitFor(`Lesson 1: `, 20*time.Second)
		s.Keys("Down")
		s.Keys("Enter")
		s.WaitFor(`\[sing\]\s+sing 1`, 10*time.Second)

		// Ctrl-C stops the demo (it would run for 15 s) and returns to the menu.
		begin := time.Now()
		s.Keys("C-c")
		screen := s.WaitFor(`(?s)interrupted.*Lesson 1: `, 10*time.Second)
		assert.Less(t, time.Since(begin), 5*time.Second, "the demo should stop at once")
		assert.NotContains(t, screen, "sing 5", "the demo went on after Ctrl-C")

		// Ctrl-C at a menu quits, with the terminal restored.
		s.Keys("C-c")
		screen = s.WaitFor(`\[exited \d+\]\s*\n\s*-?icanon`, 10*time.Second)
		assert.Contains(t, screen, "[exited 0]")
		assert.Regexp(t, `\[exited 0\]\s*\n\s*icanon`, screen, "the terminal is back in line mode")
		assert.False(t, strings.Contains(screen, "panic"), "no panic: %s", screen)
	})
}

// TestMenuWithoutColour: under NO_COLOR or --no-color the menu writes no
// colour or style at all (promptui's own help line was dimmed); with
// colour, as a check of the check, it does.
func TestMenuWithoutColour(t *testing.T) {
	const width, height = 80, 24
	sgr := regexp.MustCompile(`\x1b\[[0-9;]*m`)
	for _, c := range []struct {
		name  string
		env   []string
		args  []string
		color bool
	}{
		{"NO_COLOR", []string{"NO_COLOR=1"}, nil, false},
		{"--no-color", nil, []string{"--no-color"}, false},
		{"colour", nil, nil, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := startMenu(t, width, height, c.env, c.args...)
			s.WaitFor(`choose a lesson`, 20*time.Second)
			s.Keys("Down")
			s.WaitFor(`(?m)^  [>▸] lesson +2  `, 10*time.Second)
			styled := s.Styled()
			if c.color {
				assert.Regexp(t, sgr, styled, "colour on a terminal")
			} else {
				assert.NotRegexp(t, sgr, styled, "no colour or style under %s", c.name)
			}
			s.Keys("C-c")
			s.WaitFor(`\[exited 0\]\s*\n\s*icanon`, 10*time.Second)
		})
	}
}

// pagerStatus matches the pager's status line, and what it says.
var pagerStatus = regexp.MustCompile(`(?m)^lines (\d+)-(\d+) of (\d+)( \(end\))?   .*q: leave\s*$`)

// TestMenuReadsALessonThroughThePager reads lesson 2, longer than a
// 24-row screen, from the menu: the pager shows a screen at a time,
// space turns the page, q goes back to the lesson's menu.
func TestMenuReadsALessonThroughThePager(t *testing.T) {
	const width, height = 80, 24
	s := startMenu(t, width, height, nil, "--lesson", "2")
	s.WaitFor(`Lesson 2: `, 20*time.Second)
	s.Keys("Enter") // Read the lesson
	screen := waitVisible(t, s, height, `(?m)^lines 1-23 of \d+   `, 10*time.Second)
	assert.Contains(t, screen, "Lesson 2: Data races", "the first screen starts at the top")
	assert.Len(t, strings.Split(strings.TrimRight(screen, "\n"), "\n"), height, "the text fills the screen, status line last")
	assertFitsTheScreen(t, s, width)

	s.Keys("Space")
	screen = waitVisible(t, s, height, `(?m)^lines 24-46 of \d+   `, 10*time.Second)
	assert.NotContains(t, screen, "Lesson 2: Data races", "space turns the page")
	s.Keys("Down")
	waitVisible(t, s, height, `(?m)^lines 25-47 of \d+   `, 10*time.Second)
	s.Keys("k")
	waitVisible(t, s, height, `(?m)^lines 24-46 of \d+   `, 10*time.Second)
	s.Keys("G")
	screen = waitVisible(t, s, height, `(?m)^lines \d+-(\d+) of (\d+) \(end\)`, 10*time.Second)
	assert.Contains(t, screen, "run them: conclab run race [demo]", "the end of the text is the demo list")

	// q leaves the pager: the lesson's menu again, under the text.
	s.Keys("q")
	screen = waitVisible(t, s, height, `(?s)run them: conclab run race.*Lesson 2: Data races:?\s*\n.*Read the lesson`, 10*time.Second)
	assert.NotRegexp(t, pagerStatus, screen, "the status line is gone")
	s.Keys("C-c")
	screen = s.WaitFor(`\[exited \d+\]\s*\n\s*-?icanon`, 10*time.Second)
	assert.Regexp(t, `\[exited 0\]\s*\n\s*icanon`, screen, "the terminal is back in line mode")
}

// TestShowPagerCtrlCRestoresTheTerminal: the pager holds the terminal in
// raw mode; Ctrl-C leaves it and conclab ends with the terminal back in
// line mode. A SIGTERM meanwhile does the same.
func TestShowPagerCtrlCRestoresTheTerminal(t *testing.T) {
	const width, height = 80, 24
	for _, c := range []struct {
		name, keys string
		exit       int
	}{
		{"Ctrl-C", "C-c", 0},
		{"q", "q", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := []string{"CONCLAB_STATE=" + filepath.Join(t.TempDir(), "progress.json")}
			s := tmuxtest.Start(t, width, height, env, tmuxtest.Conclab(t), "show", "2")
			waitVisible(t, s, height, `(?m)^lines 1-23 of \d+   `, 20*time.Second)
			s.Keys(c.keys)
			screen := s.WaitFor(`\[exited \d+\]\s*\n\s*-?icanon`, 10*time.Second)
			assert.Contains(t, screen, fmt.Sprintf("[exited %d]", c.exit))
			assert.Regexp(t, `\[exited \d+\]\s*\n\s*icanon`, screen, "the terminal is back in line mode")
		})
	}
	t.Run("SIGTERM", func(t *testing.T) {
		dir := t.TempDir()
		env := []string{"CONCLAB_STATE=" + filepath.Join(dir, "progress.json")}
		// The shell starts conclab in the background, on the terminal
		// (a background job's stdin would be /dev/null), and waits for
		// it; the test kills it once the pager is up.
		pidFile := filepath.Join(dir, "pid")
		script := fmt.Sprintf(`exec 3<&0; %s show 2 0<&3 & echo $! >%s; wait $!`, shellQuoted(tmuxtest.Conclab(t)), shellQuoted(pidFile))
		s := tmuxtest.Start(t, width, height, env, "sh", "-c", script)
		waitVisible(t, s, height, `(?m)^lines 1-23 of \d+   `, 20*time.Second)
		b, err := os.ReadFile(pidFile)
		require.NoError(t, err)
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		require.NoError(t, err)
		proc, err := os.FindProcess(pid)
		require.NoError(t, err)
		require.NoError(t, proc.Signal(syscall.SIGTERM))
		screen := s.WaitFor(`\[exited \d+\]\s*\n\s*-?icanon`, 20*time.Second)
		assert.Contains(t, screen, "[exited 143]", "conclab ends as killed by SIGTERM")
		assert.Regexp(t, `\[exited \d+\]\s*\n\s*icanon`, screen, "the terminal is back in line mode after SIGTERM")
	})
}

// TestShowWithoutAKeyboardPrintsAll: with stdin not a terminal nobody can
// turn the pages: the whole lesson is printed, nothing waits.
func TestShowWithoutAKeyboardPrintsAll(t *testing.T) {
	const width, height = 80, 24
	env := []string{"CONCLAB_STATE=" + filepath.Join(t.TempDir(), "progress.json")}
	s := tmuxtest.Start(t, width, height, env, "sh", "-c", shellQuoted(tmuxtest.Conclab(t))+" show 2 </dev/null")
	screen := s.WaitFor(`\[exited \d+\]\s*\n\s*-?icanon`, 20*time.Second)
	assert.Contains(t, screen, "[exited 0]")
	assert.Contains(t, screen, "run them: conclab run race [demo]", "the whole lesson, to its end")
	assert.NotRegexp(t, pagerStatus, screen, "no pager")
	require.Contains(t, screen, "Lesson 2: Data races")
	assertFitsTheScreen(t, s, width)
}

func shellQuoted(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
