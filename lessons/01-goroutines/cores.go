package goroutines

import (
	"context"
	"runtime"
	"sync"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// primeLimit is how far the CPU demo counts primes at speed 1: a few
// seconds of arithmetic with one core. Tests count less.
const primeLimit = 4_000_000

// countPrimes counts the primes in [lo, hi) by trial division: pure CPU,
// no memory traffic, no locks.
func countPrimes(lo, hi int) int {
	n := 0
	for x := max(lo, 2); x < hi; x++ {
		prime := true
		for d := 2; d*d <= x; d++ {
			if x%d == 0 {
				prime = false
				break
			}
		}
		if prime {
			n++
		}
	}
	return n
}

// parallelPrimes splits [0, limit) into many chunks handed to one
// goroutine per core, and returns the count and the CPU time the process
// used against the wall-clock time it took.
func parallelPrimes(limit, workers int) (count int, wall, cpu time.Duration) {
	const chunks = 64
	next := make(chan int, chunks)
	for c := range chunks {
		next <- c
	}
	close(next)
	counts := make([]int, workers)
	cpuBefore := processCPU()
	begin := time.Now()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range next {
				counts[w] += countPrimes(c*limit/chunks, (c+1)*limit/chunks)
			}
		}()
	}
	wg.Wait()
	wall, cpu = time.Since(begin), processCPU()-cpuBefore
	for _, n := range counts {
		count += n
	}
	return count, wall, cpu
}

// cpuBound counts primes with the same goroutines twice: with GOMAXPROCS=1
// (one thread runs Go code at a time, like Python's GIL) and with every core.
func cpuBound(ctx context.Context, s *lesson.Stage) error {
	cores := runtime.NumCPU()
	limit := max(int(float64(primeLimit)*float64(s.Scale(time.Second))/float64(time.Second)), 200_000)
	s.Say("Counting primes below %s with %d goroutines (one per core).", lesson.Number(float64(limit)), cores)
	s.Finding("cores", float64(cores), "cores")

	previous := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(previous) // put it back, whatever happens
	s.Heading("GOMAXPROCS=1: the goroutines take turns on one thread")
	n1, wall1, cpu1 := parallelPrimes(limit, cores)
	if err := ctx.Err(); err != nil {
		return err
	}
	s.FindingDuration("one-core-ms", wall1)
	s.Finding("one-core-parallelism", cpu1.Seconds()/wall1.Seconds(), "CPU seconds per second")

	if err := s.Pause(ctx, "now with every core: how much faster?"); err != nil {
		return err
	}
	runtime.GOMAXPROCS(cores)
	s.Heading("GOMAXPROCS=%d: the same goroutines on every core", cores)
	n2, wall2, cpu2 := parallelPrimes(limit, cores)
	s.FindingDuration("all-cores-ms", wall2)
	s.Finding("all-cores-parallelism", cpu2.Seconds()/wall2.Seconds(), "CPU seconds per second")
	s.Finding("speedup", wall1.Seconds()/wall2.Seconds(), "x")
	s.Say("Both runs found %s primes.", lesson.Number(float64(n2)))
	if n1 != n2 {
		s.Warn("The two runs disagree (%d vs %d): that would be a bug.", n1, n2)
	}
	if cores == 1 {
		s.Warn("This machine has one core: there is nothing to run in parallel on, so expect no speedup.")
		return nil
	}
	s.Say("Up to %dx is possible here; other programs on the machine take their share of the cores.", cores)
	s.Say("Python's threads got slower with two (the GIL); Go's goroutines run on every core.")
	return nil
}
