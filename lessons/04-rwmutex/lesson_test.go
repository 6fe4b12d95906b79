package rwmutex_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	rwmutex "github.com/conclab/conclab/lessons/04-rwmutex"
	"github.com/conclab/conclab/lessons/lessontest"
)

func TestMain(m *testing.M) { lessontest.Main(m, rwmutex.Lesson) }

func TestReaders(t *testing.T) {
	// Speed 2: each reader holds the lock 25 ms; 8 of them in a row take
	// 200 ms, together about 25 ms.
	r := lessontest.Run(t, rwmutex.Lesson, "readers", lessontest.Speed(2))
	mu, rw := r.Finding(t, "mutex-ms"), r.Finding(t, "rwmutex-ms")
	assert.Equal(t, 1.0, r.Finding(t, "readers-overlapped-mutex"), "a Mutex never lets two readers in")
	assert.Equal(t, 8.0, r.Finding(t, "readers-overlapped-rwmutex"), "RLock lets all 8 readers in at once")
	assert.GreaterOrEqual(t, mu, 200.0, "8 readers one after the other take at least 8 x 25 ms")
	assert.GreaterOrEqual(t, rw, 25.0, "each reader still holds the lock 25 ms")
	assert.Less(t, rw*3, mu, "readers sharing an RWMutex finish several times sooner")
	assert.Contains(t, r.Output, "[reader8]")
}

func TestShortCriticalSection(t *testing.T) {
	r := lessontest.Run(t, rwmutex.Lesson, "short-critical-section", lessontest.Speed(20))
	for _, key := range []string{"short-read", "write-heavy"} {
		assert.Positive(t, r.Finding(t, key+"-mutex-ns"))
		assert.Positive(t, r.Finding(t, key+"-rwmutex-ns"))
	}
	// Half the operations take the write lock, which is a Mutex plus the
	// reader bookkeeping: RWMutex cannot be markedly faster there.
	assert.Greater(t, r.Finding(t, "write-heavy-ratio"), 0.5,
		"with half the operations writing, RWMutex should not be twice as fast as Mutex")
	assert.Contains(t, r.Output, "make bench")
}

func TestRecursiveRLock(t *testing.T) {
	r := lessontest.Run(t, rwmutex.Lesson, "recursive-rlock")
	assert.Equal(t, 1.0, r.Finding(t, "deadlocked"), "the second RLock behind a waiting writer is detected")
	assert.Less(t, r.Finding(t, "child-ended-after"), 10_000.0, "the watchdog ends the child, nothing hangs")
	assert.Contains(t, r.Output, "RWMutex).RLock(", "the dump shows the reader stuck in RLock")
	assert.Contains(t, r.Output, "RWMutex).Lock(", "and the writer stuck in Lock")
	assert.Contains(t, r.Output, "a writer is waiting")
	assert.NotContains(t, r.Output, "unreachable")
	total := r.Finding(t, "fixed-total")
	assert.True(t, total == 8 || total == 9, "the fixed catalog reads 8 or 9, got %v", total)
}

func TestHammer(t *testing.T) {
	// The benchmarks' workload really writes: after a write-heavy run the
	// table is not all zeros, under either lock.
	for _, table := range []rwmutex.Table{&rwmutex.MutexTable{}, &rwmutex.RWTable{}} {
		rwmutex.Hammer(table, rwmutex.Workloads[1], 4, 10_000)
		assert.Positive(t, table.Read(rwmutex.Slots), "%T: writes landed", table)
	}
}
