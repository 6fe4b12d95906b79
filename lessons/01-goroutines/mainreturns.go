package goroutines

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// The classic teaching version's puzzle, scaled down five times: a ticker prints every
// second, a worker needs 10 s, main sleeps 5 s and returns.
const (
	tickEvery  = 200 * time.Millisecond
	workerNeed = 2 * time.Second
	mainSleeps = time.Second
)

// mainReturns runs the puzzle twice, each time in a child process: only a
// real process shows what happens when its main function returns.
func mainReturns(ctx context.Context, s *lesson.Stage) error {
	s.Say("A ticker prints every %v; a worker needs %v; main sleeps %v and returns.",
		s.Scale(tickEvery), s.Scale(workerNeed), s.Scale(mainSleeps))
	if err := s.Pause(ctx, "what is printed before the program ends?"); err != nil {
		return err
	}
	s.Heading("main returns without waiting (a child process)")
	res, err := s.Child(ctx, lesson.ChildSpec{Name: "main-returns-early", Timeout: 30 * time.Second})
	if err != nil {
		return err
	}
	ticks, finished := strings.Count(res.Stdout, "tick "), strings.Contains(res.Stdout, "worker finished")
	s.Finding("ticks-before-exit", float64(ticks), "ticks")
	s.Finding("worker-finished-early-return", boolFinding(finished), "")
	if finished {
		return fmt.Errorf("the worker finished although main returned first:\n%s", res.Stdout)
	}
	s.Warn("The process ended with main: %d ticks, and the worker never printed \"finished\".", ticks)
	s.Say("Nobody stopped the goroutines; the process simply exited under them.")

	if err := s.Pause(ctx, "now main waits for the worker with a WaitGroup"); err != nil {
		return err
	}
	s.Heading("main waits with a WaitGroup (a child process)")
	res, err = s.Child(ctx, lesson.ChildSpec{Name: "main-waits", Timeout: 30 * time.Second})
	if err != nil {
		return err
	}
	finished = strings.Contains(res.Stdout, "worker finished")
	s.Finding("worker-finished-with-wait", boolFinding(finished), "")
	if !finished {
		return fmt.Errorf("main waited, yet the worker did not finish (exit %d):\n%s", res.ExitCode, res.Stderr)
	}
	s.Say("wg.Wait() kept main alive until the worker called wg.Done().")
	return nil
}

func boolFinding(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// ticker prints a tick every tickEvery until stop is closed.
func ticker(ctx context.Context, s *lesson.Stage, stop <-chan struct{}) {
	lane := s.Lane("ticker")
	t := time.NewTicker(s.Scale(tickEvery))
	defer t.Stop()
	for n := 1; ; n++ {
		select {
		case <-t.C:
			lane.Printf("tick %d", n)
		case <-stop:
			return
		case <-ctx.Done():
			return
		}
	}
}

// worker needs workerNeed, then says so.
func worker(ctx context.Context, s *lesson.Stage) {
	lane := s.Lane("worker")
	lane.Start()
	lane.Printf("working for %v", s.Scale(workerNeed))
	if s.Sleep(ctx, workerNeed) == nil {
		lane.Printf("worker finished")
		lane.Done()
	}
}

// mainReturnsEarly is a child's main: it starts both goroutines, sleeps,
// and returns. The process exits at once, taking the goroutines with it.
func mainReturnsEarly(ctx context.Context, s *lesson.Stage) error {
	go ticker(ctx, s, nil) // a nil channel never closes: ticks forever
	go worker(ctx, s)
	_ = s.Sleep(ctx, mainSleeps)
	s.Say("main: returning")
	return nil
}

// mainWaits is the fix: main waits for the worker, then stops the ticker
// and waits for it too, so nothing is cut off mid-line.
func mainWaits(ctx context.Context, s *lesson.Stage) error {
	// wg.Go (Go 1.25) starts the goroutine and counts it in one call, so
	// the count can never be added too late.
	var wg sync.WaitGroup
	stop := make(chan struct{})
	var tickers sync.WaitGroup
	tickers.Go(func() { ticker(ctx, s, stop) })
	wg.Go(func() { worker(ctx, s) })
	_ = s.Sleep(ctx, mainSleeps)
	s.Say("main: waiting for the worker")
	wg.Wait()
	close(stop)
	tickers.Wait()
	s.Say("main: returning")
	return nil
}
