package events_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	events "github.com/conclab/conclab/lessons/07-events"
	"github.com/conclab/conclab/lessons/lesson"
	"github.com/conclab/conclab/lessons/lessontest"
)

func TestMain(m *testing.M) { lessontest.Main(m, events.Lesson) }

func TestPasswordHasThreeOutcomes(t *testing.T) {
	// Speed 2: the helpers answer 25 ms or 1 s into a 250 ms wait.
	r := lessontest.Run(t, events.Lesson, "password", lessontest.Speed(2))
	assert.Equal(t, 1.0, r.Finding(t, "matched"), "the friend answered in time")
	assert.Equal(t, 1.0, r.Finding(t, "impostors"), "the stranger's wrong answer")
	assert.Equal(t, 1.0, r.Finding(t, "timed-out"), "the sleepyhead was too late")
	assert.Contains(t, r.Output, "one of us")
	assert.Contains(t, r.Output, "an impostor")
}

func TestSleepIsNotSync(t *testing.T) {
	// Speed 1: 50 ms and 1 s against a 500 ms sleep.
	r := lessontest.Run(t, events.Lesson, "sleep-is-not-sync", lessontest.Speed(1))
	assert.Equal(t, 1.0, r.Finding(t, "read-in-time"), "the quick helper's write was seen")
	assert.Equal(t, 1.0, r.Finding(t, "read-nothing"), "the slow helper's write came after the read")
	if lesson.RaceEnabled {
		if assert.NotNil(t, r.Child, "under -race the demo runs in a child") {
			assert.Contains(t, r.Child.Stderr, "WARNING: DATA RACE", "the race detector flags the sleep handshake")
			assert.Contains(t, r.Child.Stderr, "sleepIsNotSync")
		}
	}
}

func TestDatabaseReady(t *testing.T) {
	// Speed 1: ready at 1.25 s or 1.75 s against tries ending at 0.5, 1
	// and 1.5 s; 250 ms of margin either way, for a loaded machine.
	r := lessontest.Run(t, events.Lesson, "database-ready", lessontest.Speed(1))
	assert.Equal(t, 10.0, r.Finding(t, "fast-connected"), "a server ready during the third try serves everyone")
	assert.Equal(t, 0.0, r.Finding(t, "fast-timed-out"))
	assert.Equal(t, 0.0, r.Finding(t, "slow-connected"), "a server ready after the last try serves nobody")
	assert.Equal(t, 10.0, r.Finding(t, "slow-timed-out"))
	assert.Contains(t, r.Output, "connection timed out")
	assert.Contains(t, r.Output, "connected on try 3")
	assert.NotContains(t, r.Output, "connected on try 1")
}

func TestCloseBroadcast(t *testing.T) {
	r := lessontest.Run(t, events.Lesson, "close-broadcast", lessontest.Speed(20))
	assert.Equal(t, 1.0, r.Finding(t, "released-by-send"))
	assert.Equal(t, 4.0, r.Finding(t, "released-by-close"))
	var received int
	for _, e := range r.Stage.Events() {
		if e.Kind == lesson.Received && e.Object == "gun" {
			received++
		}
	}
	assert.Equal(t, 5, received, "every runner recorded hearing the gun")
}

func TestResettableEvent(t *testing.T) {
	r := lessontest.Run(t, events.Lesson, "resettable", lessontest.Speed(10))
	assert.Equal(t, 0.0, r.Finding(t, "crossed-while-down"), "a car crossed before Set")
	assert.Equal(t, 3.0, r.Finding(t, "crossed-after-set"), "Set must release every waiter")
	assert.Equal(t, 0.0, r.Finding(t, "crossed-after-clear"), "Clear must make new waiters block")
	assert.Equal(t, 3.0, r.Finding(t, "crossed-after-second-set"))
}

func TestEventUnit(t *testing.T) {
	e := events.NewEvent()
	assert.False(t, e.IsSet())
	e.Set()
	assert.True(t, e.IsSet())
	e.Wait() // returns at once when set
	e.Clear()
	assert.False(t, e.IsSet())
}

func TestContextCancel(t *testing.T) {
	r := lessontest.Run(t, events.Lesson, "context-cancel", lessontest.Speed(5))
	assert.Equal(t, 4.0, r.Finding(t, "stopped-by-cancel"))
	assert.Equal(t, 4.0, r.Finding(t, "stopped-by-deadline"))
}
