package lessontest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/lessons/lesson"
	"github.com/conclab/conclab/lessons/stepper"
)

// Levels checks a lesson's stepper levels with the stepper's own
// exhaustive search. A level that can be won must be won by a schedule of
// exactly shortest[slug] steps, which is replayed here step by step and
// must not win before its last step; a fixed level must have no winning
// state among all of its reachable ones, a way to end, and a finite number
// of complete schedules (the game counts them for the player). Every level
// of the lesson must be named in shortest, fixed ones with 0, so a new
// level cannot go unchecked.
func Levels(t *testing.T, l lesson.Lesson, shortest map[string]int) {
	t.Helper()
	require.NotEmpty(t, l.Levels, "lesson %s has no stepper levels", l.ID())
	for _, lv := range l.Levels {
		t.Run(lv.Slug, func(t *testing.T) {
			want, ok := shortest[lv.Slug]
			require.True(t, ok, "level %s of lesson %s has no expected shortest schedule", lv.Slug, l.ID())
			res := stepper.Solve(&lv)
			if lv.Fixed {
				assert.Zero(t, want, "level %s is fixed: its expected shortest schedule is 0", lv.Slug)
				assert.NotEmpty(t, lv.Fix, "a fixed level says what makes it unwinnable")
				assert.Nil(t, res.Schedule, "level %s is fixed, yet a schedule wins: %v (%s)", lv.Slug, res.Schedule, res.Message)
				assert.NotEmpty(t, res.Endings)
				for _, e := range res.Endings {
					t.Logf("ending: %s", e)
				}
				assert.Positive(t, res.Schedules)
				t.Logf("proof: %d reachable states, %d endings, %d schedules, none wins", res.States, len(res.Endings), res.Schedules)
				return
			}
			require.NotNil(t, res.Schedule, "level %s cannot be won", lv.Slug)
			assert.Len(t, res.Schedule, want, "shortest winning schedule of %s", lv.Slug)
			st := lv.Start()
			for i, g := range res.Schedule {
				require.Contains(t, lv.Runnable(st), g, "step %d of %v", i, res.Schedule)
				st, _ = lv.Step(st, g)
				if i < len(res.Schedule)-1 {
					won, _ := lv.Won(st)
					require.False(t, won, "won before the schedule ended: not shortest")
				}
			}
			won, msg := lv.Won(st)
			assert.True(t, won)
			assert.Equal(t, res.Message, msg)
			t.Logf("schedule %v: %s (%d states)", res.Schedule, msg, res.States)
		})
	}
}
