package rwmutex

import (
	"cmp"
	"context"
	"runtime"
	"slices"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// shortOps is how many operations each measurement runs at speed 1.
const shortOps = 1_000_000

// shortPairs is how many times each lock is measured, Mutex and RWMutex
// one right after the other; the pair with the median ratio is kept, so
// that a moment of load on the machine, which hits one run of one pair,
// does not decide the winner, and the ratio printed is the ratio of the
// two times printed beside it.
const shortPairs = 9

// shortCriticalSection measures the same table behind a Mutex and an
// RWMutex for mixes where RWMutex has little or nothing to win, and one
// where it loses.
func shortCriticalSection(ctx context.Context, s *lesson.Stage) error {
	ops := max(int(float64(shortOps)*float64(s.Scale(time.Second))/float64(time.Second)), 100_000)
	s.Say("The same table behind a Mutex and behind an RWMutex, %s operations per run, the median of %d pairs of runs,",
		lesson.Number(float64(ops)), shortPairs)
	s.Say("on %d cores (GOMAXPROCS=%d).", runtime.NumCPU(), runtime.GOMAXPROCS(0))
	s.Finding("cores", float64(runtime.NumCPU()), "cores")
	s.Say("Here the critical section is a few nanoseconds of arithmetic, not a 50 ms sleep.")
	if err := s.Pause(ctx, "which lock wins, and by how much?"); err != nil {
		return err
	}
	mixes := []struct {
		key, title string
		w          Workload
		goroutines int
	}{
		{"writes-alone", "One goroutine, every operation writes: nobody to share with", Workload{WriteEvery: 1, Span: Slots}, 1},
		{"writes-8", "8 goroutines, every operation writes: the read lock is never used", Workload{WriteEvery: 1, Span: Slots}, 8},
		{"short-read", "8 goroutines, read-only, one slot per read: a tiny critical section", Workload{Span: 1}, 8},
	}
	for _, m := range mixes {
		s.Heading("%s", m.title)
		pairs := make([]pair, 0, shortPairs)
		for range shortPairs {
			if err := ctx.Err(); err != nil {
				return err
			}
			mu := nsPerOp(&MutexTable{}, m.w, m.goroutines, ops)
			rw := nsPerOp(&RWTable{}, m.w, m.goroutines, ops)
			pairs = append(pairs, pair{mu, rw})
		}
		p := medianPair(pairs)
		s.Finding(m.key+"-mutex-ns", p.mu, "ns/op")
		s.Finding(m.key+"-rwmutex-ns", p.rw, "ns/op")
		s.Finding(m.key+"-ratio", p.ratio(), "RWMutex time / Mutex time")
	}
	if err := s.Pause(ctx, "what do the ratios say?"); err != nil {
		return err
	}
	s.Say("Above 1 the RWMutex lost, near 1 it bought nothing, below 1 it won, but nowhere near")
	s.Say("the 8x of the sleeping readers. When every operation writes, RWMutex.Lock is a Mutex")
	s.Say("Lock plus an atomic add to announce the writer to readers, and Unlock one more: twice")
	s.Say("the atomic operations for the same work. Short reads still do an atomic add on one")
	s.Say("shared counter in RLock and another in RUnlock, and readers only overlap on different")
	s.Say("cores. Figures vary by machine and load; `make bench` measures 1 to 64 goroutines side")
	s.Say("by side.")
	return nil
}

// pair is one measurement of both locks, in ns/op.
type pair struct{ mu, rw float64 }

func (p pair) ratio() float64 { return p.rw / p.mu }

// medianPair returns the pair whose ratio is the median (it sorts pairs).
func medianPair(pairs []pair) pair {
	slices.SortFunc(pairs, func(a, b pair) int { return cmp.Compare(a.ratio(), b.ratio()) })
	return pairs[len(pairs)/2]
}

// nsPerOp runs the workload once and returns the time per operation.
func nsPerOp(t Table, w Workload, goroutines, ops int) float64 {
	begin := time.Now()
	Hammer(t, w, goroutines, ops)
	return float64(time.Since(begin).Nanoseconds()) / float64(ops)
}
