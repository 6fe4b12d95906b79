package race

// The stage plumbing this lesson's demos share: the counters' sizes and
// start barrier, the measurement around each fix, the lost-update
// demo's retries, and the reading of what a child process printed. The
// demos' stories are in their own files (lostupdate.go, detector.go,
// mutex.go, atomic.go, owner.go, mapwrites.go).

import (
	"context"
	"embed"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// Goroutines is how many goroutines count together in every demo.
const Goroutines = 2

// PerGoroutine is how many times each goroutine adds 1: the classic teaching version's
// g_num figure.
const PerGoroutine = 1_000_000

// Expected is the total every counter should reach.
const Expected = Goroutines * PerGoroutine

// Each of the four counters (countUnsafely, countWithMutex,
// countAtomically, countWithOwner) starts Goroutines goroutines that
// each add 1 per times to one shared total. They differ only in what
// stands between the goroutines and the counter: nothing, a Mutex, an
// atomic add, or a channel to the one goroutine that owns it.
//
// A million increments take about a millisecond, less than it may take
// the scheduler to put the second goroutine on a CPU; so each goroutine
// first waits at a start barrier until all of them are running, and only
// then counts. That makes them overlap for real, even on a busy machine.

// startTogether is the start barrier: each goroutine checks in, then
// spins until every one has. Spinning, not sleeping or yielding, keeps
// the early ones on their CPUs, so the scheduler must run the others on
// other CPUs: when the last one checks in, all of them are running.
func startTogether(ready *atomic.Int32) {
	ready.Add(1)
	for ready.Load() < Goroutines {
	}
}

// laneName names counting goroutine i's lane: g1, g2, ...
func laneName(i int) string { return "g" + string(rune('1'+i)) }

// fix runs one of the safe counters and records its total and its cost.
func fix(ctx context.Context, s *lesson.Stage, what string, count func(*lesson.Stage, int) int) error {
	s.Heading("The same %s increments, %s", lesson.Number(Expected), what)
	if err := s.Pause(ctx, "run it: is anything lost, and what does it cost?"); err != nil {
		return err
	}
	begin := time.Now()
	total := count(s, PerGoroutine)
	elapsed := time.Since(begin)

	s.Finding("total", float64(total), "of "+lesson.Number(Expected))
	s.Finding("lost", float64(Expected-total), "updates")
	s.FindingDuration("elapsed", elapsed)
	s.Finding("per-update", float64(elapsed.Nanoseconds())/Expected, "ns")
	return ctx.Err()
}

// lostUpdateTries bounds how often the racy counter runs again when a try
// happens to lose nothing, lostUpdateRetry apart (a limit, Stage.Limit: it
// waits for the machine, not for the story, so a fast speed never
// shortens it; a slow one stretches it like everything else).
const (
	lostUpdateTries = 10
	lostUpdateRetry = 150 * time.Millisecond
)

// untilLost runs count until it comes up short of Expected, at most
// lostUpdateTries times, and returns the last total, how many tries it
// took and how long the last one lasted.
//
// Updates are lost only while both goroutines run at the same instant
// on two cores. When another program keeps a core busy, the operating
// system runs both threads on the remaining one, one after the other,
// and nothing is lost: the race is still there, it did not bite. A try
// lasts a millisecond, so wait a moment between tries for the busy core
// to come free, and say so.
func untilLost(ctx context.Context, s *lesson.Stage, count func() int) (total, tries int, elapsed time.Duration, err error) {
	procs := runtime.GOMAXPROCS(0)
	for tries = 1; ; tries++ {
		begin := time.Now()
		total = count()
		elapsed = time.Since(begin)
		// With one thread there is no busy core to wait for: the goroutines
		// take turns whatever happens, so one try says it all.
		if total < Expected || tries == lostUpdateTries || procs == 1 {
			return total, tries, elapsed, nil
		}
		s.Say("Try %d: all %s arrived; the two goroutines did not run at the same moment. Again.",
			tries, lesson.Number(Expected))
		select {
		case <-time.After(s.Limit(lostUpdateRetry)):
		case <-ctx.Done():
			return total, tries, elapsed, ctx.Err()
		}
	}
}

// source is this lesson's code, so that explanations can show its lines
// even from a binary built with -trimpath or run far from its source.
//
//go:embed *.go
var source embed.FS

// ownCode reports whether file is one of this lesson's source files, as
// the race detector or the runtime names it (absolute, or module-relative
// under -trimpath).
func ownCode(file string) bool {
	return strings.Contains(filepath.ToSlash(file), "/02-race/") && strings.HasSuffix(file, ".go")
}

// readSource reads file from disk, or, for this lesson's own files, from
// the copy embedded in the binary.
func readSource(file string) ([]byte, error) {
	if b, err := os.ReadFile(file); err == nil {
		return b, nil
	}
	if ownCode(file) {
		return source.ReadFile(path.Base(filepath.ToSlash(file)))
	}
	return nil, os.ErrNotExist
}

// fatalError is the message of the first "fatal error: ..." line of
// stderr, "" if there is none.
func fatalError(stderr string) string {
	_, rest, ok := strings.Cut(stderr, "fatal error: ")
	if !ok {
		return ""
	}
	msg, _, _ := strings.Cut(rest, "\n")
	return strings.TrimSpace(msg)
}

// firstRaceReport is the first "WARNING: DATA RACE" block of stderr, if
// any: a child built with -race may report the writers before the map's
// own check stops it (or it may not: which comes first varies).
func firstRaceReport(stderr string) string {
	const sep = "==================\n"
	i := strings.Index(stderr, sep+"WARNING: DATA RACE")
	if i < 0 {
		return ""
	}
	end := strings.Index(stderr[i+len(sep):], sep)
	if end < 0 {
		return stderr[i:]
	}
	return stderr[i : i+len(sep)+end+len(sep)]
}

// firstGoroutine cuts a fatal error report after its first goroutine: the
// message and the stack of the goroutine caught in the act.
func firstGoroutine(stderr string) string {
	i := strings.Index(stderr, "fatal error:")
	if i < 0 {
		if strings.Contains(stderr, "WARNING: DATA RACE") {
			return ""
		}
		if len(stderr) > 4000 {
			return stderr[:4000] + "\n...\n"
		}
		return stderr
	}
	rest := stderr[i:]
	first := strings.Index(rest, "\ngoroutine ")
	if first < 0 {
		return rest
	}
	if end := strings.Index(rest[first+1:], "\n\n"); end >= 0 {
		return rest[:first+1+end] + "\n\n(the other goroutines' stacks follow in the full report)\n"
	}
	return rest
}
