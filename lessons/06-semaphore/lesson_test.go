package semaphore_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	semaphore "github.com/conclab/conclab/lessons/06-semaphore"
	"github.com/conclab/conclab/lessons/lesson"
	"github.com/conclab/conclab/lessons/lessontest"
)

func TestMain(m *testing.M) { lessontest.Main(m, semaphore.Lesson) }

// activeFromTimeline replays the timeline and returns the most lanes that
// were ever between "acquired object" and "released object".
func activeFromTimeline(events []lesson.Event, object string) (peak, acquired int) {
	holding := 0
	for _, e := range events {
		if e.Object != object {
			continue
		}
		switch e.Kind {
		case lesson.Acquired:
			holding++
			acquired++
			peak = max(peak, holding)
		case lesson.Released:
			holding--
		}
	}
	return peak, acquired
}

func TestBufferedChannelNeverLetsMoreThanThreeIn(t *testing.T) {
	// Speed 4: a task holds its seat 100 ms, long enough on a loaded
	// machine for three to be inside together.
	r := lessontest.Run(t, semaphore.Lesson, "buffered-channel", lessontest.Speed(4))
	assert.Equal(t, 3.0, r.Finding(t, "limit"))
	assert.Equal(t, 3.0, r.Finding(t, "peak"), "the measured peak must reach the limit and never pass it")

	peak, acquired := activeFromTimeline(r.Stage.Events(), "sem")
	assert.Equal(t, 10, acquired, "every task took a seat once")
	assert.LessOrEqual(t, peak, 3, "the timeline shows more than 3 tasks holding the semaphore")

	// Four rounds of 100 ms: well over three rounds, well under ten.
	elapsed := r.Finding(t, "elapsed")
	assert.GreaterOrEqual(t, elapsed, 390.0, "10 tasks 3 at a time need 4 rounds")
	assert.Less(t, elapsed, 1000.0*0.9, "the tasks ran one at a time")

	var waiting int
	for _, e := range r.Stage.Events() {
		if e.Kind == lesson.Waiting && e.Object == "sem" {
			waiting++
		}
	}
	assert.Equal(t, 10, waiting, "each task records waiting for the semaphore")
}

func TestWeightedKeepsWithinBudgetAndBigJobRunsAlone(t *testing.T) {
	r := lessontest.Run(t, semaphore.Lesson, "weighted", lessontest.Speed(5))
	budget := r.Finding(t, "budget")
	assert.Equal(t, 10.0, budget)
	assert.LessOrEqual(t, r.Finding(t, "peak"), budget, "more memory in use than the budget")
	assert.Equal(t, 1.0, r.Finding(t, "big-job-alone"), "the job of the whole budget ran next to another")
	_, acquired := activeFromTimeline(r.Stage.Events(), "memory")
	assert.Equal(t, 7, acquired, "every job ran once")
}

func TestErrgroupLimitAndFirstErrorCancels(t *testing.T) {
	// Speed 1: the failing worker fails at once while the others sleep
	// 100-300 ms, a margin no scheduler delay closes.
	r := lessontest.Run(t, semaphore.Lesson, "errgroup-limit", lessontest.Speed(1))
	assert.Equal(t, 5.0, r.Finding(t, "peak"), "errgroup.SetLimit(5) should allow 5 at once, never 6")
	work, elapsed := r.Finding(t, "work"), r.Finding(t, "elapsed")
	assert.GreaterOrEqual(t, elapsed, work/5*0.95, "5 at a time cannot beat a fifth of the work")
	assert.Less(t, elapsed, work/2, "the workers did not run side by side")

	assert.Less(t, r.Finding(t, "started"), 20.0, "the loop kept starting workers after the group was cancelled")
	assert.Positive(t, r.Finding(t, "skipped"))
	assert.Positive(t, r.Finding(t, "cancelled"), "running workers were not cut short")
	assert.True(t, strings.Contains(r.Output, "warp drive is broken"), "the first error is reported")
}

func TestOrderedResultsComeBackInInputOrder(t *testing.T) {
	// Speed 1: cat finishes at 100 ms, ant at 350 ms; the jobs finish out
	// of input order by a margin no scheduler delay closes.
	r := lessontest.Run(t, semaphore.Lesson, "ordered-results", lessontest.Speed(1))
	assert.Positive(t, r.Finding(t, "out-of-place"), "the jobs should finish out of input order, or the demo shows nothing")
	assert.Equal(t, 1.0, r.Finding(t, "results-in-order"), "each job writes its own index: the results must be in input order")
	assert.LessOrEqual(t, r.Finding(t, "peak"), 3.0, "more than 3 jobs ran at once")
	assert.Contains(t, r.Output, "[ANT BEE CAT DOG EEL FOX]")

	peak, acquired := activeFromTimeline(r.Stage.Events(), "sem")
	assert.Equal(t, 6, acquired, "every job ran once")
	assert.LessOrEqual(t, peak, 3, "the timeline shows more than 3 jobs holding the semaphore")
}

func TestFirstErrorCancelsTheRestAndIsKept(t *testing.T) {
	// Speed 1: jobs 1-3 end at 400 ms, jobs 4-6 start then, job 5 fails
	// at 500 ms while 4 and 6 have 300 ms to go.
	r := lessontest.Run(t, semaphore.Lesson, "first-error", lessontest.Speed(1))
	assert.Equal(t, 1.0, r.Finding(t, "first-error-kept"), "the error kept must be job 5's, not the context.Canceled of the jobs cut short")
	assert.Equal(t, 6.0, r.Finding(t, "called"), "jobs 1 to 6 are called, and none after job 5 failed")
	assert.Equal(t, 6.0, r.Finding(t, "never-called"))
	assert.Equal(t, 3.0, r.Finding(t, "completed"), "jobs 1 to 3 finish before anything fails")
	assert.Equal(t, 2.0, r.Finding(t, "cancelled"), "jobs 4 and 6 honour the cancelled context and stop early")
	assert.Less(t, r.Finding(t, "elapsed"), r.Finding(t, "all-jobs")/2, "the cancelled jobs ran to the end")
	assert.Contains(t, r.Output, "first error: job 5: the printer is on fire")

	peak, acquired := activeFromTimeline(r.Stage.Events(), "sem")
	assert.Equal(t, 6, acquired, "only the 6 called jobs took a slot")
	assert.LessOrEqual(t, peak, 3)
}

func TestLessonShape(t *testing.T) {
	require.Len(t, semaphore.Lesson.Demos, 5)
	assert.Contains(t, semaphore.Lesson.Text, "Coming from Python")
}
