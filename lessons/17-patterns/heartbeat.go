package patterns

import (
	"context"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// heartbeat runs a worker in a goroutine that sends a beat after each
// unit of work and then gets stuck; the monitor's select resets a
// silence timer at every beat and cancels the worker when it fires.
func heartbeat(ctx context.Context, s *lesson.Stage) error {
	patience := 3 * beatEvery
	s.Say("A worker beats every %v; its monitor gives up after %v of silence.", s.Scale(beatEvery), s.Scale(patience))
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	beats := make(chan int, 1) // room for one beat while the monitor is busy printing
	done := make(chan struct{})
	go func() {
		defer close(done)
		worker(wctx, s, beats)
	}()

	monitor := s.Lane("monitor")
	received, lastBeat := 0, time.Now()
	silence := time.NewTimer(s.Scale(patience))
	defer silence.Stop()
	detected := false
	for !detected {
		select {
		case unit := <-beats:
			received++
			lastBeat = time.Now()
			monitor.Printf("beat: unit %d done", unit)
			silence.Reset(s.Scale(patience)) // Go 1.23+: no stale tick to drain first
		case <-silence.C:
			monitor.Printf("no beat for %v: the worker is stuck, cancelling it", s.Scale(patience))
			detected = true
		case <-ctx.Done():
			cancel()
			<-done
			return ctx.Err()
		}
	}
	quiet := time.Since(lastBeat)
	cancel() // the stuck worker's way out
	<-done
	s.Finding("beats", float64(received), "")
	s.Finding("stall-detected", 1, "")
	s.FindingDuration("silence-before-detect", quiet)
	s.Say("A heartbeat tells \"slow\" from \"stuck\" without knowing how long the work takes:")
	s.Say("the monitor only needs the interval. The beat is a non-blocking send, so a slow")
	s.Say("monitor costs beats, never the worker's progress.")
	return nil
}

const (
	beatEvery = 50 * time.Millisecond
	unitsDone = 5 // units of work before the worker hangs
)

// worker does a unit of work per interval and sends a heartbeat after
// each one, without ever blocking on it: a missed beat is better than a
// worker stuck because its monitor is slow. After unitsDone units it
// hangs, as on a call that never returns, until ctx is cancelled.
func worker(ctx context.Context, s *lesson.Stage, beats chan<- int) {
	lane := s.Lane("worker")
	lane.Start()
	defer lane.Done()
	for unit := 1; ; unit++ {
		if unit > unitsDone {
			lane.Printf("stuck in a call that never returns")
			<-ctx.Done() // only the monitor's cancel gets it out
			lane.Printf("cancelled: %v", ctx.Err())
			return
		}
		if s.Sleep(ctx, beatEvery) != nil {
			return
		}
		select {
		case beats <- unit: // "still alive, finished unit N"
		default: // nobody listening right now: drop the beat, keep working
		}
	}
}
