// Package lesson defines what a conclab lesson is: data (number, slug,
// title, text) plus demos that run real goroutines and talk to the world
// only through a Stage.
//
// A lesson package (lessons/NN-slug) builds one Lesson value; the lessons
// package lists them in order; the runner shows and runs them. Lessons never
// import the runner: everything a demo needs (narration, lanes, scaled
// sleeps, pauses, timeline events, findings, child processes) is on Stage.
package lesson

import (
	"context"
	"fmt"
	"strings"

	"github.com/conclab/conclab/lessons/stepper"
)

// Lesson is one numbered unit of the course.
type Lesson struct {
	Number  int    // 1, 2, ... without gaps
	Slug    string // short lowercase name, e.g. "race"
	Title   string // e.g. "Race conditions"
	Summary string // one line for menus and lists
	Text    string // markdown: what, why, the trap, the fix, recap, how it is commonly taught
	Demos   []Demo
	// Children are entry points that only ever run in a child process
	// (Stage.Child): code that must deadlock for real, die of a fatal
	// runtime error, or run under the race detector. They are looked up
	// by name, after Demos of the same name.
	Children []Demo
	// Exercises are the slugs of the exercises that practise this lesson.
	Exercises []string
	// Levels are this lesson's puzzles for the interleaving stepper
	// (conclab step), in the order they are played: usually a bug, then
	// its fix, which the stepper proves unwinnable. Their Number and
	// Lesson are left zero: the course (lessons.Levels) sets them.
	Levels []stepper.Level
}

// Demo is one live demonstration: it states a claim, runs real goroutines
// and records the measured evidence as findings.
type Demo struct {
	Name  string // slug, unique within its lesson, e.g. "lost-update"
	Title string // a few words for menus, e.g. "Lost updates"
	Claim string // one sentence the demo proves, printed before it runs
	Run   func(ctx context.Context, s *Stage) error
	// Racy marks a demo with a deliberate data race. It runs in-process
	// only in a binary built without -race; under the race detector (the
	// runner's --race, or go test -race) it runs in a child process so
	// that the detector's report is shown, not fatal.
	Racy bool
	// NeedsRace marks a demo that shows the race detector itself: without
	// it (no --race, not a -race build) the demo only says so, and asking
	// for that one demo alone is a usage error.
	NeedsRace bool
	// Predict is an optional question that conclab present asks the
	// class before the demo runs, e.g. "two goroutines add 1,000,000
	// each; what will the counter show?". Answer (optional) is revealed
	// after the run, next to the measured findings. Without them the
	// presenter uses its own table, or a question built from the claim.
	Predict string
	Answer  string
}

// Demo returns the demo called name, or an error naming the valid choices.
func (l Lesson) Demo(name string) (Demo, error) {
	for _, d := range l.Demos {
		if d.Name == name {
			return d, nil
		}
	}
	names := make([]string, len(l.Demos))
	for i, d := range l.Demos {
		names[i] = d.Name
	}
	return Demo{}, fmt.Errorf("lesson %d (%s) has no demo %q; valid: %s", l.Number, l.Slug, name, strings.Join(names, ", "))
}

// child returns the demo or child entry point called name.
func (l Lesson) child(name string) (Demo, bool) {
	for _, d := range l.Demos {
		if d.Name == name {
			return d, true
		}
	}
	for _, d := range l.Children {
		if d.Name == name {
			return d, true
		}
	}
	return Demo{}, false
}

// ID is the lesson's display name, e.g. "2 race".
func (l Lesson) ID() string { return fmt.Sprintf("%d %s", l.Number, l.Slug) }
