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
		wg.Go(func() {
			for c := range next {
				counts[w] += countPrimes(c*limit/chunks, (c+1)*limit/chunks)
			}
		})
	}
	wg.Wait()
	wall, cpu = time.Since(begin), processCPU()-cpuBefore
	for _, n := range counts {
		count += n
	}
	return count, wall, cpu
}

// cpuBound counts primes with the same goroutines twice: with GOMAXPROCS=1
// (one thread runs Go code at a time, like Python's GIL) and with the
// default GOMAXPROCS, the CPUs this process may use.
func cpuBound(ctx context.Context, s *lesson.Stage) error {
	// Since Go 1.25 the default GOMAXPROCS is the CPUs the process may run
	// on: the machine's cores, fewer if the CPU affinity mask or a cgroup
	// quota (a container's CPU limit) allows fewer. NumCPU ignores the
	// quota, so one goroutine per NumCPU would oversubscribe a container.
	cores := runtime.GOMAXPROCS(0)
	limit := max(int(float64(primeLimit)*float64(s.Scale(time.Second))/float64(time.Second)), 200_000)
	s.Say("Counting primes below %s with %d goroutines, one per CPU this process may use", lesson.Number(float64(limit)), cores)
	s.Say("(GOMAXPROCS=%d; the machine has %d cores).", cores, runtime.NumCPU())
	s.Finding("gomaxprocs", float64(cores), "CPUs usable")
	s.Finding("cores", float64(runtime.NumCPU()), "cores on the machine")

	previous := runtime.GOMAXPROCS(1)
	defer restoreGOMAXPROCS(previous) // put it back, whatever happens
	s.Heading("GOMAXPROCS=1: the goroutines take turns on one thread")
	n1, wall1, cpu1 := parallelPrimes(limit, cores)
	if err := ctx.Err(); err != nil {
		return err
	}
	s.FindingDuration("one-core-ms", wall1)
	s.Finding("one-core-parallelism", cpu1.Seconds()/wall1.Seconds(), "CPU seconds per second")

	if err := s.Pause(ctx, "now with every CPU it may use: how much faster?"); err != nil {
		return err
	}
	restoreGOMAXPROCS(previous)
	s.Heading("GOMAXPROCS=%d: the same goroutines on every CPU", cores)
	n2, wall2, cpu2 := parallelPrimes(limit, cores)
	s.FindingDuration("all-cores-ms", wall2)
	s.Finding("all-cores-parallelism", cpu2.Seconds()/wall2.Seconds(), "CPU seconds per second")
	s.Finding("speedup", wall1.Seconds()/wall2.Seconds(), "x")
	s.Say("Both runs found %s primes.", lesson.Number(float64(n2)))
	if n1 != n2 {
		s.Warn("The two runs disagree (%d vs %d): that would be a bug.", n1, n2)
	}
	if cores == 1 {
		s.Warn("GOMAXPROCS is 1 here (one core, or a CPU limit of one): there is nothing to run in parallel on, so expect no speedup.")
		return nil
	}
	s.Say("Up to %dx is possible here; other programs on the machine take their share of the cores.", cores)
	s.Say("Python's threads got slower with two (the GIL); Go's goroutines run on every core.")
	return nil
}

// restoreGOMAXPROCS undoes runtime.GOMAXPROCS(1). Setting GOMAXPROCS by
// hand switches off the runtime's automatic updates (it follows changes to
// the affinity mask and cgroup quota while the program runs);
// SetDefaultGOMAXPROCS switches them back on. If the setting before was
// not the default (the GOMAXPROCS environment variable, go test -cpu, an
// earlier call), that setting comes back instead (one equal to the
// default cannot be told apart from it, and gets the updates back).
func restoreGOMAXPROCS(previous int) {
	runtime.SetDefaultGOMAXPROCS()
	if runtime.GOMAXPROCS(0) != previous {
		runtime.GOMAXPROCS(previous)
	}
}
