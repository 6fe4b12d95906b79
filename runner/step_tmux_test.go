package runner_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/conclab/conclab/runner/tmuxtest"
)

// TestStepInARealTerminal plays level 1 of the interleaving stepper with
// single keys (no Enter: the terminal is raw) to a lost update, using a
// wrong key, undo and a goroutine that does not exist on the way, goes
// on to level 2 and quits there with the terminal restored.
func TestStepInARealTerminal(t *testing.T) {
	const width, height = 80, 24
	env := []string{"CONCLAB_STATE=" + filepath.Join(t.TempDir(), "progress.json")}
	s := tmuxtest.Start(t, width, height, env, tmuxtest.Conclab(t), "step", "1")
	screen := waitVisible(t, s, height, `(?m)^Schedule: \(none yet\)\s*\n.*keys:`, 30*time.Second)
	assert.Contains(t, screen, "Level 1: counter++ is three steps")
	assert.Contains(t, screen, "keys: 1 2 run that goroutine's next step   u undo   r restart   q quit")

	// Each key redraws the board with the schedule so far, and a note
	// for a key that did nothing; waiting for them on the visible screen
	// is what keeps keys and screens in step.
	play := func(key, schedule, note string) string {
		t.Helper()
		s.Keys(key)
		return waitVisible(t, s, height, `(?m)`+note+`.*\n^Schedule: `+schedule+`\s*\n.*keys:`, 20*time.Second)
	}
	play("1", "1", "")
	play("1", "1 1", "")
	play("2", "1 1 2", `Last step: goroutine 2: r := counter`)
	play("u", "1 1", "undone")
	play("x", "1 1", `key 'x' means nothing here`)
	play("3", "1 1", "there is no goroutine 3: use 1 2")
	play("2", "1 1 2", "")
	play("2", "1 1 2 2", "")
	play("2", "1 1 2 2 2", "")
	s.Keys("1")
	screen = waitVisible(t, s, height, `BUG: lost update(?s:.*)q: quit`, 20*time.Second)
	assert.Contains(t, screen, "BUG: lost update: 2 goroutines each added 1, and counter = 1")
	assert.Contains(t, screen, "Schedule: 1 1 2 2 2 1 (6 steps; the shortest possible has 6)")
	assert.Contains(t, screen, "n: next level   r: play again   q: quit")

	// n goes on to the next level, q quits there.
	s.Keys("n")
	waitVisible(t, s, height, `(?s)^Level 2: .*Schedule: \(none yet\)\s*\n.*keys: 1 2 3 `, 20*time.Second)
	s.Keys("q")
	screen = s.WaitFor(`\[exited \d+\]\s*\n\s*-?icanon`, 20*time.Second)
	assert.Contains(t, screen, "[exited 0]")
	assert.Regexp(t, `\[exited 0\]\s*\n\s*icanon`, screen, "the terminal is back in line mode")
}
