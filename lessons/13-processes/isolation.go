package processes

import (
	"context"
	"os"
	"strings"
	"sync"

	"github.com/conclab/conclab/lessons/lesson"
)

// workers is how many processes, then goroutines, add 1 to counter.
const workers = 20

// counter is one variable in this program. Every process running the
// program has its own copy of it; every goroutine of one process shares
// that process's copy.
var (
	counterMu sync.Mutex
	counter   int
)

// isolation adds 1 to counter in 20 child processes, then in 20
// goroutines: each process has its own counter, the goroutines share one.
func isolation(ctx context.Context, s *lesson.Stage) error {
	ctx, cancel := context.WithTimeout(ctx, s.Limit(3*safety)) // 20 processes on a busy machine
	defer cancel()
	counterMu.Lock()
	counter = 0 // the menu may run this demo twice in one process
	counterMu.Unlock()
	lane := s.Lane("parent")

	s.Heading("%d child processes, each runs counter++ once", workers)
	seen := make([]string, workers) // what each child printed
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Add(1)
		go func() { // one goroutine per child, to start and wait for it
			defer wg.Done()
			cmd, err := s.Command(ctx, "add-one")
			if err != nil {
				errs[i] = err
				return
			}
			out, err := cmd.Output()
			seen[i], errs[i] = strings.TrimSpace(string(out)), err
		}()
	}
	wg.Wait()
	lowest, highest, err := childCounters(lane, seen, errs)
	if err != nil {
		return err
	}
	counterMu.Lock()
	after := counter
	counterMu.Unlock()
	lane.Printf("pid %d (the parent): counter = %d", os.Getpid(), after)
	s.Finding("children", workers, "processes")
	s.Finding("child-counter-lowest", float64(lowest), "")
	s.Finding("child-counter-highest", float64(highest), "")
	s.Finding("parent-counter-after-processes", float64(after), "")
	s.Say("Each child changed its own copy and took it to the grave.")

	if err := s.Pause(ctx, "now 20 goroutines: what will counter show?"); err != nil {
		return err
	}
	s.Heading("%d goroutines, each runs counter++ once (under the mutex)", workers)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			counterMu.Lock()
			counter++ // the one counter of this process
			counterMu.Unlock()
		}()
	}
	wg.Wait()
	counterMu.Lock()
	after = counter
	counterMu.Unlock()
	lane.Printf("pid %d: counter = %d", os.Getpid(), after)
	s.Finding("parent-counter-after-goroutines", float64(after), "")
	s.Say("Goroutines share their process's memory: hence the mutex, and every")
	s.Say("lesson before this one. Processes share nothing unless you give them")
	s.Say("a channel of their own: a pipe, a socket, a file.")
	return nil
}

// addOne is a child: it adds 1 to its counter and says what it sees.
func addOne(_ context.Context, s *lesson.Stage) error {
	counterMu.Lock()
	counter++
	n := counter
	counterMu.Unlock()
	s.Say("pid %d: counter = %d", os.Getpid(), n)
	return nil
}
