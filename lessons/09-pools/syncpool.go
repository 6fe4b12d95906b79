package pools

import (
	"bytes"
	"context"
	"runtime"
	"strconv"
	"sync"
	"testing"

	"github.com/conclab/conclab/lessons/lesson"
)

// syncPool counts the allocations of an operation that needs a 4 KB
// buffer, with and without a sync.Pool of them.
func syncPool(ctx context.Context, s *lesson.Stage) error {
	s.Heading("One goroutine: testing.AllocsPerRun")
	// rendered adds up what the operations produced: the work is used,
	// so the compiler cannot drop it, and the demo prints it.
	var rendered int
	perRunWithout := testing.AllocsPerRun(500, func() { rendered += withoutPool(1) })
	perRunWith := testing.AllocsPerRun(500, func() { rendered += withPool(1) })
	s.Finding("allocs-without", perRunWithout, "allocations per op")
	s.Finding("allocs-with", perRunWith, "allocations per op")

	if err := ctx.Err(); err != nil {
		return err
	}
	s.Heading("%d goroutines x %d ops: runtime.MemStats", poolGoroutines, poolOps)
	aWithout, bWithout, r1 := measure(withoutPool)
	aWith, bWith, r2 := measure(withPool)
	rendered += r1 + r2
	s.Finding("concurrent-allocs-without", aWithout, "allocations per op")
	s.Finding("concurrent-allocs-with", aWith, "allocations per op")
	s.Finding("bytes-without", bWithout, "bytes per op")
	s.Finding("bytes-with", bWith, "bytes per op")
	s.Say("(%s MB of reports rendered in all.)", lesson.Number(float64(rendered)/1e6))
	s.Say("sync.Pool ran no task and started no goroutine: it handed back buffers that")
	s.Say("were already allocated. Each P keeps its own list, so goroutines rarely contend.")
	if lesson.RaceEnabled {
		s.Say("(Under -race, sync.Pool drops some objects on purpose, so a few more allocations show.)")
	}
	return nil
}

// bufPool holds reusable buffers. Get returns one someone Put back, or a
// new one from New; the GC may empty the pool at any time, so it is a
// cache of garbage, never a place to keep state.
var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render builds a 4 KB report in buf: the kind of scratch space a server
// needs per request.
func render(buf *bytes.Buffer, n int) int {
	buf.Grow(4096)
	for i := range 256 {
		buf.WriteString("line ")
		buf.Write(strconv.AppendInt(buf.AvailableBuffer(), int64(n+i), 10))
		buf.WriteByte('\n')
	}
	return buf.Len()
}

// withoutPool allocates a fresh buffer for every operation.
func withoutPool(n int) int {
	buf := new(bytes.Buffer)
	return render(buf, n)
}

// withPool borrows a buffer and gives it back, emptied, for the next one.
func withPool(n int) int {
	buf := bufPool.Get().(*bytes.Buffer)
	defer bufPool.Put(buf)
	buf.Reset()
	return render(buf, n)
}

// Concurrent measurement: 4 goroutines, 2,000 operations each.
const (
	poolGoroutines = 4
	poolOps        = 2000
)

// measure runs op from several goroutines and returns allocations and
// bytes per operation, from the runtime's own counters, and the bytes op
// rendered in all.
func measure(op func(int) int) (allocs, bytes float64, rendered int) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var wg sync.WaitGroup
	sums := make([]int, poolGoroutines)
	for g := range poolGoroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range poolOps {
				sums[g] += op(i)
			}
		}()
	}
	wg.Wait()
	runtime.ReadMemStats(&after)
	for _, v := range sums {
		rendered += v
	}
	n := float64(poolGoroutines * poolOps)
	return float64(after.Mallocs-before.Mallocs) / n, float64(after.TotalAlloc-before.TotalAlloc) / n, rendered
}
