package runner

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/exercises"
	"github.com/conclab/conclab/lessons/lesson"
	"github.com/conclab/conclab/runner/progress"
)

// TestStatusCountsOnlyDemosThatRan: a demo is recorded as run (what
// status counts) only when it ran to its end. One that failed, one
// that only said it needs the race detector, and one stopped by Ctrl-C
// are not; a demo that ran is.
func TestStatusCountsOnlyDemosThatRan(t *testing.T) {
	if lesson.RaceEnabled {
		t.Skip("in a -race build every demo has the detector: none refuses")
	}
	var out bytes.Buffer
	app := &App{Stdout: &out, Stderr: &out, Theme: lesson.Plain{}, Width: 80,
		StatePath: filepath.Join(t.TempDir(), "progress.json")}
	fine := lesson.Demo{Name: "fine", Title: "Runs", Claim: "it runs",
		Run: func(context.Context, *lesson.Stage) error { return nil }}
	failing := lesson.Demo{Name: "failing", Title: "Fails", Claim: "it fails",
		Run: func(context.Context, *lesson.Stage) error { return errors.New("broken") }}
	refused := lesson.Demo{Name: "detector", Title: "Needs -race", Claim: "it needs the detector", NeedsRace: true,
		Run: func(_ context.Context, s *lesson.Stage) error {
			s.Warn("This demo needs the race detector.")
			return nil
		}}
	stopped := lesson.Demo{Name: "stopped", Title: "Stopped", Claim: "it is stopped",
		Run: func(ctx context.Context, _ *lesson.Stage) error { return ctx.Err() }}
	l := lesson.Lesson{Number: 99, Slug: "fake", Title: "Fake", Demos: []lesson.Demo{fine, failing, refused, stopped}}

	require.Error(t, runDemo(context.Background(), app, l, failing, runOptions{speed: 1}, ""), "the failing demo reports its error")
	require.NoError(t, runDemo(context.Background(), app, l, refused, runOptions{speed: 1}, ""))
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	require.ErrorIs(t, runDemo(cancelled, app, l, stopped, runOptions{speed: 1}, ""), context.Canceled)
	st, _, err := progress.Load(app.StatePath)
	require.NoError(t, err)
	if p := st.Lessons["fake"]; p != nil {
		assert.Empty(t, p.DemosRun, "a failed, refused or stopped demo was recorded as run")
	}

	require.NoError(t, runDemo(context.Background(), app, l, fine, runOptions{speed: 1}, ""))
	st, _, err = progress.Load(app.StatePath)
	require.NoError(t, err)
	require.NotNil(t, st.Lessons["fake"], "a demo that ran opens its lesson")
	assert.Equal(t, []string{"fine"}, st.Lessons["fake"].DemosRun, "only the demo that ran is recorded")
	assert.Equal(t, 1, demosRun(l, st.Lessons["fake"]), "status counts 1 of 4")
}

// TestMenuItemsMarkProgress: the home menu's lines say what the learner
// did: nothing yet, read, demos run; an exercise's last verdict or
// solved.
func TestMenuItemsMarkProgress(t *testing.T) {
	l := lesson.Lesson{Number: 2, Slug: "race", Title: "Data races", Summary: "lose updates",
		Demos: []lesson.Demo{{Name: "a"}, {Name: "b"}, {Name: "c"}}}
	e := exercises.Exercise{Number: 1, Slug: "counter", Title: "A counter"}
	st := progress.New()
	assert.Equal(t, "lesson    2             Data races — lose updates", lessonItem(l, st))
	assert.Equal(t, "exercise  1             counter — A counter", exerciseItem(e, st))
	st.OpenLesson("race")
	assert.Contains(t, lessonItem(l, st), " read ", "an opened lesson is marked read")
	st.RanDemo("race", "b")
	assert.Contains(t, lessonItem(l, st), " 1/3 demos ", "demos run are counted")
	st.Exercise("counter").Attempts, st.Exercise("counter").LastVerdict = 1, "race"
	assert.Contains(t, exerciseItem(e, st), " race ", "the last verdict is shown")
	st.Exercise("counter").Solved = true
	assert.Contains(t, exerciseItem(e, st), " solved ", "a solved exercise says so")
}

// TestMenuRaceBuildCountsSeconds: on a terminal the -race build's line
// says how long it has run ("... 0s" at once, then each second) and is
// erased when the build ends; elsewhere it is printed once.
func TestMenuRaceBuildCountsSeconds(t *testing.T) {
	var out bytes.Buffer
	app := &App{Stdout: &out, Stderr: &out, Theme: lesson.Plain{}, Width: 80}
	countSeconds(app, true, "building a -race copy of conclab...")()
	assert.Regexp(t, `^\r\x1b\[Kbuilding a -race copy of conclab\.\.\. 0s(\r\x1b\[K.*)*\r\x1b\[K$`, out.String(), "the count drawn in place, then erased")

	out.Reset()
	countSeconds(app, false, "building a -race copy of conclab...")()
	assert.Equal(t, "building a -race copy of conclab...\n", out.String(), "without a terminal, one line")
}
