package race

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
	"github.com/conclab/conclab/lessons/traceback"
)

// mapWrites runs mapWriter in a child process and explains how the
// runtime stopped it.
func mapWrites(ctx context.Context, s *lesson.Stage) error {
	s.Heading("Two goroutines writing one map, in a child process")
	s.Say("Python threading courses often say dicts and lists are \"thread-safe\" (a CPython detail).")
	s.Say("In Go a map has no lock inside. Let us write one from two goroutines.")
	if err := s.Pause(ctx, "what will happen?"); err != nil {
		return err
	}
	res, err := s.Child(ctx, lesson.ChildSpec{Name: "map-writer", Timeout: mapWriterTimeout})
	if err != nil {
		return err
	}
	s.Finding("exit-code", float64(res.ExitCode), "")
	s.FindingDuration("until-fault", res.Elapsed)
	if res.TimedOut {
		s.Warn("The child ran %v without faulting; what it printed is below.", mapWriterTimeout)
	}

	s.Heading("What Go printed (the start of the child's standard error)")
	_, _ = s.Write([]byte(firstRaceReport(res.Stderr) + firstGoroutine(res.Stderr)))
	// Usually the map's own check catches the second writer: "fatal error:
	// concurrent map writes". Sometimes the two writers corrupt the map
	// before the check runs, and the runtime dies of what that did:
	// "fatal error: fault" (a segmentation violation) or similar.
	fatalMsg := fatalError(res.Stderr)
	fatal := fatalMsg != ""
	if fatal {
		s.Finding("fatal", 1, fatalMsg)
	}
	if err := s.Pause(ctx, "what does it mean?"); err != nil {
		return err
	}
	s.Heading("In plain words")
	if races := traceback.Dedup(traceback.ParseRaces(res.Stderr)); len(races) > 0 {
		s.Say("The race detector saw the two goroutines first:")
		traceback.ExplainRaceFrom(s, races[0], ownCode, readSource)
	}
	if fatal {
		if gs := traceback.ParseDump(res.Stderr); len(gs) > 0 {
			// The runtime prints the goroutine it caught first.
			if f, ok := traceback.UserFrame(gs[0].Frames, ownCode); ok {
				if fatalMsg == mapWritesFatal {
					s.Say("Goroutine %d was writing the map at %s when the runtime found another", gs[0].ID, f.Short())
					s.Say("write in progress, and stopped the whole program; recover cannot catch this:")
				} else {
					s.Say("Goroutine %d was writing the map at %s when it crashed (%s): the two writers", gs[0].ID, f.Short(), fatalMsg)
					s.Say("had corrupted the map before its check could say %q. recover cannot catch this:", mapWritesFatal)
				}
				for _, l := range traceback.SourceLinesFrom(readSource, f.File, f.Line, 1) {
					s.Say("    %s", l)
				}
			}
		}
	}
	s.Say("A map is not safe for concurrent use. Guard it with a sync.Mutex (or RWMutex for")
	s.Say("many readers, lesson 4), or let one goroutine own it. sync.Map exists for a few")
	s.Say("special cases (keys written once, read many times), not as the default.")
	return nil
}

// mapWritesFatal is the runtime's message when a map's check catches two
// writers.
const mapWritesFatal = "concurrent map writes"

// mapWriter is the child entry point that writes one map from two
// goroutines with no lock. It never returns on its own: the runtime ends
// the process with "fatal error: concurrent map writes" (or the parent's
// time limit does).
func mapWriter(_ context.Context, s *lesson.Stage) error {
	ages := map[int]int{}
	var ready atomic.Int32
	var wg sync.WaitGroup
	for i := range Goroutines {
		lane := s.Lane(laneName(i))
		wg.Add(1)
		go func() {
			defer wg.Done()
			lane.Start() // before the barrier: the stage's lock must not stagger the start
			startTogether(&ready)
			for k := 0; ; k++ {
				ages[k%1000] = k // two goroutines writing one map: the runtime stops the program
			}
		}()
	}
	wg.Wait()
	return nil
}

// The time the map demo gives its child to fault.
const mapWriterTimeout = 30 * time.Second
