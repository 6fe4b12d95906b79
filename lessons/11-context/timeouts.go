package contexts

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// budget is how long the server lets any one request take.
const budget = 500 * time.Millisecond

var (
	errOverBudget = fmt.Errorf("over its %v budget", budget)
	errClientGone = errors.New("the client hung up")
)

// A request asks for work of some duration; its client may hang up
// before the answer comes.
type request struct {
	work   time.Duration
	hangUp time.Duration // 0: the client waits as long as it takes
}

var incoming = []request{
	{work: 100 * time.Millisecond},
	{work: 200 * time.Millisecond},
	{work: 300 * time.Millisecond},
	{work: 900 * time.Millisecond, hangUp: 250 * time.Millisecond},
	{work: 1500 * time.Millisecond},
	{work: 2500 * time.Millisecond},
}

// query stands for a database call. Like database/sql and net/http, it
// honours its context: it returns as soon as ctx is done, saying why.
func query(ctx context.Context, s *lesson.Stage, work time.Duration) error {
	if err := s.Sleep(ctx, work); err != nil {
		return context.Cause(ctx) // not just "context deadline exceeded": the reason
	}
	return nil
}

func timeouts(ctx context.Context, s *lesson.Stage) error {
	s.Heading("%d requests at once, each with a budget of %v", len(incoming), budget)
	errs := make([]error, len(incoming))
	took := make([]time.Duration, len(incoming))
	start := time.Now()
	var wg sync.WaitGroup
	for i, r := range incoming {
		lane := s.Lane(fmt.Sprintf("request %d", i+1)) // here, so the timeline lists them in order
		wg.Add(1)
		go func() {
			defer wg.Done()
			lane.Start()
			defer lane.Done()

			// The client's side: it may give up and hang up.
			clientCtx, hangUp := context.WithCancelCause(ctx)
			defer hangUp(nil)
			if r.hangUp > 0 {
				t := time.AfterFunc(s.Scale(r.hangUp), func() { hangUp(errClientGone) })
				defer t.Stop()
			}
			// The server's side: no request may take longer than budget.
			reqCtx, cancel := context.WithTimeoutCause(clientCtx, s.Scale(budget), errOverBudget)
			defer cancel()

			t0 := time.Now()
			lane.Waiting("database")
			errs[i] = query(reqCtx, s, r.work)
			took[i] = time.Since(t0)
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)

	paused := s.Pause(ctx, "which requests were answered, and when did the others stop?")
	var finished, overBudget, gone int
	var slowest time.Duration
	for i, err := range errs {
		ms := took[i].Round(time.Millisecond)
		switch {
		case err == nil:
			finished++
			s.Say("  request %d: %v of work, answered after %v", i+1, incoming[i].work, ms)
		case errors.Is(err, errOverBudget):
			overBudget++
			s.Warn("  request %d: %v of work, cut after %v: %v", i+1, incoming[i].work, ms, err)
		case errors.Is(err, errClientGone):
			gone++
			s.Warn("  request %d: %v of work, cut after %v: %v", i+1, incoming[i].work, ms, err)
		default:
			s.Warn("  request %d: %v", i+1, err)
		}
		slowest = max(slowest, took[i])
	}
	s.Finding("finished", float64(finished), "requests")
	s.Finding("over-budget", float64(overBudget), "requests")
	s.Finding("client-gone", float64(gone), "requests")
	s.FindingDuration("slowest-answer", slowest)
	s.FindingDuration("elapsed", elapsed)
	s.FindingDuration("longest-work", s.Scale(incoming[len(incoming)-1].work))
	s.Say("Nothing waited for the 2.5 s request: its goroutine returned at the")
	s.Say("deadline, and so would every goroutine it had started with reqCtx.")
	s.Say("context.Cause tells a timeout from a hang-up; ctx.Err() alone only")
	s.Say("says Canceled or DeadlineExceeded.")
	if paused != nil {
		return paused
	}
	return ctx.Err()
}
