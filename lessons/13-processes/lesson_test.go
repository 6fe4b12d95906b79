package processes_test

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"

	processes "github.com/conclab/conclab/lessons/13-processes"
	"github.com/conclab/conclab/lessons/lessontest"
)

func TestMain(m *testing.M) { lessontest.Main(m, processes.Lesson) }

func TestExitCodes(t *testing.T) {
	r := lessontest.Run(t, processes.Lesson, "exit-codes")
	assert.Equal(t, 0.0, r.Finding(t, "ok-exit-code"))
	assert.Equal(t, 2.0, r.Finding(t, "exit-code"), "os.Exit(2) in the child is read back as ExitCode() == 2")
	assert.Contains(t, r.Output, "exit status 2")
	if runtime.GOOS != "windows" {
		assert.Equal(t, -1.0, r.Finding(t, "killed-exit-code"), "a child killed by a signal has no exit status")
		assert.Contains(t, r.Output, "signal: killed")
	}
	assert.Equal(t, 1.0, r.Finding(t, "not-found"), "a missing program is exec.ErrNotFound")
}

func TestZombieIsSeenThenReaped(t *testing.T) {
	r := lessontest.Run(t, processes.Lesson, "zombie")
	if runtime.GOOS != "linux" {
		assert.Contains(t, r.Output, "Linux")
		return
	}
	assert.Equal(t, 1.0, r.Finding(t, "zombie-seen"), "the exited, unwaited child is in state Z")
	assert.Equal(t, 1.0, r.Finding(t, "reaped"), "after Wait its /proc entry is gone")
	assert.Regexp(t, `state Z \(zombie\)`, r.Output)
}

func TestOrphanIsAdopted(t *testing.T) {
	r := lessontest.Run(t, processes.Lesson, "orphan")
	if runtime.GOOS == "windows" {
		assert.Contains(t, r.Output, "re-parent")
		return
	}
	assert.Equal(t, 1.0, r.Finding(t, "parent-exited-first"))
	assert.Equal(t, 1.0, r.Finding(t, "orphan-reparented"), "the grandchild's parent pid changed from its exited parent's")
	assert.Positive(t, r.Finding(t, "new-parent-pid"))
	assert.Contains(t, r.Output, "exiting without waiting for it")
}

func TestProcessesDoNotShareMemory(t *testing.T) {
	r := lessontest.Run(t, processes.Lesson, "isolation")
	assert.Equal(t, 20.0, r.Finding(t, "children"))
	assert.Equal(t, 1.0, r.Finding(t, "child-counter-lowest"), "every child saw its own counter go from 0 to 1")
	assert.Equal(t, 1.0, r.Finding(t, "child-counter-highest"), "no child saw another's increment")
	assert.Equal(t, 0.0, r.Finding(t, "parent-counter-after-processes"), "the children's increments never reach the parent")
	assert.Equal(t, 20.0, r.Finding(t, "parent-counter-after-goroutines"), "goroutines share the one counter")
}

func TestPipeQuestionAndAnswer(t *testing.T) {
	r := lessontest.Run(t, processes.Lesson, "pipe")
	assert.Equal(t, 3.0, r.Finding(t, "answers-right"), "every question got its answer, in turn")
	assert.Equal(t, 0.0, r.Finding(t, "answerer-exit-code"), "closing its stdin ends the child cleanly")
	assert.Contains(t, r.Output, "end of input, exiting")
}

func TestSignalsAndACleanStop(t *testing.T) {
	r := lessontest.Run(t, processes.Lesson, "signals")
	if runtime.GOOS == "windows" {
		assert.Contains(t, r.Output, "signals")
		return
	}
	assert.Equal(t, -1.0, r.Finding(t, "term-unhandled-exit-code"), "SIGTERM kills a process that does not handle it")
	assert.Equal(t, 0.0, r.Finding(t, "term-unhandled-cleaned-up"))
	assert.Equal(t, 0.0, r.Finding(t, "term-handled-exit-code"), "signal.NotifyContext turns SIGTERM into a clean exit")
	assert.Equal(t, 1.0, r.Finding(t, "term-handled-cleaned-up"))
	assert.Equal(t, -1.0, r.Finding(t, "kill-exit-code"), "SIGKILL cannot be caught")
	assert.Equal(t, 0.0, r.Finding(t, "kill-cleaned-up"))
	assert.Contains(t, r.Output, "died of SIGKILL")
}

func TestPrimesOverGoroutinesAndProcesses(t *testing.T) {
	// Speed 10 counts below 200,000: 17,984 primes.
	r := lessontest.Run(t, processes.Lesson, "primes", lessontest.Speed(10))
	assert.Equal(t, 17984.0, r.Finding(t, "primes"), "the one count every run agreed on")
	assert.Equal(t, 6.0, r.Finding(t, "runs-agreeing"), "1, 4 and 10 goroutines and processes all found it")
	for _, name := range []string{"goroutines-1-ms", "goroutines-4-ms", "goroutines-10-ms", "processes-1-ms", "processes-4-ms", "processes-10-ms"} {
		assert.GreaterOrEqual(t, r.Finding(t, name), 0.0, name)
	}
	// Timing: a process start is fork, exec and a Go runtime starting up,
	// milliseconds; a goroutine is under a microsecond or two. Ten times is
	// a margin no loaded machine closes (measured: over a thousand times).
	g, p := r.Finding(t, "goroutine-start-us"), r.Finding(t, "process-start-us")
	assert.Greater(t, p, 10*g, "a process (%.0f µs) should cost far more to start than a goroutine (%.2f µs)", p, g)
	assert.Greater(t, p, 100.0, "a process takes at least 100 µs to start")
}
