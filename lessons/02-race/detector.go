package race

import (
	"context"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
	"github.com/conclab/conclab/lessons/traceback"
)

// detector runs the racy counter in a child process built with -race and
// explains the race detector's report.
func detector(ctx context.Context, s *lesson.Stage) error {
	if !lesson.RaceEnabled && s.Options().RaceExe == "" {
		s.Warn("This demo needs the race detector: run it with --race (conclab run race detector --race).")
		return nil
	}
	s.Heading("The racy counter again, in a child process built with -race")
	res, err := s.Child(ctx, lesson.ChildSpec{Name: "racy-counter", Race: true, Timeout: 2 * time.Minute})
	if err != nil {
		return err
	}
	races := traceback.ParseRaces(res.Stderr)
	s.Heading("What the race detector printed (the child's standard error)")
	_, _ = s.Write([]byte(res.Stderr))
	s.Finding("exit-code", float64(res.ExitCode), "")
	s.Finding("reports", float64(len(races)), "")
	if len(races) == 0 {
		s.Warn("The detector reported nothing this time: it sees only races that happen in the run.")
		return nil
	}
	distinct := traceback.Dedup(races)
	s.Finding("distinct", float64(len(distinct)), "pairs of lines")

	if total, ok := s.Lookup("total"); ok && total.Value == Goroutines*DetectorPerGoroutine {
		s.Say("Note: no update was lost in this run, and the detector caught the race anyway.")
	}
	if err := s.Pause(ctx, "what does it mean?"); err != nil {
		return err
	}
	s.Heading("In plain words")
	for _, r := range distinct {
		traceback.ExplainRaceFrom(s, r, ownCode, readSource)
	}
	s.Say("The detector watches every memory access of the Go code built with -race and reports")
	s.Say("two accesses to the same memory, one a write, with no happens-before between them: no")
	s.Say("Unlock then Lock, no send then receive. It finds races that happened in this run, even")
	s.Say("when no update was lost; it cannot find races in code that did not run, nor in C code")
	s.Say("(cgo) or assembly, which it does not instrument.")
	return nil
}

// DetectorPerGoroutine is how many times each goroutine adds 1 under the
// race detector: a handful is enough for it, and it keeps the run short.
const DetectorPerGoroutine = 1000

// racyCounter is the child entry point that runs countUnsafely; the
// detector demo runs it in a child process built with -race.
func racyCounter(_ context.Context, s *lesson.Stage) error {
	total := countUnsafely(s, DetectorPerGoroutine)
	s.Finding("total", float64(total), "of "+lesson.Number(Goroutines*DetectorPerGoroutine))
	return nil
}
