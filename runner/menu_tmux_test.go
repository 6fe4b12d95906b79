package runner_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/conclab/conclab/lessons"
	"github.com/conclab/conclab/runner/tmuxtest"
)

// startMenu runs this test binary as conclab's menu in a real terminal.
func startMenu(t *testing.T, args ...string) *tmuxtest.Session {
	env := []string{"CONCLAB_STATE=" + filepath.Join(t.TempDir(), "progress.json")}
	return tmuxtest.Start(t, 110, 45, env, append([]string{tmuxtest.Conclab(t), "menu"}, args...)...)
}

func TestMenuInARealTerminal(t *testing.T) {
	first := lessons.All()[0]
	s := startMenu(t, "--speed", "20")
	s.WaitFor(`choose a lesson`, 20*time.Second)

	// Arrows move, Enter opens the lesson under the cursor.
	s.Keys("Down")
	s.Keys("Up")
	s.Keys("Enter")
	s.WaitFor(`Lesson 1: `+first.Title, 10*time.Second)

	// Down to the first demo and run it; its findings appear, then the
	// lesson's menu again.
	s.Keys("Down")
	s.Keys("Enter")
	s.WaitFor(`(?s)Claim: .*» .*Lesson 1: `+first.Title, 30*time.Second)

	// Down to "Back to the lessons": past the remaining demos and "Run all".
	for range len(first.Demos) + 1 {
		s.Keys("Down")
	}
	s.Clear()
	s.Keys("Enter")
	s.WaitFor(`choose a lesson`, 10*time.Second)

	// "Quit" is the last entry of the lesson list.
	for range len(lessons.All()) {
		s.Keys("Down")
	}
	s.Keys("Enter")
	screen := s.WaitFor(`\[exited \d+\]\s*\n\s*-?icanon`, 10*time.Second)
	assert.Contains(t, screen, "[exited 0]")
	assert.Regexp(t, `\[exited 0\]\s*\n\s*icanon`, screen, "the terminal is back in line mode")
}

func TestMenuCtrlCStopsADemoThenQuits(t *testing.T) {
	s := startMenu(t, "--speed", "1", "--lesson", "1")
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
}
