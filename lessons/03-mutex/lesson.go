// Package mutex is lesson 3: critical sections, invariants, lock scope,
// why Go has no reentrant lock, and why a mutex must not be copied.
package mutex

import (
	_ "embed"

	"github.com/conclab/conclab/lessons/lesson"
)

//go:embed lesson.md
var text string

// Lesson is lesson 3.
var Lesson = lesson.Lesson{
	Number:  3,
	Slug:    "mutex",
	Title:   "Mutex",
	Summary: "keep an invariant with sync.Mutex, keep the critical section small, never lock twice or copy a lock",
	Text:    text,
	Demos: []lesson.Demo{
		{
			Name:  "invariant-unlocked",
			Title: "The a/b checker without a lock",
			Claim: "a writer doing a++; b++ without a lock lets a checker see a != b (a data race)",
			Run:   invariantUnlocked,
			Racy:  true,
		},
		{
			Name:  "invariant-locked",
			Title: "The a/b checker with a lock",
			Claim: "when writer and checker share one mutex, the checker never sees a != b",
			Run:   invariantLocked,
		},
		{
			Name:  "lock-scope",
			Title: "Sleeping inside the lock",
			Claim: "10 workers sleeping inside the lock take 10 times the sleep; outside it, about once",
			Run:   lockScope,
		},
		{
			Name:  "lock-twice",
			Title: "Locking twice deadlocks",
			Claim: "a goroutine that locks a sync.Mutex it already holds waits forever; a ...Locked helper fixes it",
			Run:   lockTwice,
		},
		{
			Name:    "vet-copylocks",
			Title:   "go vet catches a copied mutex",
			Claim:   "a value receiver copies the mutex inside it, and go vet says so",
			Run:     vetCopyLocks,
			Predict: "A method with a value receiver locks the struct's mutex. Does the compiler object? Does go vet?",
			Answer:  "The compiler accepts it; go vet's copylocks check reports the copied lock. The copy excludes nobody.",
		},
	},
	Children: []lesson.Demo{
		{Name: "double-lock", Title: "Inc locks, then calls Add, which locks again", Run: doubleLock},
	},
	Exercises: []string{"ledger"},
	Levels:    levels(),
}
