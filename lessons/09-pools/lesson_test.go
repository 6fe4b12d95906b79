package pools_test

import (
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pools "github.com/conclab/conclab/lessons/09-pools"
	"github.com/conclab/conclab/lessons/lesson"
	"github.com/conclab/conclab/lessons/lessontest"
)

func TestMain(m *testing.M) { lessontest.Main(m, pools.Lesson) }

// In a synctest bubble the clock moves only when every goroutine of the
// demo is blocked, so the demos' sleeps take exactly their scaled time and
// the findings are exact, however loaded the machine.

func TestPoolOfTenExactInFakeTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := lessontest.Run(t, pools.Lesson, "pool-of-ten", lessontest.Speed(1))
		assert.Equal(t, 100.0, r.Finding(t, "peak-each"), "a goroutine per task: all 100 run at once")
		assert.Equal(t, 100.0, r.Finding(t, "elapsed-each"), "all 100 sleep together: 100 ms")
		assert.Equal(t, 10.0, r.Finding(t, "peak-pool"), "the pool of 10 runs exactly 10 at once")
		assert.Equal(t, 1000.0, r.Finding(t, "elapsed-pool"), "ten rounds of 100 ms")
	})
}

func TestPoolOfTenRealTime(t *testing.T) {
	// Speed 2: tasks of 50 ms. Ten rounds are a hard lower bound for the
	// pool; the goroutine-per-task run only needs to be clearly faster.
	r := lessontest.Run(t, pools.Lesson, "pool-of-ten", lessontest.Speed(2))
	each, pool := r.Finding(t, "elapsed-each"), r.Finding(t, "elapsed-pool")
	assert.GreaterOrEqual(t, pool, 10*50.0*0.95, "a pool of 10 cannot run 100 tasks of 50 ms in under 10 rounds")
	assert.Less(t, each, pool/2, "a goroutine per task should be several times faster than the pool")
	assert.LessOrEqual(t, r.Finding(t, "peak-pool"), 10.0, "the pool ran more than 10 tasks at once")
	assert.Greater(t, r.Finding(t, "peak-each"), 10.0, "a goroutine per task should exceed the pool's bound")

	// The timeline has the 10 workers' lanes, each acquiring tasks.
	lanes := r.Stage.Lanes()
	require.Len(t, lanes, 10)
	assert.Equal(t, "worker 1", lanes[0])
	assert.Equal(t, "worker 10", lanes[9])
	var acquired int
	held := map[int]bool{}
	for _, e := range r.Stage.Events() {
		switch e.Kind {
		case lesson.Acquired:
			assert.False(t, held[e.Lane], "a worker took a task while running another")
			held[e.Lane] = true
			acquired++
		case lesson.Released:
			held[e.Lane] = false
		}
	}
	assert.Equal(t, 100, acquired, "every task recorded on a worker's lane")
}

func TestOrderedMapKeepsInputOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := lessontest.Run(t, pools.Lesson, "ordered-map", lessontest.Speed(1))
		assert.Equal(t, 1.0, r.Finding(t, "results-in-order"))
		// 4 workers take inputs 1-4 (300, 270, 240, 210 ms): input 4 is
		// the first to finish.
		assert.Equal(t, 4.0, r.Finding(t, "first-finished"))
		assert.GreaterOrEqual(t, r.Finding(t, "out-of-order"), 5.0, "most inputs finish out of place")
		assert.Contains(t, r.Output, "[1 4 9 16 25 36 49 64 81 100]")
	})
}

func TestOrderedMapRealTime(t *testing.T) {
	// Speed 1: inputs differ by 30 ms, far more than scheduling noise
	// needs to keep them apart, and the result order never depends on it.
	r := lessontest.Run(t, pools.Lesson, "ordered-map", lessontest.Speed(1))
	assert.Equal(t, 1.0, r.Finding(t, "results-in-order"))
	assert.Positive(t, r.Finding(t, "out-of-order"), "tasks finished in input order: the demo shows nothing")
}

func TestFuturesTakeTheSlowestNotTheSum(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := lessontest.Run(t, pools.Lesson, "futures", lessontest.Speed(1))
		assert.Equal(t, 0.0, r.Finding(t, "submit"), "submitting does not wait for the work")
		assert.Equal(t, 300.0, r.Finding(t, "elapsed"), "the slowest task, 300 ms")
		assert.Equal(t, 600.0, r.Finding(t, "sum"))
		assert.Equal(t, 3.0, r.Finding(t, "peak-running"))
		assert.Equal(t, 100.0, r.Finding(t, "progress"), "the callback ran once per copy")
		assert.Contains(t, r.Output, "copy progress 100.00%")
	})
}

func TestFuturesRealTime(t *testing.T) {
	r := lessontest.Run(t, pools.Lesson, "futures", lessontest.Speed(1))
	assert.Less(t, r.Finding(t, "elapsed"), r.Finding(t, "sum")*0.9, "futures ran one after another")
	assert.GreaterOrEqual(t, r.Finding(t, "elapsed"), 300*0.95)
	assert.GreaterOrEqual(t, r.Finding(t, "peak-running"), 2.0, "the copies should overlap")
	assert.Equal(t, 100.0, r.Finding(t, "progress"))
}

func TestFirstErrorCancelsAndSkips(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// Tasks 1-3 end together at 200 ms; 4, 5, 6 start; 5 fails 50 ms
		// later, cancelling 4 and 6; 7-20 find the context done.
		r := lessontest.Run(t, pools.Lesson, "first-error", lessontest.Speed(1))
		assert.Equal(t, 6.0, r.Finding(t, "started"))
		assert.Equal(t, 3.0, r.Finding(t, "completed"))
		assert.Equal(t, 2.0, r.Finding(t, "cancelled"))
		assert.Equal(t, 14.0, r.Finding(t, "skipped"))
		assert.Equal(t, 3.0, r.Finding(t, "peak-running"), "the limit of 3 was reached")
		assert.Contains(t, r.Output, "disk full")
	})
}

func TestFirstErrorRealTime(t *testing.T) {
	// Exactly when tasks 1-3 end is up to the scheduler, so whether task 6
	// starts before task 5 fails is too; the invariants hold either way.
	// Speed 1: task 5 fails 50 ms after it starts, a wide margin for
	// tasks 1-3, which end together, to have ended.
	r := lessontest.Run(t, pools.Lesson, "first-error", lessontest.Speed(1))
	started, skipped := r.Finding(t, "started"), r.Finding(t, "skipped")
	completed, cancelled := r.Finding(t, "completed"), r.Finding(t, "cancelled")
	assert.Equal(t, 20.0, started+skipped, "every task either started or was skipped")
	assert.Equal(t, started, completed+cancelled+1, "every started task completed, was cancelled, or failed")
	assert.Equal(t, 3.0, completed, "tasks 1-3 end before task 5 can start, at the limit of 3")
	assert.GreaterOrEqual(t, skipped, 13.0, "the tasks after the failure should be skipped")
	assert.LessOrEqual(t, started, 6.0, "no more than 3 tasks after the first three")
	assert.LessOrEqual(t, r.Finding(t, "peak-running"), 3.0, "SetLimit(3) let more than 3 run")
}

func TestSyncPoolCutsAllocations(t *testing.T) {
	r := lessontest.Run(t, pools.Lesson, "sync-pool")
	without, with := r.Finding(t, "allocs-without"), r.Finding(t, "allocs-with")
	require.GreaterOrEqual(t, without, 1.0, "a fresh buffer per operation allocates")
	cwithout, cwith := r.Finding(t, "concurrent-allocs-without"), r.Finding(t, "concurrent-allocs-with")
	bwithout, bwith := r.Finding(t, "bytes-without"), r.Finding(t, "bytes-with")
	if lesson.RaceEnabled {
		// The race detector makes sync.Pool drop a quarter of what is
		// Put, on purpose, so only a clear cut is certain.
		assert.Less(t, with, without*0.6, "the pool should save most allocations")
		assert.Less(t, cwith, cwithout*0.6)
		assert.Less(t, bwith, bwithout*0.6)
		return
	}
	assert.Less(t, with, without/4, "the pool should cut allocations to a fraction")
	assert.Less(t, cwith, cwithout/4, "with 4 goroutines too")
	assert.Less(t, bwith, bwithout/4, "and bytes per operation")
}
