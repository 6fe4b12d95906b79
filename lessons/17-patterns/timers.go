package patterns

import (
	"context"
	"os"
	"runtime"
	"strings"
	"time"
	"weak"

	"github.com/conclab/conclab/lessons/lesson"
)

// timers runs timerChecks here, with Go 1.23's timers, and again in a
// child process with GODEBUG=asynctimerchan=1 (Go 1.22's timers).
func timers(ctx context.Context, s *lesson.Stage) error {
	s.Heading("Timers in Go 1.23 and later")
	if err := timerChecks(ctx, s); err != nil {
		return err
	}
	if err := s.Pause(ctx, "the same checks with the timers of Go 1.22: what changes?"); err != nil {
		return err
	}
	s.Heading("The same checks with GODEBUG=%s (Go 1.22's timers), in a child process", oldTimers)
	res, err := s.Child(ctx, lesson.ChildSpec{Name: "timer-checks", Env: []string{"GODEBUG=" + oldTimers}, Timeout: 30 * time.Second})
	if err != nil {
		return err
	}
	if res.ExitCode != 0 {
		s.Warn("the child ended with exit code %d:\n%s", res.ExitCode, res.Stderr)
	}
	s.Say("Since Go 1.23 a timer's channel is unbuffered: a tick nobody took is not left")
	s.Say("waiting in it, so after Stop or Reset no stale value can be received, and the old")
	s.Say("drain dance (if !t.Stop() { <-t.C }) is unnecessary. And a timer or ticker nobody")
	s.Say("references is garbage, even unstopped: time.After in a loop no longer piles up timers.")
	s.Say("(A go.mod that says go 1.22 or older keeps the old timers: the version picks the default.)")
	return ctx.Err()
}

// oldTimers is the GODEBUG setting that brings back the timers of Go 1.22
// and before: a buffered channel of one, filled when the timer fires.
const oldTimers = "asynctimerchan=1"

// timerChecks fires timers nobody is watching and looks at what is left
// behind. It runs twice: here, with the timers of this Go, and in a child
// process started with GODEBUG=asynctimerchan=1, the timers of Go 1.22.
// Its findings are prefixed "new-" or "old-" accordingly.
func timerChecks(ctx context.Context, s *lesson.Stage) error {
	era := "new-"
	if strings.Contains(os.Getenv("GODEBUG"), oldTimers) {
		era = "old-"
	}

	// 1. A timer fires while nobody receives; then we Stop it. Is a value
	// still waiting in t.C?
	t := time.NewTimer(10 * time.Millisecond)
	time.Sleep(30 * time.Millisecond) // it has fired by now
	stopped := t.Stop()
	stale := 0
	select {
	case <-t.C:
		stale = 1 // the tick from before Stop
	case <-time.After(50 * time.Millisecond):
	}
	s.Say("  Stop after it fired returned %v; a value was still in t.C: %v", stopped, stale == 1)
	s.Finding(era+"stale-after-stop", float64(stale), "")

	// 2. The same, then Reset to 50 ms: how long until t.C delivers?
	t = time.NewTimer(10 * time.Millisecond)
	time.Sleep(30 * time.Millisecond)
	start := time.Now()
	t.Reset(50 * time.Millisecond)
	<-t.C
	waited := time.Since(start)
	s.Say("  Reset(50ms) after it fired: the next receive came after %v", waited.Round(time.Millisecond))
	s.FindingDuration(era+"reset-waited", waited)

	// 3. A thousand timers set an hour ahead, never stopped, no longer
	// referenced. Can the garbage collector take them?
	var timers []weak.Pointer[time.Timer]
	for range 1000 {
		timers = append(timers, weak.Make(time.NewTimer(time.Hour)))
	}
	runtime.GC()
	runtime.GC()
	collected := 0
	for _, w := range timers {
		if w.Value() == nil {
			collected++
		}
	}
	s.Say("  1000 forgotten one-hour timers, collected by the GC: %d", collected)
	s.Finding(era+"timers-collected", float64(collected), "of 1000")
	return ctx.Err()
}
