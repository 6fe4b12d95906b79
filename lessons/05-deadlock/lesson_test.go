package deadlock_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	deadlock "github.com/conclab/conclab/lessons/05-deadlock"
	"github.com/conclab/conclab/lessons/lesson"
	"github.com/conclab/conclab/lessons/lessontest"
)

func TestMain(m *testing.M) { lessontest.Main(m, deadlock.Lesson) }

func TestBankDeadlockIsDetectedAndExplained(t *testing.T) {
	r := lessontest.Run(t, deadlock.Lesson, "bank-deadlock", lessontest.Speed(20), lessontest.Deadline(30e9))
	require.NotNil(t, r.Stage)
	assert.Equal(t, 1000.0, r.Finding(t, "watchdog"), "the deadlock is to be detected within 1 s")
	assert.Less(t, r.Finding(t, "child-ended-after"), 8000.0, "the deadlocked child was not ended promptly")
	assert.Equal(t, 2.0, r.Finding(t, "stuck"), "the dump shows both transfers in Mutex.Lock at bank.go")
	assert.Equal(t, 2.0, r.Finding(t, "cycle"), "the wait-for cycle has the two transfers")
	assert.Contains(t, r.Output, "transfer Tom->Jack holds Tom, waits for Jack")
	assert.Contains(t, r.Output, "transfer Jack->Tom holds Jack, waits for Tom")
	assert.Contains(t, r.Output, "to.mu.Lock()", "the source line where both are stuck is shown")
	assert.Contains(t, r.Output, "circular wait")

	// Both lanes end stuck on the timeline: holding one name, waiting for the other.
	lanes := r.Stage.Lanes()
	last := map[string][]string{}
	for _, e := range r.Stage.Events() {
		if e.Kind == lesson.Acquired || e.Kind == lesson.Waiting {
			last[lanes[e.Lane]] = append(last[lanes[e.Lane]], string(e.Kind)+" "+e.Object)
		}
	}
	assert.Equal(t, []string{"waiting Tom", "acquired Tom", "waiting Jack"}, tail(last["Tom->Jack"], 3))
	assert.Equal(t, []string{"waiting Jack", "acquired Jack", "waiting Tom"}, tail(last["Jack->Tom"], 3))
	assert.NotContains(t, r.Output, "transfers finished", "the transfers deadlocked, as forced")
}

// tail is the last n elements of s (all of s if shorter): a busy machine
// may make the demo run its child twice.
func tail(s []string, n int) []string {
	return s[max(0, len(s)-n):]
}

func TestLockOrderConservesMoney(t *testing.T) {
	r := lessontest.Run(t, deadlock.Lesson, "lock-order")
	assert.Equal(t, 5200.0, r.Finding(t, "tom"), "10000 - 5000 + 200")
	assert.Equal(t, 10800.0, r.Finding(t, "jack"), "6000 + 5000 - 200")
	assert.Equal(t, 20002.0, r.Finding(t, "transfers"))
	assert.Equal(t, 16000.0, r.Finding(t, "total"), "money was made or lost")
}

func TestTryLockResolvesTheSameCollision(t *testing.T) {
	r := lessontest.Run(t, deadlock.Lesson, "trylock", lessontest.Speed(10))
	assert.GreaterOrEqual(t, r.Finding(t, "retries"), 1.0, "the forced collision makes the first TryLock fail")
	assert.Equal(t, 5200.0, r.Finding(t, "tom"))
	assert.Equal(t, 10800.0, r.Finding(t, "jack"))
	assert.Equal(t, 16000.0, r.Finding(t, "total"))
}

func TestChannelDeadlockShowsTheRuntimesReport(t *testing.T) {
	r := lessontest.Run(t, deadlock.Lesson, "channel-deadlock", lessontest.Deadline(2*60e9))
	assert.Equal(t, 1.0, r.Finding(t, "runtime-detected"))
	assert.Equal(t, 2.0, r.Finding(t, "exit-code"))
	assert.Contains(t, r.Output, "fatal error: all goroutines are asleep - deadlock!")
	assert.Contains(t, r.Output, "main: sending 42...", "the program's own output is shown")
	assert.Contains(t, r.Output, `waits on "chan send"`)
}

func TestChannelDeadlockWithoutAToolchainFallsBackToAWatchdog(t *testing.T) {
	t.Setenv("PATH", "") // no go command: the program cannot be built
	r := lessontest.Run(t, deadlock.Lesson, "channel-deadlock", lessontest.Deadline(30e9))
	assert.Equal(t, 0.0, r.Finding(t, "runtime-detected"))
	assert.Contains(t, r.Output, `waits on "chan send"`, "the child's dump shows the stuck send")
	assert.Contains(t, r.Output, "needs the Go toolchain")
}

func TestPartialDeadlockIsSeenThenReleased(t *testing.T) {
	r := lessontest.Run(t, deadlock.Lesson, "partial-deadlock", lessontest.Speed(5))
	assert.Equal(t, 2.0, r.Finding(t, "stuck"), "the dump shows both goroutines waiting in waitThenReply")
	assert.GreaterOrEqual(t, r.Finding(t, "goroutines-added"), 2.0)
	assert.Equal(t, 0.0, r.Finding(t, "stuck-after-release"))
	assert.Contains(t, r.Output, "[chan receive]")
}
