package stepper_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/runner/stepper"
)

func TestLevelsInLessonOrder(t *testing.T) {
	ls := stepper.Levels()
	require.GreaterOrEqual(t, len(ls), 6)
	prev := ""
	fixed := 0
	for i, l := range ls {
		assert.Equal(t, i+1, l.Number)
		assert.GreaterOrEqual(t, l.Lesson, prev, "level %d (%s) is out of lesson order", l.Number, l.Slug)
		prev = l.Lesson
		if l.Fixed {
			fixed++
			assert.NotEmpty(t, l.Fix, "a fixed level says what makes it unwinnable")
		}
		found, err := stepper.Find(l.Slug)
		require.NoError(t, err)
		assert.Equal(t, l.Number, found.Number)
	}
	assert.GreaterOrEqual(t, fixed, 2)
	_, err := stepper.Find("99")
	assert.ErrorContains(t, err, "valid: 1 lost-update")
}

// TestSolve: every level that can be won is won by a shortest schedule,
// replayed here step by step; every fixed level has no winning state among
// all of its reachable ones.
func TestSolve(t *testing.T) {
	shortest := map[string]int{
		"lost-update":    6, // every step runs: the loss shows when both have stored
		"lose-two":       9,
		"check-then-act": 8, // both check, then both set and print
		"lock-order":     2, // each takes its first lock
		"missed-signal":  5, // check, set, signal (lost), then sleep
	}
	for _, l := range stepper.Levels() {
		t.Run(l.Slug, func(t *testing.T) {
			res := stepper.Solve(l)
			if l.Fixed {
				assert.Nil(t, res.Schedule, "level %d is fixed, yet a schedule wins: %v (%s)", l.Number, res.Schedule, res.Message)
				assert.NotEmpty(t, res.Endings)
				for _, e := range res.Endings {
					t.Logf("ending: %s", e)
				}
				assert.Positive(t, res.Schedules)
				t.Logf("proof: %d reachable states, %d endings, %d schedules, none wins", res.States, len(res.Endings), res.Schedules)
				return
			}
			require.NotNil(t, res.Schedule, "level %d cannot be won", l.Number)
			assert.Len(t, res.Schedule, shortest[l.Slug], "shortest winning schedule of %s", l.Slug)
			st := l.Start()
			for i, g := range res.Schedule {
				require.Contains(t, l.Runnable(st), g, "step %d of %v", i, res.Schedule)
				st, _ = l.Step(st, g)
				if i < len(res.Schedule)-1 {
					won, _ := l.Won(st)
					require.False(t, won, "won before the schedule ended: not shortest")
				}
			}
			won, msg := l.Won(st)
			assert.True(t, won)
			assert.Equal(t, res.Message, msg)
			t.Logf("schedule %v: %s (%d states)", res.Schedule, msg, res.States)
		})
	}
}
