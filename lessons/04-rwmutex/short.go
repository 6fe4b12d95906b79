package rwmutex

import (
	"context"
	"slices"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// shortOps is how many operations each measurement runs at speed 1.
const shortOps = 1_000_000

// shortPairs is how many times each lock is measured, Mutex and RWMutex
// one right after the other; the median of the pairs is kept, so that a
// moment of load on the machine, which hits one run of one pair, does not
// decide the winner.
const shortPairs = 9

// shortCriticalSection measures the same table behind a Mutex and an
// RWMutex for mixes where RWMutex has little or nothing to win.
func shortCriticalSection(ctx context.Context, s *lesson.Stage) error {
	ops := max(int(float64(shortOps)*float64(s.Scale(time.Second))/float64(time.Second)), 100_000)
	s.Say("The same table behind a Mutex and behind an RWMutex, %s operations per run, the median of %d pairs of runs.",
		lesson.Number(float64(ops)), shortPairs)
	s.Say("Here the critical section is a few nanoseconds of arithmetic, not a 50 ms sleep.")
	if err := s.Pause(ctx, "which lock wins, and by how much?"); err != nil {
		return err
	}
	mixes := []struct {
		key, title string
		w          Workload
		goroutines int
	}{
		{"alone", "One goroutine, half the operations write: nobody to share with", Workload{WriteEvery: 2, Span: Slots}, 1},
		{"short-read", "8 goroutines, read-only, one slot per read: a tiny critical section", Workload{Span: 1}, 8},
		{"write-heavy", "8 goroutines, half the operations write", Workload{WriteEvery: 2, Span: Slots}, 8},
	}
	for _, m := range mixes {
		s.Heading("%s", m.title)
		var mus, rws, ratios []float64
		for range shortPairs {
			if err := ctx.Err(); err != nil {
				return err
			}
			mu := nsPerOp(&MutexTable{}, m.w, m.goroutines, ops)
			rw := nsPerOp(&RWTable{}, m.w, m.goroutines, ops)
			mus, rws, ratios = append(mus, mu), append(rws, rw), append(ratios, rw/mu)
		}
		s.Finding(m.key+"-mutex-ns", median(mus), "ns/op")
		s.Finding(m.key+"-rwmutex-ns", median(rws), "ns/op")
		s.Finding(m.key+"-ratio", median(ratios), "RWMutex time / Mutex time")
	}
	if err := s.Pause(ctx, "what do the ratios say?"); err != nil {
		return err
	}
	s.Say("A ratio near 1 or above means the RWMutex bought nothing; below 1 it won, but nowhere")
	s.Say("near the 8x of the sleeping readers. Every RLock and RUnlock is an atomic add on one")
	s.Say("shared counter, readers only overlap on different cores, and a writer waits for all")
	s.Say("readers to drain. Figures vary by machine and load; `make bench` measures 1 to 64")
	s.Say("goroutines side by side.")
	return nil
}

// nsPerOp runs the workload once and returns the time per operation.
func nsPerOp(t Table, w Workload, goroutines, ops int) float64 {
	begin := time.Now()
	Hammer(t, w, goroutines, ops)
	return float64(time.Since(begin).Nanoseconds()) / float64(ops)
}

// median returns the middle value of xs (which it sorts).
func median(xs []float64) float64 {
	slices.Sort(xs)
	return xs[len(xs)/2]
}
