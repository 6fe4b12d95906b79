// Package exercises is the catalog of conclab's exercises: one typed entry
// per exercise, and the canonical stubs, tests and statements embedded so
// that the binary can reset an exercise and grade a submission without
// trusting the submission's own test files.
//
// Each exercise is a package exercises/NN-slug that imports nothing of this
// project:
//
//	NN-slug/README.md          the task statement
//	NN-slug/HINTS.md           its three hints (hints.go), which conclab
//	                           hint shows one at a time and init does not
//	                           copy into the learner's workspace
//	NN-slug/<file>.go          the stub the learner edits (Exercise.Files)
//	NN-slug/*_test.go          the graded tests
//	NN-slug/testdata/wrong/*.go deliberately wrong solutions, each starting
//	                           with a line "// want: <verdict>"
//	                           (or "// want: race or fail" when the
//	                           schedule decides which one shows)
//
// and its reference solution is solutions/NN-slug/<file>.go.
package exercises

import (
	"embed"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"
)

// Exercise describes one exercise.
type Exercise struct {
	Number int    // 0, 1, 2, ... without gaps (0 is the warm-up for lesson 1)
	Slug   string // e.g. "counter"
	Title  string // e.g. "A counter safe for concurrent use"
	Lesson string // slug of the lesson it practises, e.g. "race"
	// Files are the file names (in Dir) that the learner edits and a
	// submission may supply; every other file comes from the catalog.
	Files []string
	// Imports are the import paths that the learner's files may use;
	// the grader's policy (runner/grade/policy) refuses every other
	// import before it builds anything. The list covers the stub, the
	// reference solution, the wrong solutions and the other correct
	// designs a learner may reasonably choose, and no more: each
	// package is a capability given to code that runs inside the
	// grader's test process ("os" is the file system, "net" the
	// network).
	Imports []string
	// Hints are three progressive hints, from a nudge to nearly the answer,
	// written like a doc comment: paragraphs of prose (wrapped to the
	// terminal when shown), and code as tab-indented, gofmt-formatted
	// lines, shown as they are (conclab hint; only hint 3 has code).
	// They are read from the exercise's HINTS.md as the program starts
	// (hints.go), not written in its catalog entry.
	Hints [3]string
	// Points per top-level test function; tests not listed count 1.
	Points map[string]int
	// Timeout bounds one run of the exercise's tests under -race, even
	// for a deadlocking or leaking solution.
	Timeout time.Duration
	// Gaps says that the grader opens a gap after each unlock in the
	// learner's files (runner/grade's Gapped): a test that runs in a
	// testing/synctest bubble with CONCLAB_GAPS=1 set sees every other
	// goroutine reach its own next step before the one that unlocked
	// goes on, so a critical section split in two, or a check made
	// before a wait that no longer holds the lock, fails in every run
	// rather than when the scheduler happens to cooperate.
	Gaps bool
}

// Dir is the exercise's folder name, e.g. "01-counter".
func (e Exercise) Dir() string { return fmt.Sprintf("%02d-%s", e.Number, e.Slug) }

// ID is the exercise's display name, e.g. "1 counter".
func (e Exercise) ID() string { return fmt.Sprintf("%d %s", e.Number, e.Slug) }

// PointsFor returns the points that test is worth.
func (e Exercise) PointsFor(test string) int {
	if p, ok := e.Points[test]; ok {
		return p
	}
	return 1
}

// Canonical holds every exercise folder as shipped: statements, hints,
// stubs, graded tests and the wrong-solution fixtures. The fixtures are
// named by file (testdata/wrong/*.go) rather than by folder, because a
// folder pattern breaks the build while someone's new exercise still has
// an empty testdata.
// An exercise may hold packages of its own in folders beside its stub (the
// component that exercise 17's check tests, in 17-indexer-check/indexer):
// canonical code that the learner's code imports but cannot edit.
//
//go:embed README.md */README.md */HINTS.md */*.go */testdata/wrong/*.go [0-9][0-9]-*/*/*.go
var Canonical embed.FS

// Folder returns the canonical files of e, rooted at its folder.
func (e Exercise) Folder() (fs.FS, error) { return fs.Sub(Canonical, e.Dir()) }

// All returns every exercise in order.
func All() []Exercise { return append([]Exercise(nil), catalog...) }

// Find returns the exercise named by number ("1") or slug ("counter"), or
// an error that lists the valid names.
func Find(name string) (Exercise, error) {
	n, err := strconv.Atoi(name)
	for _, e := range catalog {
		if (err == nil && e.Number == n) || strings.EqualFold(e.Slug, name) || e.Dir() == name {
			return e, nil
		}
	}
	valid := make([]string, len(catalog))
	for i, e := range catalog {
		valid[i] = e.ID()
	}
	return Exercise{}, fmt.Errorf("no exercise %q; valid: %s", name, strings.Join(valid, ", "))
}
