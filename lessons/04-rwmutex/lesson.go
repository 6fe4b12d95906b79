// Package rwmutex is lesson 4: sync.RWMutex lets readers in together and
// writers in alone; when that pays, when it does not, and how a waiting
// writer turns a recursive read lock into a deadlock.
package rwmutex

import (
	_ "embed"

	"github.com/conclab/conclab/lessons/lesson"
)

//go:embed lesson.md
var text string

// Lesson is lesson 4.
var Lesson = lesson.Lesson{
	Number:  4,
	Slug:    "rwmutex",
	Title:   "RWMutex",
	Summary: "let readers share the lock and writers have it alone, and know when that is no faster",
	Text:    text,
	Demos: []lesson.Demo{
		{
			Name:  "readers",
			Title: "8 readers: Mutex vs RWMutex",
			Claim: "8 readers holding the lock 50 ms each take about 400 ms with a Mutex and about 50 ms with an RWMutex",
			Run:   readersDemo,
		},
		{
			Name:  "short-critical-section",
			Title: "When RWMutex is no faster",
			Claim: "with a critical section of a few nanoseconds, or nobody to share with, an RWMutex buys little or nothing over a Mutex",
			Run:   shortCriticalSection,
		},
		{
			Name:  "recursive-rlock",
			Title: "A waiting writer blocks new readers",
			Claim: "once a writer waits, new RLock calls wait behind it, so a goroutine taking RLock twice deadlocks",
			Run:   writerBlocksReaders,
		},
	},
	Children: []lesson.Demo{
		{Name: "rlock-twice", Title: "RLock, a writer arrives, RLock again", Run: rlockTwice},
	},
	Exercises: []string{"rwstore"},
}
