package contexts_test

import (
	"regexp"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"

	contexts "github.com/conclab/conclab/lessons/11-context"
	"github.com/conclab/conclab/lessons/lesson"
	"github.com/conclab/conclab/lessons/lessontest"
)

func TestMain(m *testing.M) { lessontest.Main(m, contexts.Lesson) }

func TestLeakyPipelineLeaksTwoPerRequest(t *testing.T) {
	r := lessontest.Run(t, contexts.Lesson, "leaky-pipeline", lessontest.Speed(20))
	assert.Equal(t, 10.0, r.Finding(t, "leaked"), "5 requests x (gen + square) should be stuck on a send")
	assert.GreaterOrEqual(t, r.Finding(t, "goroutines-added"), 10.0, "runtime.NumGoroutine should have grown by the leaked stages")
	assert.Equal(t, 0.0, r.Finding(t, "leaked-after-drain"), "draining the abandoned channels should free every stage")
	assert.Contains(t, r.Output, "request 5: answer 529", "the first square above 500 is 23*23")
	// The dump shows where: 5 in gen's send, 5 in square's send.
	assert.Len(t, regexp.MustCompile(`(?m)^  5 goroutines blocked in chan send at pipeline\.go:\d+$`).FindAllString(r.Output, -1), 2,
		"the leaked stages should be seen blocked on their sends, 5 at each of two lines")
	// Run has checked with goleak that the demo itself left nothing behind.
}

func TestContextPipelineLeaksNothing(t *testing.T) {
	r := lessontest.Run(t, contexts.Lesson, "context-pipeline", lessontest.Speed(20))
	assert.Equal(t, 0.0, r.Finding(t, "leaked"), "cancelling each request's context should end its stages")
	assert.LessOrEqual(t, r.Finding(t, "goroutines-added"), 0.0)
	assert.Contains(t, r.Output, "request 5: answer 529")
	assert.NotContains(t, r.Output, "goroutines behind", "no request should leave goroutines behind")
}

// In a synctest bubble the clock moves only when every goroutine is
// blocked: the deadlines and the work take exactly their time, however
// loaded the machine, so the outcome of every request is exact.
func TestTimeoutsExactInFakeTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := lessontest.Run(t, contexts.Lesson, "timeouts", lessontest.Speed(1))
		assert.Equal(t, 3.0, r.Finding(t, "finished"), "the 100, 200 and 300 ms requests fit in 500 ms")
		assert.Equal(t, 2.0, r.Finding(t, "over-budget"), "the 1.5 s and 2.5 s requests are cut at the deadline")
		assert.Equal(t, 1.0, r.Finding(t, "client-gone"), "request 4's client hangs up at 250 ms")
		assert.Equal(t, 500.0, r.Finding(t, "slowest-answer"), "nothing runs past the 500 ms budget")
		assert.Equal(t, 500.0, r.Finding(t, "elapsed"), "all six are done at the deadline, not after 2.5 s")
		assert.Contains(t, r.Output, "request 4: 900ms of work, cut after 250ms: the client hung up")
		assert.Contains(t, r.Output, "request 6: 2.5s of work, cut after 500ms: over its 500ms budget")
	})
}

func TestTimeoutsRealTime(t *testing.T) {
	// Speed 1: the longest request asks for 2.5 s. Every answer comes at
	// 500 ms in theory; a loaded machine may add a lot, hence the margin.
	r := lessontest.Run(t, contexts.Lesson, "timeouts", lessontest.Speed(1))
	total := r.Finding(t, "finished") + r.Finding(t, "over-budget") + r.Finding(t, "client-gone")
	assert.Equal(t, 6.0, total, "every request ends one of three ways")
	assert.GreaterOrEqual(t, r.Finding(t, "over-budget"), 1.0, "the 2.5 s request cannot fit in 500 ms")
	assert.Less(t, r.Finding(t, "elapsed"), r.Finding(t, "longest-work")*0.8,
		"the requests should end at their deadline, well before the longest work would")
	assert.GreaterOrEqual(t, r.Finding(t, "elapsed"), 500*0.95, "the cut requests run until their 500 ms deadline")
}

func TestAfterFuncCutsASilentRead(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := lessontest.Run(t, contexts.Lesson, "after-func", lessontest.Speed(1))
		assert.Equal(t, 1.0, r.Finding(t, "silent-read-cut"))
		assert.Equal(t, 300.0, r.Finding(t, "silent-read-returned-after"), "the read returns at the context's deadline")
		assert.Equal(t, 0.0, r.Finding(t, "answered-read-cut"), "a read that wins stops the after-func before it runs")
		assert.Contains(t, r.Output, `read "hello"`)
	})
}

func TestAfterFuncRealTime(t *testing.T) {
	r := lessontest.Run(t, contexts.Lesson, "after-func", lessontest.Speed(3))
	assert.Equal(t, 1.0, r.Finding(t, "silent-read-cut"))
	assert.GreaterOrEqual(t, r.Finding(t, "silent-read-returned-after"), 100*0.9, "not before the 100 ms deadline")
	assert.Equal(t, 0.0, r.Finding(t, "answered-read-cut"))
}

func TestEveryDemoRecordsTimeline(t *testing.T) {
	r := lessontest.Run(t, contexts.Lesson, "timeouts", lessontest.Speed(10))
	var started, done int
	for _, e := range r.Stage.Events() {
		switch e.Kind {
		case lesson.Started:
			started++
		case lesson.Done:
			done++
		}
	}
	assert.Equal(t, 6, started, "one lane per request")
	assert.Equal(t, 6, done)
}
