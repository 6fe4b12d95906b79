package processes

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// primeLimit is how far the demo counts primes at speed 1: about a second
// of arithmetic on one core. Tests count less.
const primeLimit = 2_000_000

// primeRangeEnv tells a prime-worker child its slice: "lo:hi".
const primeRangeEnv = "CONCLAB_PRIME_RANGE"

// primes counts the primes below a limit with 1, 4 and 10 goroutines,
// then with as many child processes, after timing what a goroutine and
// a process cost to start.
func primes(ctx context.Context, s *lesson.Stage) error {
	ctx, cancel := context.WithTimeout(ctx, s.Limit(6*safety))
	defer cancel()
	// Fewer primes when the demo runs faster (tests), never more when it
	// runs slower: a class watching in slow motion needs no longer sums.
	limit := max(min(primeLimit, int(float64(primeLimit)*float64(s.Scale(time.Second))/float64(time.Second))), 100_000)
	s.Say("Counting the primes below %s, split into equal slices, on %d cores.", lesson.Number(float64(limit)), runtime.NumCPU())
	s.Finding("cores", float64(runtime.NumCPU()), "cores")
	lane := s.Lane("parent")

	s.Heading("What a worker costs to start")
	const goroutines, processes = 1000, 5
	begin := time.Now()
	var wg sync.WaitGroup
	for range goroutines {
		wg.Add(1)
		go func() { wg.Done() }()
	}
	wg.Wait()
	perGoroutine := time.Since(begin) / goroutines
	begin = time.Now()
	for range processes {
		cmd, err := s.Command(ctx, "noop")
		if err != nil {
			return err
		}
		if err := cmd.Run(); err != nil {
			return err
		}
	}
	perProcess := time.Since(begin) / processes
	lane.Printf("a goroutine: %v to start and finish; a process: %v", perGoroutine, perProcess.Round(10*time.Microsecond))
	s.Finding("goroutine-start-us", float64(perGoroutine)/float64(time.Microsecond), "µs")
	s.Finding("process-start-us", float64(perProcess)/float64(time.Microsecond), "µs")

	if err := s.Pause(ctx, "now the work itself: 1, 4 and 10 workers"); err != nil {
		return err
	}
	// The same count three times each way; every run must find the same
	// number of primes.
	runs := &primeRuns{s: s, lane: lane}
	s.Heading("goroutines")
	for _, n := range []int{1, 4, 10} {
		count := func() (int, error) { return withGoroutines(limit, n), nil }
		if err := runs.run(ctx, "goroutines", n, count); err != nil {
			return err
		}
	}
	if err := s.Pause(ctx, "the same with processes: faster or slower?"); err != nil {
		return err
	}
	s.Heading("processes")
	for _, n := range []int{1, 4, 10} {
		count := func() (int, error) { return withProcesses(ctx, s, limit, n) }
		if err := runs.run(ctx, "processes", n, count); err != nil {
			return err
		}
	}
	runs.record()

	s.Say("Both spread the work over every core: Go has no GIL, so goroutines")
	s.Say("need no processes to run in parallel. Past the number of cores, more")
	s.Say("workers only take turns. A process costs a fork, an exec and a runtime")
	s.Say("start-up; its gift is isolation (a crash, a leak, a limit of its own).")
	return nil
}

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

// slice is worker i's share of [0, limit) when split n ways.
func slice(limit, n, i int) (lo, hi int) { return i * limit / n, (i + 1) * limit / n }

// withGoroutines counts the primes below limit with n goroutines.
func withGoroutines(limit, n int) int {
	counts := make([]int, n) // each goroutine writes only its own element
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			counts[i] = countPrimes(slice(limit, n, i))
		}()
	}
	wg.Wait()
	total := 0
	for _, c := range counts {
		total += c
	}
	return total
}

// withProcesses counts the primes below limit with n child processes, each
// told its slice in its environment and printing its count.
func withProcesses(ctx context.Context, s *lesson.Stage, limit, n int) (int, error) {
	counts := make([]int, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() { // a goroutine to wait for each child: they run at once
			defer wg.Done()
			cmd, err := s.Command(ctx, "prime-worker")
			if err != nil {
				errs[i] = err
				return
			}
			lo, hi := slice(limit, n, i)
			cmd.Env = append(cmd.Env, fmt.Sprintf("%s=%d:%d", primeRangeEnv, lo, hi))
			out, err := cmd.Output()
			if err != nil {
				errs[i] = err
				return
			}
			counts[i], errs[i] = strconv.Atoi(strings.TrimSpace(string(out)))
		}()
	}
	wg.Wait()
	total := 0
	for i := range n {
		if errs[i] != nil {
			return 0, fmt.Errorf("prime worker %d of %d: %w", i+1, n, errs[i])
		}
		total += counts[i]
	}
	return total, nil
}

// primeWorker is a child: it counts the primes in the slice its
// environment names and prints the count.
func primeWorker(_ context.Context, _ *lesson.Stage) error {
	var lo, hi int
	if _, err := fmt.Sscanf(os.Getenv(primeRangeEnv), "%d:%d", &lo, &hi); err != nil {
		return fmt.Errorf("%s=%q: want lo:hi", primeRangeEnv, os.Getenv(primeRangeEnv))
	}
	fmt.Println(countPrimes(lo, hi))
	return nil
}
