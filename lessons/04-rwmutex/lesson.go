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
			Name:    "readers",
			Title:   "8 readers: Mutex vs RWMutex",
			Claim:   "8 readers holding the lock 50 ms each take about 400 ms with a Mutex and about 50 ms with an RWMutex",
			Run:     readersDemo,
			Predict: "8 readers each hold the lock 50 ms. How long with a Mutex, how long with RLock? And a writer arriving while they read?",
			Answer:  "About 400 ms against 50 ms: RLock lets all 8 in at once. The writer waits for all of them to leave and then writes alone.",
		},
		{
			Name:    "short-critical-section",
			Title:   "When RWMutex is no faster",
			Claim:   "when every operation writes, an RWMutex is slower than a Mutex, alone or with 8 goroutines; with reads of a few nanoseconds it is nowhere near the 8x of the sleeping readers",
			Run:     shortCriticalSection,
			Predict: "Now the lock is held for nanoseconds, not 50 ms. Is RWMutex still 8 times faster? And when every operation writes?",
			Answer:  "Short reads: about the same, at best a little faster; RLock is an atomic add on a shared counter too. All writes: RWMutex is slower, about 2x here, because its Lock and Unlock each add an atomic operation to the Mutex inside.",
		},
		{
			Name:    "recursive-rlock",
			Title:   "A waiting writer blocks new readers",
			Claim:   "once a writer waits, new RLock calls wait behind it, so a goroutine taking RLock twice deadlocks",
			Run:     writerBlocksReaders,
			Predict: "A goroutine holds RLock; a writer calls Lock; the goroutine calls RLock again. Readers share, so does it get in?",
			Answer:  "No: a waiting writer blocks new readers, the writer waits for the first read lock, and nobody moves: a deadlock.",
		},
	},
	Children: []lesson.Demo{
		{Name: "rlock-twice", Title: "RLock, a writer arrives, RLock again", Run: rlockTwice},
	},
	Exercises: []string{"rwstore"},
}
