package mutex_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	mutex "github.com/conclab/conclab/lessons/03-mutex"
	"github.com/conclab/conclab/lessons/lesson"
	"github.com/conclab/conclab/lessons/lessontest"
)

func TestMain(m *testing.M) { lessontest.Main(m, mutex.Lesson) }

func TestInvariantUnlocked(t *testing.T) {
	if lesson.RaceEnabled {
		// The detector drops a report when it can no longer restore the
		// other goroutine's stack, which two hot loops of millions of
		// accesses can outrun (about one run in twenty here: the runner
		// then says "the race detector reported nothing this run"). So
		// the report must come in at least one of five runs.
		var stderr string
		for try := 1; try <= 5; try++ {
			r := lessontest.Run(t, mutex.Lesson, "invariant-unlocked", lessontest.Speed(10))
			require.NotNil(t, r.Child, "under -race the racy demo runs in a child process")
			if stderr = r.Child.Stderr; strings.Contains(stderr, "WARNING: DATA RACE") {
				break
			}
			t.Logf("try %d: no race report; the child's output:\n%s", try, r.Output)
		}
		assert.Contains(t, stderr, "WARNING: DATA RACE", "the race detector reports the unlocked a/b")
		assert.Contains(t, stderr, "invariantUnlocked", "the report points at the demo's goroutines")
		return
	}
	// Whether the checker catches the writer between a++ and b++ depends
	// on the schedule; it must in at least one of several runs.
	var broken float64
	for range 5 {
		r := lessontest.Run(t, mutex.Lesson, "invariant-unlocked", lessontest.Speed(5))
		assert.Positive(t, r.Finding(t, "checks"), "the checker ran")
		if broken = r.Finding(t, "broken"); broken > 0 {
			assert.Contains(t, r.Output, "invariant broke")
			break
		}
	}
	assert.Positive(t, broken, "without the lock the checker should see a != b in at least one of five runs")
}

func TestInvariantLocked(t *testing.T) {
	for range 3 {
		r := lessontest.Run(t, mutex.Lesson, "invariant-locked", lessontest.Speed(5))
		assert.Positive(t, r.Finding(t, "checks"), "the checker ran")
		assert.Positive(t, r.Finding(t, "writes"), "the writer ran")
		assert.Zero(t, r.Finding(t, "broken"), "with the lock the checker never sees a != b")
	}
}

func TestLockScope(t *testing.T) {
	// Speed 5: each worker sleeps 40 ms, ten in a row take 400 ms; side by
	// side about 40 ms, with room for a loaded machine.
	r := lessontest.Run(t, mutex.Lesson, "lock-scope", lessontest.Speed(5))
	// Counted, not timed: the lock lets one sleeper in at a time.
	assert.Equal(t, 1.0, r.Finding(t, "sleeping-at-once-inside"), "inside the lock the workers sleep one at a time")
	assert.Greater(t, r.Finding(t, "sleeping-at-once-outside"), 1.0, "outside the lock the workers sleep side by side")
	inside, outside := r.Finding(t, "inside-ms"), r.Finding(t, "outside-ms")
	assert.GreaterOrEqual(t, inside, 400.0, "ten 40 ms sleeps in a row under the lock take at least 400 ms")
	assert.GreaterOrEqual(t, outside, 40.0, "each worker still sleeps 40 ms")
	assert.Less(t, outside*3, inside, "outside the lock the sleeps overlap: several times faster")
}

func TestLockTwice(t *testing.T) {
	r := lessontest.Run(t, mutex.Lesson, "lock-twice")
	assert.Equal(t, 1.0, r.Finding(t, "deadlocked"), "the double Lock is detected")
	assert.Less(t, r.Finding(t, "child-ended-after"), 15_000.0, "the watchdog (2 s, or 10 s on a retry) ends the child, nothing hangs")
	assert.Contains(t, r.Output, "(*counter).Inc", "the report shows where the goroutine is stuck")
	assert.Contains(t, r.Output, "Mutex).Lock")
	assert.NotContains(t, r.Output, "unreachable", "Inc never returns")
	assert.Equal(t, 300.0, r.Finding(t, "fixed-count"), "the ...Locked refactor counts right")
}

func TestVetCopyLocks(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		r := lessontest.Run(t, mutex.Lesson, "vet-copylocks")
		assert.Equal(t, -1.0, r.Finding(t, "vet-reports"))
		assert.Contains(t, r.Output, "not on PATH")
		return
	}
	r := lessontest.Run(t, mutex.Lesson, "vet-copylocks")
	assert.GreaterOrEqual(t, r.Finding(t, "vet-reports"), 2.0, "vet reports both the value receiver and the copy")
	assert.Contains(t, r.Output, "lock")
}
