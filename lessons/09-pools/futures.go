package pools

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/conclab/conclab/lessons/lesson"
)

// result is what a future delivers: a value or an error.
type result struct {
	value string
	err   error
}

// submit starts work in a goroutine and returns at once with a future: a
// channel that will carry exactly one result. Its buffer of 1 lets the
// goroutine finish even if nobody ever reads the future.
func submit(ctx context.Context, s *lesson.Stage, running *gauge, name string, d time.Duration, onDone func(string)) <-chan result {
	future := make(chan result, 1)
	go func() {
		running.enter() // counts copies in progress, to show they overlap
		err := s.Sleep(ctx, d)
		running.leave()
		if err != nil {
			future <- result{err: err}
			return
		}
		onDone(name) // a callback runs in the worker's goroutine, not the caller's
		future <- result{value: name + " copied"}
	}()
	return future
}

func futures(ctx context.Context, s *lesson.Stage) error {
	files := []struct {
		name string
		d    time.Duration
	}{{"a.txt", 300 * time.Millisecond}, {"b.txt", 200 * time.Millisecond}, {"c.txt", 100 * time.Millisecond}}

	// The callback reports progress as each copy finishes. It runs on the
	// workers' goroutines, so the counter it shares needs a lock. (A
	// folder copier can avoid the shared counter altogether: workers send
	// the names they copied on a channel and one goroutine counts, the
	// way the classic Python copier's parent read a Manager().Queue().)
	var (
		mu     sync.Mutex
		copied int
	)
	progress := s.Lane("callback")
	onDone := func(name string) {
		mu.Lock()
		copied++
		pct := float64(copied) / float64(len(files)) * 100
		mu.Unlock()
		progress.Printf("%s done, copy progress %.2f%%", name, pct)
	}

	var running gauge
	begin := time.Now()
	var sum time.Duration
	pending := make([]<-chan result, len(files))
	for i, f := range files {
		pending[i] = submit(ctx, s, &running, f.name, f.d, onDone)
		sum += s.Scale(f.d)
	}
	submitted := time.Since(begin)
	s.Say("3 tasks submitted in %v; the caller holds 3 futures", submitted.Round(time.Microsecond))

	caller := s.Lane("caller")
	for i, f := range pending {
		caller.Waiting(fmt.Sprintf("future %d", i+1))
		r := <-f // waits for this task only; the others keep running meanwhile
		caller.Received(fmt.Sprintf("future %d", i+1))
		if r.err != nil {
			return r.err
		}
		caller.Printf("future %d: %s", i+1, r.value)
	}
	elapsed := time.Since(begin)
	if err := s.Pause(ctx, "the sum of the tasks, or the slowest?"); err != nil {
		return err
	}
	s.FindingDuration("submit", submitted)
	s.FindingDuration("elapsed", elapsed)
	s.FindingDuration("sum", sum)
	s.Finding("peak-running", float64(running.highest()), "copies at once")
	mu.Lock()
	s.Finding("progress", float64(copied)/float64(len(files))*100, "%")
	mu.Unlock()
	s.Say("Reading a.txt's future first waited %v; by then b and c were long done.", s.Scale(files[0].d))
	return nil
}

// errDisk is the failure of task 5 in the first-error demo.
var errDisk = errors.New("task 5: disk full")

// The first-error demo: 20 tasks, 3 at a time, each 200 ms, task 5 fails
// after 50 ms.
const (
	groupTasks = 20
	groupLimit = 3
	failing    = 4 // index of task 5
)

func firstError(ctx context.Context, s *lesson.Stage) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(groupLimit) // g.Go blocks while 3 tasks run
	var (
		mu                                     sync.Mutex
		started, completed, cancelled, skipped int
	)
	count := func(n *int) { mu.Lock(); *n++; mu.Unlock() }
	var running gauge // proves the limit: never more than 3 inside at once
	for i := range groupTasks {
		g.Go(func() error {
			if gctx.Err() != nil {
				count(&skipped) // the group already failed: do not start
				return nil
			}
			count(&started)
			running.enter()
			defer running.leave()
			lane := s.Lane(fmt.Sprintf("task %d", i+1))
			lane.Start()
			defer lane.Done()
			if i == failing {
				if err := s.Sleep(gctx, 50*time.Millisecond); err != nil {
					return err
				}
				lane.Printf("fails: %v", errDisk)
				return errDisk
			}
			if err := s.Sleep(gctx, 200*time.Millisecond); err != nil {
				lane.Printf("cancelled mid-task")
				count(&cancelled)
				return err
			}
			count(&completed)
			return nil
		})
	}
	err := g.Wait() // the first error, after every goroutine returned
	if !errors.Is(err, errDisk) {
		return fmt.Errorf("errgroup returned %v, want %v", err, errDisk)
	}
	s.Warn("g.Wait: %v", err)
	if err := s.Pause(ctx, "how many of the 20 tasks started?"); err != nil {
		return err
	}
	s.Finding("started", float64(started), "tasks")
	s.Finding("completed", float64(completed), "tasks")
	s.Finding("cancelled", float64(cancelled), "tasks cut short")
	s.Finding("skipped", float64(skipped), "tasks never started")
	s.Finding("peak-running", float64(running.highest()), "tasks at once")
	s.Say("The group's context was cancelled by the error: running tasks saw it in their")
	s.Say("sleep, and the tasks g.Go started afterwards checked it first and did nothing.")
	return nil
}
