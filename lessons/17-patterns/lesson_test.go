package patterns_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	patterns "github.com/conclab/conclab/lessons/17-patterns"
	"github.com/conclab/conclab/lessons/lessontest"
)

func TestMain(m *testing.M) { lessontest.Main(m, patterns.Lesson) }

func TestGenerators(t *testing.T) {
	r := lessontest.Run(t, patterns.Lesson, "generators", lessontest.Speed(10))
	assert.Equal(t, 5.0, r.Finding(t, "round-trips"), "producer and consumer take 5 turns")
	assert.Equal(t, 0.0, r.Finding(t, "channel-cleanup-at-break"), "a channel generator is still blocked after the consumer breaks")
	assert.Equal(t, 1.0, r.Finding(t, "seq-cleanup-at-break"), "an iter.Seq returns, defers run, at break")
	assert.Equal(t, 1.0, r.Finding(t, "pull-cleanup-at-stop"), "iter.Pull's stop ends the iterator")
	assert.Equal(t, 1.0, r.Finding(t, "generators-agree"), "all three generate the same first 10 Fibonacci numbers")
	assert.Contains(t, r.Output, "[0 1 1 2 3 5 8 13 21 34]")
	assert.Contains(t, r.Output, "consumer says 200 OK")
}

func TestFanOutFanIn(t *testing.T) {
	// Speed 2: jobs of 50 ms, 600 ms serially, 150 ms on 4 workers.
	r := lessontest.Run(t, patterns.Lesson, "fan-out-fan-in", lessontest.Speed(2))
	assert.Equal(t, 12.0, r.Finding(t, "results"), "fan-in delivers every result")
	assert.Equal(t, 4.0, r.Finding(t, "workers-used"), "every worker took jobs from the shared channel")
	elapsed := r.Finding(t, "elapsed")
	assert.GreaterOrEqual(t, elapsed, 150.0, "3 rounds of 50 ms jobs")
	assert.Less(t, elapsed, 450.0, "4 workers must overlap: serially it is 600 ms")
}

func TestNilChannels(t *testing.T) {
	r := lessontest.Run(t, patterns.Lesson, "nil-channels", lessontest.Speed(1))
	assert.Equal(t, 4.0, r.Finding(t, "values-flag"), "1 value from a, 3 from b")
	assert.Equal(t, 4.0, r.Finding(t, "values-nil"))
	// 60 ms of waiting for b with a closed channel in the select: each
	// round takes well under a microsecond, so even a loop preempted
	// most of that time spins far more than 100 times.
	assert.Greater(t, r.Finding(t, "spins-flag"), 100.0, "a closed channel in a select is always ready: the loop spins")
	assert.Equal(t, 0.0, r.Finding(t, "spins-nil"), "a nil channel's case never fires: no spin at all")
}

func TestTimers(t *testing.T) {
	r := lessontest.Run(t, patterns.Lesson, "timers", lessontest.Speed(1))
	assert.Equal(t, 0.0, r.Finding(t, "new-stale-after-stop"), "Go 1.23+: no stale value after Stop")
	assert.GreaterOrEqual(t, r.Finding(t, "new-reset-waited"), 49.0, "Go 1.23+: Reset(50ms) waits its 50 ms")
	assert.Equal(t, 1000.0, r.Finding(t, "new-timers-collected"), "Go 1.23+: forgotten timers are garbage")
	assert.Equal(t, 1.0, r.Finding(t, "old-stale-after-stop"), "Go 1.22: the fired tick stays in the buffered channel")
	assert.Less(t, r.Finding(t, "old-reset-waited"), 25.0, "Go 1.22: the stale tick is received at once after Reset")
	assert.Equal(t, 0.0, r.Finding(t, "old-timers-collected"), "Go 1.22: an active timer is never collected")
}

func TestRateLimit(t *testing.T) {
	// Speed 1: 50 ms per request; a token refills only after 50 ms, so
	// the burst count holds even if the loop stalls for 40 ms.
	r := lessontest.Run(t, patterns.Lesson, "rate-limit", lessontest.Speed(1))
	assert.GreaterOrEqual(t, r.Finding(t, "ticker-first-wait"), 45.0, "a ticker makes the first request wait a whole interval")
	assert.GreaterOrEqual(t, r.Finding(t, "ticker-elapsed"), 295.0, "6 requests, one per 50 ms tick")
	assert.Equal(t, 3.0, r.Finding(t, "limiter-immediate"), "a full bucket of 3 lets 3 requests through at once")
	elapsed := r.Finding(t, "limiter-elapsed")
	assert.GreaterOrEqual(t, elapsed, 145.0, "the other 3 wait for a token each, 50 ms apart")
	assert.Less(t, elapsed, 295.0, "the burst must make the limiter quicker than the ticker")
}

func TestHeartbeat(t *testing.T) {
	r := lessontest.Run(t, patterns.Lesson, "heartbeat", lessontest.Speed(2))
	assert.Equal(t, 5.0, r.Finding(t, "beats"), "one beat per unit of work")
	assert.Equal(t, 1.0, r.Finding(t, "stall-detected"))
	silence := r.Finding(t, "silence-before-detect")
	assert.GreaterOrEqual(t, silence, 74.0, "the monitor waits 3 intervals (75 ms at speed 2) after the last beat")
	assert.Less(t, silence, 500.0, "and not much longer")
	assert.Contains(t, r.Output, "cancelled: context canceled", "the monitor's cancel frees the stuck worker")
}

func TestLivelock(t *testing.T) {
	r := lessontest.Run(t, patterns.Lesson, "livelock")
	assert.Equal(t, 1000.0, r.Finding(t, "fixed-rounds"), "the same back-off: every round collides")
	assert.Equal(t, 0.0, r.Finding(t, "fixed-done"), "livelock: busy, never done")
	assert.Equal(t, 2.0, r.Finding(t, "random-done"), "random back-off: both finish")
	assert.Less(t, r.Finding(t, "random-rounds"), 100.0, "in a few rounds (the odds of 100 are 2^-50)")
}

func TestStarvation(t *testing.T) {
	r := lessontest.Run(t, patterns.Lesson, "starvation")
	assert.Equal(t, 0.0, r.Finding(t, "strict-low-served"), "strict priority never reaches the low queue")
	assert.Equal(t, 3.0, r.Finding(t, "fair-low-served"), "select's random choice serves the low queue too")
	assert.Equal(t, 20.0, r.Finding(t, "mutex-polite-got"), "sync.Mutex's starvation mode lets the waiter in")
}

func TestPublish(t *testing.T) {
	r := lessontest.Run(t, patterns.Lesson, "publish")
	assert.Equal(t, 0.0, r.Finding(t, "torn-configs"), "a Load sees a config built completely")
	assert.Equal(t, 0.0, r.Finding(t, "went-backwards"), "a reader never sees an older config after a newer one")
	assert.Equal(t, 200.0, r.Finding(t, "final-version"))
	assert.Equal(t, r.Finding(t, "syncmap-hits"), r.Finding(t, "rwmutex-hits"), "both caches find every key")
	assert.Positive(t, r.Finding(t, "syncmap-ns"))
	assert.Positive(t, r.Finding(t, "rwmutex-ns"))
}
