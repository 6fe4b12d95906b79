// Package once is lesson 10: lazy initialisation done once. The old
// course's locked singleton (check, lock, check again), the same singleton
// without the lock (a data race that builds the object many times), and
// sync.Once and sync.OnceValue, which do it right in one line.
package once

import (
	_ "embed"

	"github.com/conclab/conclab/lessons/lesson"
)

//go:embed lesson.md
var text string

// Lesson is lesson 10.
var Lesson = lesson.Lesson{
	Number:  10,
	Slug:    "once",
	Title:   "Doing it once",
	Summary: "the locked singleton, its racy shortcut, and sync.Once / sync.OnceValue",
	Text:    text,
	Demos: []lesson.Demo{
		{
			Name:    "locked-singleton",
			Title:   "The classic singleton: check, lock, check again",
			Claim:   "ten goroutines asking at once get the same object, built once; later calls skip the lock",
			Run:     lockedSingleton,
			Predict: "ten goroutines ask for the singleton at the same moment: how many take the lock, and how many objects are built?",
			Answer:  "all ten take the lock (they all saw nil first), one builds, nine find it built at the second check",
		},
		{
			Name:    "unlocked-singleton",
			Title:   "Check without the lock: a data race",
			Claim:   "ten goroutines that all see nil before any builds make ten objects; the race detector names the line",
			Run:     unlockedSingleton,
			Racy:    true,
			Predict: "the same singleton without the lock: how many objects are built?",
			Answer:  "one per goroutine that saw nil: here all ten",
		},
		{
			Name:    "plain-check",
			Title:   "The singleton copied literally: the unlocked check races",
			Claim:   "with a plain pointer, the first check races with the write under the lock, even though only one object is built",
			Run:     plainCheck,
			Predict: "the classic Python singleton copied to Go word for word: one object built; is it correct?",
			Answer:  "no: the unlocked first check reads a plain pointer that another goroutine writes; -race reports it",
			Racy:    true,
		},
		{
			Name:    "once",
			Title:   "sync.Once: 100 goroutines, one construction",
			Claim:   "100 goroutines calling once.Do at the same time run the constructor exactly once and all get the same pointer",
			Run:     withOnce,
			Predict: "100 goroutines call once.Do(build) at the same moment: how many builds, and do the 99 others wait?",
			Answer:  "one build; the others wait inside Do until it has returned, then all get the same pointer",
		},
		{
			Name:  "once-value",
			Title: "sync.OnceValues: the getter in one line",
			Claim: "a getter made by sync.OnceValues builds once for 100 goroutines and returns the same pointer to each",
			Run:   withOnceValue,
		},
		{
			Name:    "once-error",
			Title:   "Once remembers failure too",
			Claim:   "when the constructor fails, sync.OnceValues returns the same error forever and never tries again",
			Run:     onceError,
			Predict: "the constructor fails on the first call, then the file appears: what does the third call return?",
			Answer:  "the first call's error: sync.OnceValues never runs the constructor again",
		},
	},
	Exercises: []string{"once"},
}
