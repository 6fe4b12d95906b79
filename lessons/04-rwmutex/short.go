package rwmutex

import (
	"context"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// shortOps is how many operations each measurement runs at speed 1.
const shortOps = 2_000_000

// shortGoroutines hammer the table at once in each measurement.
const shortGoroutines = 8

// shortCriticalSection measures the same table behind a Mutex and an
// RWMutex for two mixes where RWMutex has little or nothing to win.
func shortCriticalSection(ctx context.Context, s *lesson.Stage) error {
	ops := max(int(float64(shortOps)*float64(s.Scale(time.Second))/float64(time.Second)), 100_000)
	s.Say("%d goroutines share one table for %s operations, behind a Mutex and then an RWMutex.",
		shortGoroutines, lesson.Number(float64(ops)))
	if err := s.Pause(ctx, "which lock wins?"); err != nil {
		return err
	}
	mixes := []struct {
		key, title string
		w          Workload
	}{
		{"short-read", "Read-only, one slot per read: a tiny critical section", Workload{Span: 1}},
		{"write-heavy", "Half the operations write", Workload{WriteEvery: 2, Span: Slots}},
	}
	for _, m := range mixes {
		if err := ctx.Err(); err != nil {
			return err
		}
		s.Heading("%s", m.title)
		mu := nsPerOp(&MutexTable{}, m.w, ops)
		rw := nsPerOp(&RWTable{}, m.w, ops)
		s.Finding(m.key+"-mutex-ns", mu, "ns/op")
		s.Finding(m.key+"-rwmutex-ns", rw, "ns/op")
		s.Finding(m.key+"-ratio", rw/mu, "RWMutex time / Mutex time")
	}
	s.Say("A ratio near 1 (or above) means the RWMutex bought nothing: its read lock is an atomic")
	s.Say("counter that every reader still writes to, and each writer waits for all readers to drain.")
	s.Say("Figures vary by machine and load; `make bench` measures 1 to 64 goroutines side by side.")
	return nil
}

// nsPerOp runs the workload once and returns the time per operation.
func nsPerOp(t Table, w Workload, ops int) float64 {
	begin := time.Now()
	Hammer(t, w, shortGoroutines, ops)
	return float64(time.Since(begin).Nanoseconds()) / float64(ops)
}
