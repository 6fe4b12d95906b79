package deadlock

import (
	"context"
	_ "embed"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
	"github.com/conclab/conclab/lessons/traceback"
)

// bankSource is bank.go itself, so that the lines the goroutine dump
// points at can be shown even where the source tree is not at hand.
//
//go:embed bank.go
var bankSource string

// watchdog is how long the transfers get to finish: they need
// microseconds, so a second without progress is a deadlock.
const watchdog = time.Second

func bankDeadlock(ctx context.Context, s *lesson.Stage) error {
	s.Say("Tom has 10,000 and Jack 6,000. Tom sends Jack 5,000 while Jack sends Tom 200.")
	s.Say("Each transfer locks its own account, then the other's. They run in a child")
	s.Say("process watched by a %v watchdog, so that this program survives the deadlock.", s.Limit(watchdog))
	res, err := s.Child(ctx, lesson.ChildSpec{Name: "bank-transfers", Timeout: watchdog,
		// Stuck for good only once its timeline holds the wait-for cycle;
		// before that it was merely slow to start its transfers, and the
		// stage runs it again.
		Reached: func(r *lesson.ChildResult) bool { return waitForCycle(r.Report.Lanes, r.Report.Events) != nil },
	})
	if err != nil {
		return err
	}
	if !res.TimedOut {
		return fmt.Errorf("the transfers were meant to deadlock, but the child ended (exit %d):\n%s", res.ExitCode, res.Stderr)
	}
	if res.DumpErr != nil {
		s.Warn("No progress for %v: the watchdog stopped the child, without a goroutine dump: %v.", s.Limit(watchdog), res.DumpErr)
	} else {
		s.Warn("No progress for %v: the watchdog sent SIGQUIT, and Go printed every goroutine's stack.", s.Limit(watchdog))
	}
	s.FindingDuration("watchdog", s.Limit(watchdog))
	s.FindingDuration("child-ended-after", res.Elapsed)

	if err := s.Pause(ctx, "where is each goroutine stuck?"); err != nil {
		return err
	}
	s.Heading("The goroutine dump: who is stuck, and on which line")
	stuck := 0
	for _, g := range traceback.ParseDump(res.Stderr) {
		f, ok := traceback.UserFrame(g.Frames, func(file string) bool { return filepath.Base(file) == "bank.go" })
		if !ok || g.WaitingOn() != traceback.MutexLock {
			continue
		}
		stuck++
		s.Say("  goroutine %d [%s] at %s:", g.ID, g.State, f.Short())
		s.Say("      %s", sourceLine(bankSource, f.Line))
	}
	s.Finding("stuck", float64(stuck), "goroutines in Mutex.Lock")

	if err := s.Pause(ctx, "who waits for whom?"); err != nil {
		return err
	}
	s.Heading("The wait-for cycle, from the timeline")
	cycle := waitForCycle(s.Lanes(), s.Events())
	parts := make([]string, len(cycle))
	for i, w := range cycle {
		parts[i] = fmt.Sprintf("transfer %s holds %s, waits for %s", w.Lane, w.Holds, w.WaitsFor)
		s.Say("  %s (held by %s)", parts[i], w.HeldBy)
	}
	s.Finding("cycle", float64(len(cycle)), "transfers")
	if len(cycle) > 0 {
		s.Say("  %s: a circle, so nobody can ever move.", strings.Join(parts, "; "))
	}

	if err := s.Pause(ctx, "which four conditions made this possible?"); err != nil {
		return err
	}
	s.Heading("The four Coffman conditions, all present")
	s.Say("  1. mutual exclusion: a sync.Mutex has one owner; Tom's account is locked by one transfer.")
	s.Say("  2. hold and wait: transfer Tom->Jack holds Tom while it waits for Jack.")
	s.Say("  3. no preemption: nothing can take Tom's lock away; Lock cannot time out or be cancelled.")
	s.Say("  4. circular wait: Tom->Jack waits for Jack->Tom, which waits for Tom->Jack.")
	s.Say("Break any one and the deadlock is impossible: lock-order breaks 4, trylock breaks 2.")
	return nil
}

// sourceLine returns line n of src, trimmed, or "" if there is none.
func sourceLine(src string, n int) string {
	lines := strings.Split(src, "\n")
	if n < 1 || n > len(lines) {
		return ""
	}
	return strings.TrimSpace(lines[n-1])
}

// waitFor is one edge of a wait-for graph: Lane holds Holds and waits for
// WaitsFor, which HeldBy holds.
type waitFor struct {
	Lane, Holds, WaitsFor, HeldBy string
}

// waitForCycle replays a timeline and returns a cycle of lanes each
// waiting for an object the next one holds, or nil if there is none. A
// goroutine dump says what each goroutine waits for but not who holds it,
// so the holders come from the Acquired and Released events.
func waitForCycle(lanes []string, events []lesson.Event) []waitFor {
	owner := map[string]int{}   // object -> lane holding it
	waiting := map[int]string{} // lane -> object it waits for
	for _, e := range events {
		switch e.Kind {
		case lesson.Waiting:
			waiting[e.Lane] = e.Object
		case lesson.Acquired:
			owner[e.Object] = e.Lane
			if waiting[e.Lane] == e.Object {
				delete(waiting, e.Lane)
			}
		case lesson.Released:
			if l, ok := owner[e.Object]; ok && l == e.Lane {
				delete(owner, e.Object)
			}
		case lesson.Done:
			delete(waiting, e.Lane)
		}
	}
	for start := range lanes {
		pos := map[int]int{} // lane -> its place on the path
		var path []int
		for l := start; ; {
			if at, seen := pos[l]; seen {
				ring := path[at:]
				cycle := make([]waitFor, len(ring))
				for i, lane := range ring {
					prev := ring[(i+len(ring)-1)%len(ring)]
					next := ring[(i+1)%len(ring)]
					cycle[i] = waitFor{Lane: lanes[lane], Holds: waiting[prev], WaitsFor: waiting[lane], HeldBy: lanes[next]}
				}
				return cycle
			}
			obj, ok := waiting[l]
			if !ok {
				break
			}
			holder, ok := owner[obj]
			if !ok {
				break
			}
			pos[l] = len(path)
			path = append(path, l)
			l = holder
		}
	}
	return nil
}
