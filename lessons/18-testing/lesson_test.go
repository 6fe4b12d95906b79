package testcode_test

import (
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"

	testcode "github.com/conclab/conclab/lessons/18-testing"
	"github.com/conclab/conclab/lessons/lessontest"
)

func TestMain(m *testing.M) { lessontest.Main(m, testcode.Lesson) }

func TestFlaky(t *testing.T) {
	r := lessontest.Run(t, testcode.Lesson, "flaky")
	// 1 ms of sleep against 0 to 2 ms of work: about half fail. The odds
	// of none failing in 100 runs are about 2^-100, even on a loaded
	// machine that oversleeps now and then.
	assert.Positive(t, r.Finding(t, "sleep-failed"), "the sleeping test must be flaky")
	assert.Equal(t, 0.0, r.Finding(t, "hook-failed"), "the hooked test must never fail")
}

func TestIndexerHook(t *testing.T) {
	got := make(chan string, 1)
	ix := testcode.NewIndexer(func(doc string) { got <- doc })
	ix.Add("a")
	assert.Equal(t, "a", <-got)
	assert.True(t, ix.Has("a"), "the hook runs after the document is indexed")
	ix.Close()
}

// needGo skips a demo that runs the go command when it is not installed.
func needGo(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is not on PATH")
	}
}

func TestSynctest(t *testing.T) {
	needGo(t)
	r := lessontest.Run(t, testcode.Lesson, "synctest", lessontest.Speed(1))
	assert.Equal(t, 1.0, r.Finding(t, "expires-test-passed"))
	assert.Equal(t, 119.0, r.Finding(t, "fake-minutes"), "touched at 59 min, expired at 59+60")
	assert.Less(t, r.Finding(t, "test-seconds"), 1.0, "two fake hours take no real time")
	assert.Equal(t, 1.0, r.Finding(t, "mutex-test-timed-out"), "a mutex waiter stops the fake clock: the test hangs to -timeout")
}

func TestRaceCountCPU(t *testing.T) {
	needGo(t)
	r := lessontest.Run(t, testcode.Lesson, "race-count-cpu", lessontest.Speed(1))
	assert.Equal(t, 20.0, r.Finding(t, "plain-runs"), "-count=10 -cpu 1,4 runs the test 20 times")
	assert.Equal(t, 1.0, r.Finding(t, "race-reported"), "-race reports the racy counter on its one run")
}

func TestVet(t *testing.T) {
	needGo(t)
	r := lessontest.Run(t, testcode.Lesson, "vet", lessontest.Speed(1))
	assert.Equal(t, 3.0, r.Finding(t, "vet-checks-fired"), "copylocks, waitgroup and lostcancel each report")
}

func TestLeaks(t *testing.T) {
	needGo(t)
	r := lessontest.Run(t, testcode.Lesson, "leaks", lessontest.Speed(1))
	assert.Equal(t, 3.0, r.Finding(t, "goleak-found"), "goleak flags every goroutine still running")
	assert.Equal(t, 0.0, r.Finding(t, "goleak-after-cleanup"))
	assert.Equal(t, 1.0, r.Finding(t, "profile-proved"), "the leak profile reports exactly the unreachable sender")
}
