// Package processes is lesson 13: processes, the other unit of
// concurrency. A child runs and exits with a status; a child nobody waits
// for is a zombie, a child whose parent is gone an orphan; a child has
// memory of its own; two processes talk through a pipe; a signal asks a
// process to stop and a clean one does; and CPU-bound work is split over
// processes and over goroutines, measured.
package processes

import (
	_ "embed"

	"github.com/conclab/conclab/lessons/lesson"
)

//go:embed lesson.md
var text string

// Lesson is lesson 13.
var Lesson = lesson.Lesson{
	Number:  13,
	Slug:    "processes",
	Title:   "Processes",
	Summary: "os/exec: exit codes, zombies and orphans, memory of their own, pipes, signals and a clean stop, primes over processes versus goroutines",
	Text:    text,
	Demos: []lesson.Demo{
		{
			Name:    "exit-codes",
			Title:   "Exit codes: how a child says how it went",
			Claim:   "a child that calls os.Exit(2) is read back as an *exec.ExitError with ExitCode() == 2; success is 0; a child killed by a signal has no exit code (-1); a program that is not there never starts",
			Run:     exitCodes,
			Predict: "a child process calls os.Exit(2). What does the parent's cmd.Run() return?",
			Answer:  "an *exec.ExitError whose ExitCode() is 2: a non-zero status is an error, and the number is the child's message",
		},
		{
			Name:    "zombie",
			Title:   "A zombie: a child nobody waited for",
			Claim:   "a child that has exited but was never waited for stays in the process table in state Z (a zombie) until its parent calls Wait, which reaps it",
			Run:     zombie,
			Predict: "the parent starts a child that exits at once, and never calls Wait. What is left of the child?",
			Answer:  "a zombie: an entry in the process table (state Z) holding its exit status, until the parent calls Wait",
		},
		{
			Name:  "orphan",
			Title: "An orphan: a child whose parent is gone",
			Claim: "when a parent exits before its child, the child runs on and is adopted: its parent pid changes to init (or the nearest subreaper), which will reap it",
			Run:   orphan,
		},
		{
			Name:    "isolation",
			Title:   "Twenty processes, twenty counters; twenty goroutines, one",
			Claim:   "20 child processes each add 1 to their own copy of counter and the parent's stays 0; 20 goroutines add to the one counter they share and it reaches 20",
			Run:     isolation,
			Predict: "a package-level counter starts at 0; 20 child processes each run counter++. What does the parent's counter show after they exit?",
			Answer:  "0: each child has memory of its own, and its counter died with it. Goroutines share memory; processes do not",
		},
		{
			Name:  "pipe",
			Title: "A pipe between two processes: question and answer",
			Claim: "the parent writes questions to a child's standard input and reads each answer from its standard output, one line at a time; closing the pipe is the child's cue to finish",
			Run:   pipe,
		},
		{
			Name:    "signals",
			Title:   "Signals and a clean stop",
			Claim:   "SIGTERM kills a process that does not handle it; one that waits on signal.NotifyContext finishes its work and exits 0; SIGKILL cannot be caught",
			Run:     signals,
			Predict: "a child is sent SIGTERM. When does it get to clean up?",
			Answer:  "only if it asked for the signal (signal.NotifyContext): otherwise it dies on the spot; and SIGKILL never lets it",
		},
		{
			Name:    "primes",
			Title:   "Counting primes: 1, 4 and 10 workers, goroutines versus processes",
			Claim:   "the same prime count split over 1, 4 and 10 goroutines and over 1, 4 and 10 processes gives the same answer; processes pay milliseconds to start where goroutines pay microseconds, and neither runs faster than the cores allow",
			Run:     primes,
			Predict: "counting primes with 10 worker processes on a machine with 2 cores: faster than 4 workers?",
			Answer:  "no: once every core is busy, more workers only share them; and each process costs milliseconds to start",
		},
	},
	// The children the demos start with os/exec: each is this same
	// program, re-executed (Stage.Command).
	Children: []lesson.Demo{
		{Name: "exit-ok", Title: "a child that succeeds", Run: exitOK},
		{Name: "exit-two", Title: "a child that exits 2", Run: exitTwo},
		{Name: "sleeper", Title: "a child that waits to be killed", Run: sleeper},
		{Name: "noop", Title: "a child that exits at once", Run: noop},
		{Name: "add-one", Title: "a child that adds 1 to its counter", Run: addOne},
		{Name: "answerer", Title: "a child that answers questions on stdin", Run: answerer},
		{Name: "graceful", Title: "a child that stops cleanly on SIGTERM", Run: graceful},
		{Name: "orphan-parent", Title: "a child that starts a grandchild and exits", Run: orphanParent},
		{Name: "orphaned", Title: "a grandchild that outlives its parent", Run: orphaned},
		{Name: "prime-worker", Title: "a child that counts primes in a range", Run: primeWorker},
	},
}
