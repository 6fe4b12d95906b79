package events

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

const cancelWorkers = 4

func contextCancel(ctx context.Context, s *lesson.Stage) error {
	for _, how := range []string{"cancel", "deadline"} {
		var wctx context.Context
		var cancel context.CancelFunc
		if how == "cancel" {
			s.Heading("cancel(): the event fires when we say so")
			wctx, cancel = context.WithCancel(ctx)
		} else {
			s.Heading("WithTimeout(%v): the same event, fired by a timer", s.Scale(300*time.Millisecond))
			wctx, cancel = context.WithTimeout(ctx, s.Scale(300*time.Millisecond))
		}
		stopped := make(chan error, cancelWorkers)
		var wg sync.WaitGroup
		for i := range cancelWorkers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				lane := s.Lane(fmt.Sprintf("worker %d", i+1))
				lane.Start()
				defer lane.Done()
				tick := time.NewTicker(s.Scale(100 * time.Millisecond))
				defer tick.Stop()
				for n := 1; ; n++ {
					select {
					case <-wctx.Done(): // the event: closed by cancel or by the deadline
						lane.Printf("stopping: %v", wctx.Err())
						stopped <- wctx.Err()
						return
					case <-tick.C:
						lane.Printf("working... %d", n)
					}
				}
			}()
		}
		if how == "cancel" {
			if err := s.Sleep(ctx, 300*time.Millisecond); err != nil {
				cancel()
				wg.Wait()
				return err
			}
			cancel() // one call, every worker hears it
		}
		wg.Wait()
		cancel() // always release the context's resources
		close(stopped)
		count := 0
		for err := range stopped {
			want := context.Canceled
			if how == "deadline" {
				want = context.DeadlineExceeded
			}
			if errors.Is(err, want) {
				count++
			}
		}
		s.Finding("stopped-by-"+how, float64(count), "workers")
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	s.Say("ctx.Done() is a channel that is closed once: the close-broadcast of the last")
	s.Say("demo, packaged with a reason (ctx.Err) and a tree (cancelling a parent cancels")
	s.Say("its children). Pass it down; every blocking wait should select on it.")
	return nil
}
