package stepgame_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/lessons"
	"github.com/conclab/conclab/runner/stepgame"
)

func play(t *testing.T, level, keys string, auto bool) (stepgame.Outcome, string, error) {
	t.Helper()
	l, err := lessons.FindLevel(level)
	require.NoError(t, err)
	var out bytes.Buffer
	outcome, err := stepgame.Play(context.Background(), l, stepgame.Options{In: strings.NewReader(keys), Out: &out, Width: 100, Auto: auto})
	return outcome, out.String(), err
}

// TestScriptedWins: each level that can be won, won by a schedule a person
// would type (written here by hand, not taken from the solver).
func TestScriptedWins(t *testing.T) {
	cases := []struct{ level, keys, want string }{
		{"lost-update", "1 1 2 1 2 2", "BUG: lost update: 2 goroutines each added 1, and counter = 1"},
		{"lose-two", "123 112233", "BUG: lost update: 3 goroutines each added 1, and counter = 1"},
		{"check-then-act", "1122 1122", "BUG: goroutine 1 and goroutine 2 are both printing"},
		{"lock-order", "12", "BUG: deadlock: Tom->Jack blocked: jack is held by Jack->Tom; Jack->Tom blocked: tom is held by Tom->Jack"},
		{"missed-signal", "1 2 2 1 1", "BUG: missed wake-up: waiter asleep in cond.Wait()"},
	}
	for _, c := range cases {
		t.Run(c.level, func(t *testing.T) {
			outcome, out, err := play(t, c.level, c.keys, false)
			require.NoError(t, err, out)
			assert.Equal(t, stepgame.Won, outcome, out)
			assert.Contains(t, out, c.want)
		})
	}
}

// TestAuto: --auto wins every winnable level by itself with the shortest
// schedule, and shows the proof for every fixed one.
func TestAuto(t *testing.T) {
	for _, l := range lessons.Levels() {
		t.Run(l.Slug, func(t *testing.T) {
			outcome, out, err := play(t, l.Slug, "", true)
			require.NoError(t, err)
			if l.Fixed {
				assert.Equal(t, stepgame.Unwinnable, outcome)
				assert.Contains(t, out, "none shows the bug")
				assert.Contains(t, out, "Why: "+l.Fix)
				assert.NotContains(t, out, "BUG:")
				return
			}
			assert.Equal(t, stepgame.Won, outcome)
			assert.Contains(t, out, "BUG: ")
			assert.Regexp(t, `Schedule: [0-9 ]+ \(([0-9]+) steps; the shortest possible has ([0-9]+)\)`, out)
			m := strings.Split(out[strings.LastIndex(out, "Schedule: "):], "(")[1]
			var steps, shortest int
			_, err = fmtSscanf(m, &steps, &shortest)
			require.NoError(t, err)
			assert.Equal(t, shortest, steps, "auto plays a shortest schedule")
		})
	}
}

func TestFixedLevelExploredByHand(t *testing.T) {
	// The mutex level has two schedules: whoever locks first runs to the end.
	outcome, out, err := play(t, "mutex", "1 2 1111 22222 r 22222 11111", false)
	require.NoError(t, err)
	assert.Equal(t, stepgame.Unwinnable, outcome)
	assert.Contains(t, out, "You have tried 1 of the 2 schedules")
	assert.Contains(t, out, "You have tried 2 of the 2 schedules")
	assert.Contains(t, out, "You have explored every schedule, and none shows the bug: this level cannot be won.")
	assert.Contains(t, out, "goroutine 2 cannot run: blocked: mu is held by goroutine 1", "a blocked goroutine refuses its key")
	assert.NotContains(t, out, "BUG:")
	assert.Equal(t, 1, strings.Count(out, "Proof: "), "the proof is shown once")
}

func TestKeys(t *testing.T) {
	// u undoes the last step, r restarts, unknown keys and goroutines are
	// explained; the script then ends before the bug: an error.
	outcome, out, err := play(t, "lost-update", "1 u u 7 x 1 1 r 1", false)
	assert.ErrorIs(t, err, stepgame.ErrNoKeys)
	assert.Equal(t, stepgame.NoMoreKeys, outcome)
	assert.Contains(t, out, "(undone)")
	assert.Contains(t, out, "(nothing to undo)")
	assert.Contains(t, out, "there is no goroutine 7: use 1 2")
	assert.Contains(t, out, `key 'x' means nothing here`)
	assert.Contains(t, out, "(restarted)")
	assert.Contains(t, out, "Input ended before the bug appeared.")

	outcome, out, err = play(t, "lost-update", "1 q 2", false)
	require.NoError(t, err)
	assert.Equal(t, stepgame.Quit, outcome)
	assert.NotContains(t, out, "2. goroutine 2", "nothing runs after q")

	// A winnable level played to a correct ending says so and invites a retry.
	_, out, _ = play(t, "lost-update", "111222", false)
	assert.Contains(t, out, "Ending: all returned with counter = 2. No bug this time")
}

func fmtSscanf(s string, steps, shortest *int) (int, error) {
	return fmt.Sscanf(s, "%d steps; the shortest possible has %d)", steps, shortest)
}

func TestStoryFitsANarrowTerminal(t *testing.T) {
	l, err := lessons.FindLevel("check-then-act")
	require.NoError(t, err)
	var out strings.Builder
	_, err = stepgame.Play(context.Background(), l, stepgame.Options{In: strings.NewReader("q"), Out: &out, Width: 60})
	require.NoError(t, err)
	assert.Contains(t, out.String(), "\nOne printer. Each goroutine checks that nobody is busy\nprinting, then marks it busy and prints.\n", "the story is wrapped between words")
	for _, line := range strings.Split(out.String(), "\n")[:4] {
		assert.LessOrEqual(t, len([]rune(line)), 60, "%q", line)
	}
}

func TestAutoOnAScreenSaysWhatItPlays(t *testing.T) {
	for level, want := range map[string]string{
		"1": "auto: playing the shortest schedule that shows the bug, 6 steps: 1 1 2 1 2 2",
		"3": "auto: no schedule shows the bug; the proof follows",
	} {
		l, err := lessons.FindLevel(level)
		require.NoError(t, err)
		var out strings.Builder
		_, err = stepgame.Play(context.Background(), l, stepgame.Options{In: strings.NewReader(""), Out: &out, Width: 100, Screen: true, Auto: true})
		require.NoError(t, err)
		assert.Contains(t, out.String(), want)
		assert.NotContains(t, out.String(), "u undo", "no keys are read in --auto")
	}
}
