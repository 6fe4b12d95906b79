package goroutines

import (
	"context"
	"runtime"
	"sync"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// manyGoroutines is how many goroutines the cost demo starts.
const manyGoroutines = 100_000

// goroutineCost starts 100,000 goroutines that all block on one channel,
// and measures what starting them took in time and memory.
func goroutineCost(ctx context.Context, s *lesson.Stage) error {
	s.Say("Starting %s goroutines, each parked on a channel until we close it.", lesson.Number(manyGoroutines))
	if err := s.Pause(ctx, "how much memory will they take?"); err != nil {
		return err
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)

	release := make(chan struct{})
	var started, finished sync.WaitGroup
	started.Add(manyGoroutines)
	begin := time.Now()
	for range manyGoroutines {
		finished.Go(func() {
			started.Done()
			<-release // parked: costs memory, no CPU
		})
	}
	started.Wait() // every one of them is running (or parked) now
	elapsed := time.Since(begin)
	runtime.ReadMemStats(&after)
	alive := runtime.NumGoroutine()
	close(release)
	finished.Wait()

	// Stacks live outside the heap (StackInuse); each goroutine's
	// descriptor and closure are on the heap.
	used := float64(after.StackInuse+after.HeapInuse) - float64(before.StackInuse+before.HeapInuse)
	s.Finding("goroutines-alive", float64(alive), "goroutines at once")
	s.FindingDuration("start-all", elapsed)
	s.Finding("us-per-goroutine", float64(elapsed.Microseconds())/manyGoroutines, "µs")
	s.Finding("bytes-per-goroutine", used/manyGoroutines, "bytes")
	s.Finding("total-mb", used/(1<<20), "MiB")
	s.Say("An OS thread reserves about 8 MiB of stack (ulimit -s): %s threads would ask for %s GiB.",
		lesson.Number(manyGoroutines), lesson.Number(manyGoroutines*8/1024.0))
	s.Say("A goroutine starts with a stack of at least 2 KiB (the minimum) that grows when it needs to.")
	return nil
}
