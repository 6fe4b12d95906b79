package pools

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// futures submits three copies at once and reads their futures in turn:
// the wait is the slowest copy's, not the sum.
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
